import { randomUUID } from "node:crypto";
import type { Logger, Metrics, SaleTally } from "@tt/kit";
import type { AdmissionTuner } from "./governor.ts";
import type { AdmissionLines } from "./room-model.ts";
import type { SaleWindow } from "./sale.ts";
import type { StockWatch } from "./stock-watch.ts";

/** Tuning of the admission ticker. */
export interface TickerOptions {
  tickMs: number;
  /** Lease lifetime; a crashed holder's events move to another gateway after this long. */
  leaseMs?: number;
  /** How often the list of live events is re-read. */
  refreshEventsMs?: number;
  /** How often the leader of an event re-reads its durable settings (catches Redis up after a missed write). */
  reconcileSettingsMs?: number;
  /** The stock readings of led events, which set each line's sale state (sale.ts); none: always on sale. */
  stock?: StockWatch;
  /** Self-tuning of the events that ask for it (governor.ts); none: every event at its fixed rate. */
  tuner?: AdmissionTuner;
  /** Sale analytics: admissions, places dropped for silence and each admitted buyer's time in line. */
  tally?: Pick<SaleTally, "count" | "abandoned" | "waited">;
  /**
   * Each event's sale window as last read, without waiting (the event directory's): it opens
   * admission and ends the sale (sale.ts); none, or undefined: the line keeps what it was told.
   */
  windows?: (eventId: string) => SaleWindow | undefined;
}

/**
 * Runs admission for every live event, one tick per `tickMs`. Every gateway process runs one,
 * but per event only the holder of the Redis lease admits, so there is exactly one ticker per
 * event across replicas. Uses a self-correcting setTimeout: setInterval drifts under fan-out
 * load (docs/architecture.md, "Measured facts").
 *
 * After Redis lost its data: a join that starts a new line tells this process's ticker at once
 * (`watch`), the lease is free to take, and a line without its operator's settings is admitted
 * from only once they are back from the durable store. An event this ticker leads that still has
 * people in line is added back to the set of live events if that set lost it; one whose line is
 * gone (its keys expired a day after the last join, or were lost) is taken off it.
 */
export class AdmissionTicker {
  readonly owner = randomUUID();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private events: string[] = [];
  private eventsReadAt = 0;
  /** Events whose last tick here found people in line. */
  private readonly live = new Set<string>();
  /** When this process last re-read each led event's durable settings. */
  private readonly reconciledAt = new Map<string, number>();
  private warnedAt = 0;
  private readonly admittedTotal;
  private readonly waitingGauge;
  private readonly lastTickGauge;
  /** Events this process admitted for at its last tick (for tests and stats). */
  readonly leading = new Set<string>();

  constructor(
    private readonly room: AdmissionLines,
    private readonly opts: TickerOptions,
    private readonly log: Logger,
    metrics: Metrics,
  ) {
    this.admittedTotal = metrics.counter("queue_admitted_total", "Waiters admitted from the queue", [
      "event_id",
    ]);
    this.waitingGauge = metrics.gauge("queue_waiting", "Waiters in line", ["event_id"]);
    // Set after every completed pass (failed ones leave it): the QueueTickerStalled alert fires
    // when it falls behind, whether the loop died, hangs on Redis or fails every pass.
    this.lastTickGauge = metrics.gauge(
      "queue_ticker_last_tick_seconds",
      "Unix time of this process's last completed admission tick",
    );
    // From construction: a process whose first pass never completes is stalled from its start.
    this.lastTickGauge.set(Date.now() / 1000);
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

  /** Ticks `eventId` from the next tick on (a line was just born here), without waiting for the next re-read. */
  watch(eventId: string): void {
    if (!this.events.includes(eventId)) this.events = [...this.events, eventId];
  }

  /** One pass over the live events: admit where this process holds the lease. */
  async tick(): Promise<void> {
    const now = Date.now();
    if (now - this.eventsReadAt >= (this.opts.refreshEventsMs ?? 2000)) {
      const listed = await this.room.activeEvents();
      // Lines this process leads that the set no longer lists (it lives on one shard, and may
      // have lost its data while the lines, elsewhere, did not).
      const missing = [...this.live].filter((e) => !listed.includes(e));
      if (missing.length > 0) await this.room.registerEvents(missing);
      this.events = [...listed, ...missing];
      this.eventsReadAt = now;
    }
    const leaseMs = this.opts.leaseMs ?? Math.max(2000, this.opts.tickMs * 8);
    await Promise.all(
      this.events.map(async (eventId) => {
        if (!(await this.room.tryLease(eventId, this.owner, leaseMs))) {
          this.leading.delete(eventId);
          this.live.delete(eventId);
          this.opts.stock?.forget(eventId);
          this.opts.tuner?.forget(eventId);
          return;
        }
        this.leading.add(eventId);
        const stock = this.opts.stock?.take(eventId);
        const rate = await this.opts.tuner?.rateFor(eventId, this.live.has(eventId));
        const window = this.opts.windows?.(eventId);
        let result = await this.room.admitTick(eventId, { stock, rate, window });
        if (result.needsSettings) {
          // Redis lost the operator's settings: admit nobody until they are back.
          if (await this.restore(eventId, now))
            result = await this.room.admitTick(eventId, { stock, rate, window });
        } else if (
          result.waiting > 0 &&
          now - (this.reconciledAt.get(eventId) ?? 0) >= (this.opts.reconcileSettingsMs ?? 30_000)
        ) {
          // Now and then, while there is someone to admit: Redis may have missed an operator's change.
          await this.restore(eventId, now);
        }
        if (result.gone) {
          // An event nobody has joined for a day (its keys expired), or a line Redis lost.
          await this.room.forgetEvent(eventId);
          this.opts.stock?.forget(eventId);
          this.events = this.events.filter((e) => e !== eventId);
          this.leading.delete(eventId);
        }
        if (result.admitted > 0) this.admittedTotal.inc({ event_id: eventId }, result.admitted);
        if (result.admitted > 0) this.opts.tally?.count(eventId, "admitted", result.admitted);
        if (result.dropped > 0) this.opts.tally?.abandoned(eventId, "silent", result.dropped);
        this.opts.tally?.waited(eventId, result.waits);
        this.waitingGauge.set({ event_id: eventId }, result.waiting);
        if (result.waiting > 0) this.live.add(eventId);
        else this.live.delete(eventId);
      }),
    );
    this.lastTickGauge.set(Date.now() / 1000);
  }

  /** Puts the event's durable settings into Redis if Redis is behind; false when the store could not say. */
  private async restore(eventId: string, now: number): Promise<boolean> {
    this.reconciledAt.set(eventId, now);
    if (this.reconciledAt.size > 10_000) this.reconciledAt.clear();
    try {
      await this.room.restoreSettings(eventId);
      return true;
    } catch (error) {
      // Retried every tick while needed; said at most every 10 s.
      if (now - this.warnedAt >= 10_000) {
        this.warnedAt = now;
        this.log.warn("queue settings could not be read back; a line without them admits nobody", {
          event_id: eventId,
          err: error,
        });
      }
      return false;
    }
  }
}
