import { randomUUID } from "node:crypto";
import type { Logger, Metrics } from "@tt/kit";
import type { WaitingRoom } from "./waiting-room.ts";

/** Tuning of the admission ticker. */
export interface TickerOptions {
  tickMs: number;
  /** Lease lifetime; a crashed holder's events move to another gateway after this long. */
  leaseMs?: number;
  /** How often the list of live events is re-read. */
  refreshEventsMs?: number;
}

/**
 * Runs admission for every live event, one tick per `tickMs`. Every gateway process runs one,
 * but per event only the holder of the Redis lease admits, so there is exactly one ticker per
 * event across replicas. Uses a self-correcting setTimeout: setInterval drifts under fan-out
 * load (docs/architecture.md, "Measured facts").
 */
export class AdmissionTicker {
  readonly owner = randomUUID();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private events: string[] = [];
  private eventsReadAt = 0;
  private readonly admittedTotal;
  private readonly waitingGauge;
  /** Events this process admitted for at its last tick (for tests and stats). */
  readonly leading = new Set<string>();

  constructor(
    private readonly room: WaitingRoom,
    private readonly opts: TickerOptions,
    private readonly log: Logger,
    metrics: Metrics,
  ) {
    this.admittedTotal = metrics.counter("queue_admitted_total", "Waiters admitted from the queue", [
      "event_id",
    ]);
    this.waitingGauge = metrics.gauge("queue_waiting", "Waiters in line", ["event_id"]);
  }

  /** Starts ticking until `stop`. */
  start(): void {
    let next = Date.now();
    const loop = () => {
      this.running = this.tick()
        .catch((error: unknown) => this.log.warn("admission tick failed", { err: error }))
        .finally(() => {
          if (this.timer === undefined) return;
          next += this.opts.tickMs;
          this.timer = setTimeout(loop, Math.max(0, next - Date.now()));
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops after the tick in progress, if any. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the live events: admit where this process holds the lease. */
  async tick(): Promise<void> {
    const now = Date.now();
    if (now - this.eventsReadAt >= (this.opts.refreshEventsMs ?? 2000)) {
      this.events = await this.room.activeEvents();
      this.eventsReadAt = now;
    }
    const leaseMs = this.opts.leaseMs ?? Math.max(2000, this.opts.tickMs * 8);
    await Promise.all(
      this.events.map(async (eventId) => {
        if (!(await this.room.tryLease(eventId, this.owner, leaseMs))) {
          this.leading.delete(eventId);
          return;
        }
        this.leading.add(eventId);
        const result = await this.room.admitTick(eventId);
        if (result.admitted > 0) this.admittedTotal.inc({ event_id: eventId }, result.admitted);
        this.waitingGauge.set({ event_id: eventId }, result.waiting);
      }),
    );
  }
}
