/** Tuning of a circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call is let through. */
  openMs: number;
}

/** The breaker's state as operators see it. */
export type BreakerState = "closed" | "open" | "half-open";

/**
 * A consecutive-failure circuit breaker. While open, calls fail at once instead of piling up
 * behind a dead dependency; after `openMs` a single probe decides whether to close again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private _state: BreakerState = "closed";

  constructor(
    private readonly options: BreakerOptions = { failureThreshold: 5, openMs: 5000 },
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
    this.failures = 0;
    this.probing = false;
    this._state = "closed";
  }

  /** Records a call that says nothing about the dependency's health (frees a half-open probe). */
  release(): void {
    this.probing = false;
  }

  /** Records a call that failed because the dependency is unhealthy. */
  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this._state === "half-open" || this.failures >= this.options.failureThreshold) {
      this._state = "open";
      this.openedAt = this.now();
    }
  }
}
