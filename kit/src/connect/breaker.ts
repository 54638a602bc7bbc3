/** Tuning of a circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call is let through. */
  openMs: number;
  /**
   * Share of failed calls within the current window needed as well (default 0.5): a few
   * consecutive timeouts among many answered calls are a busy upstream, not a dead one, and
   * cutting it off for `openMs` turned a second of overload into five seconds of 503s (measured
   * in the 50/s drop).
   */
  minFailureRatio?: number;
  /** Length of the window the ratio is counted over (default 10 s). */
  windowMs?: number;
}

/** The breaker's state as operators see it. */
export type BreakerState = "closed" | "open" | "half-open";

/**
 * A circuit breaker that opens on `failureThreshold` consecutive failures while at least
 * `minFailureRatio` of the window's calls failed. While open, calls fail at once instead of
 * piling up behind a dead dependency; after `openMs` a single probe decides whether to close.
 */
export class CircuitBreaker {
  private failures = 0;
  private windowStart = 0;
  private windowCalls = 0;
  private windowFailures = 0;
  private openedAt = 0;
  private probing = false;
  private _state: BreakerState = "closed";

  constructor(
    // Open for a second: a killed service's replacement answers again after ~1.5 s (chaos drop),
    // and 5 s open turned each restart into seconds of 503s for a callee that was already back.
    // One probe a second costs a dead dependency nothing.
    private readonly options: BreakerOptions = { failureThreshold: 5, openMs: 1000 },
    private readonly now: () => number = Date.now,
  ) {}

  /** Current state (moves from open to half-open once the open period has passed). */
  get state(): BreakerState {
    if (this._state === "open" && this.now() - this.openedAt >= this.options.openMs)
      this._state = "half-open";
    return this._state;
  }

  /** Milliseconds until a probe is allowed (0 when calls may pass). */
  retryAfterMs(): number {
    return this.state === "open" ? Math.max(0, this.options.openMs - (this.now() - this.openedAt)) : 0;
  }

  /** Whether a call may go out now; in half-open only one probe is in flight at a time. */
  tryPass(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "half-open" && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  /** Records a call that reached a healthy dependency. */
  success(): void {
    this.count(false);
    this.failures = 0;
    this.probing = false;
    this._state = "closed";
  }

  private count(failed: boolean): void {
    const now = this.now();
    if (now - this.windowStart >= (this.options.windowMs ?? 10_000)) {
      this.windowStart = now;
      this.windowCalls = 0;
      this.windowFailures = 0;
    }
    this.windowCalls += 1;
    if (failed) this.windowFailures += 1;
  }

  /** Records a call that says nothing about the dependency's health (frees a half-open probe). */
  release(): void {
    this.probing = false;
  }

  /** Records a call that failed because the dependency is unhealthy. */
  failure(): void {
    this.count(true);
    this.probing = false;
    this.failures += 1;
    const ratio = this.windowFailures / this.windowCalls;
    const tripped =
      this.failures >= this.options.failureThreshold && ratio >= (this.options.minFailureRatio ?? 0.5);
    if (this._state === "half-open" || tripped) {
      this._state = "open";
      this.openedAt = this.now();
    }
  }
}
