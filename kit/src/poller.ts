import type { Logger } from "./log.ts";
import { runAs } from "./origin.ts";
import { backoffDelay } from "./retry.ts";

/** Pacing of a poller: fast while there is work, backing off to `idleMs` when there is none. */
export interface PollerOptions {
  /** Pause after a pass that did work. */
  busyMs: number;
  /** Longest pause when idle or failing. */
  idleMs: number;
  /**
   * Whether an idle pause grows from `busyMs` to `idleMs` (default) or is `idleMs` at once — for a
   * pass that costs the same requests however often it runs (a poll of every job shard).
   */
  backoff?: boolean;
}

/**
 * Runs a background pass (outbox sweep, hold sweeper) over and over: again soon after a pass
 * that found work, backing off exponentially while idle or failing, and at once when woken.
 * A self-scheduling loop rather than setInterval, so passes never overlap.
 */
export class Poller {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<number>,
    private readonly options: PollerOptions,
    private readonly log: Logger,
  ) {}

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Runs the next pass now instead of after the current pause. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops after the pass in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { busyMs, idleMs } = this.options;
    // Idle passes back off as retries do (retry.ts): 2, 4, 8 … × busyMs, capped at idleMs.
    const backoff = { baseMs: busyMs, maxMs: idleMs, jitter: 0 };
    let pause = busyMs;
    // Passes in a row that found nothing; a failed pass goes straight to the cap.
    let quiet = 0;
    while (this.running) {
      this.woken = false;
      try {
        const done = await runAs(this.name, () => this.pass());
        quiet = done > 0 ? 0 : quiet + 1;
        if (done > 0) pause = busyMs;
        else pause = this.options.backoff === false ? idleMs : backoffDelay(quiet, backoff);
      } catch (err) {
        this.log.warn(`${this.name} pass failed`, { err });
        quiet = Number.POSITIVE_INFINITY;
        pause = idleMs;
      }
      if (!this.running || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
