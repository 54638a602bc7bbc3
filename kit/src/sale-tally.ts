/**
 * Sale analytics (docs/spec.md, "Observability"): per event, the funnel joined → admitted → held
 * → paid → confirmed, the places abandoned (dropped for silence, left) and the time in line of
 * admitted buyers. Each figure is counted by the process that decides it, into
 *
 * - Prometheus: `sale_funnel_total{event_id,step}`, `queue_abandoned_total{event_id,reason}`,
 *   `queue_wait_seconds{event_id}` (this process's share; sum over replicas), and
 * - optionally Redis: one hash per event that every process adds its deltas to once a second,
 *   off the request path, so the operator console reads the event's figures across replicas in
 *   one HGETALL.
 *
 * "confirmed" is the exception: the outbox delivers `reservation.confirmed` at least once, so the
 * worker counts an order by adding its reservation to the event's set of orders (`saleOrdersKey`)
 * and counts it in Prometheus only when the set did not have it: the set's size is the console's
 * figure, and replicas and redeliveries count each order once.
 *
 * Counting is a few additions on a Float64Array (the join route runs at 30k req/s; prom-client
 * re-hashes labels on every `inc`); the Prometheus counters are filled from the tallies at
 * scrape time. The `event_id` label is bounded: only events that exist reach a count (each is
 * counted after the step succeeded), and a process keeps at most `maxEvents` events, forgetting
 * the least recently counted one's series beyond that.
 */
import type Redis from "ioredis";
import { Counter, Histogram } from "prom-client";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

/** The funnel's steps, in order. */
export const FUNNEL_STEPS = ["joined", "admitted", "held", "paid", "confirmed"] as const;
/** One step of the funnel. */
export type FunnelStep = (typeof FUNNEL_STEPS)[number];
/** Why a place in line was abandoned: dropped for silence, or given up while waiting. */
export const ABANDON_REASONS = ["silent", "left"] as const;
/** One reason for abandoning a place. */
export type AbandonReason = (typeof ABANDON_REASONS)[number];
/** Upper bounds (seconds) of the time-in-line buckets: a drop's line lasts seconds to an hour. */
export const WAIT_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600] as const;

// Slot layout: the steps, the reasons, the wait buckets (+Inf last), the wait sum in ms.
const STEP_AT = 0;
const REASON_AT = FUNNEL_STEPS.length;
const WAIT_AT = REASON_AT + ABANDON_REASONS.length;
const WAIT_SUM_AT = WAIT_AT + WAIT_BUCKETS.length + 1;
const SIZE = WAIT_SUM_AT + 1;
const add = (a: Float64Array, i: number, n: number) => {
  a[i] = (a[i] as number) + n;
};
/** Redis hash field of each slot index. */
const FIELDS = [
  ...FUNNEL_STEPS,
  ...ABANDON_REASONS,
  ...[...WAIT_BUCKETS, "inf"].map((le) => `w${le}`),
  "wsum_ms",
];

/** The Redis hash of an event's tallies (hash tag of the event's waiting room). */
export const saleTallyKey = (eventId: string) => `tt:q:{${eventId}}:sale`;

/** How long an event's figures outlive their last change in Redis, unless told otherwise. */
export const SALE_FIGURES_TTL_MS = 86_400_000;

/** The Redis set of an event's confirmed reservations (same hash slot as its tallies). */
export const saleOrdersKey = (eventId: string) => `tt:q:{${eventId}}:orders`;

/** An event's sale figures across every process that counted them (`readSaleTally`). */
export interface SaleFigures {
  funnel: Record<FunnelStep, number>;
  abandoned: Record<AbandonReason, number>;
  /** Admitted buyers' time in line: count per bucket (`le` seconds, null for past the last bound). */
  wait: { buckets: Array<{ le: number | null; count: number }>; count: number; sum_sec: number };
}

interface Slot {
  totals: Float64Array;
  /** What Redis has been told of `totals`. */
  flushed: Float64Array;
  /** Recency, for eviction (a sequence number: no clock read per count). */
  touched: number;
}

/** Options of a tally. */
export interface SaleTallyOptions {
  /** Where the event-wide figures are kept; none: Prometheus only. */
  redis?: Redis;
  log?: Pick<Logger, "warn">;
  /** How often deltas go to Redis. */
  flushMs?: number;
  /** Events a process keeps series for (the label's bound). */
  maxEvents?: number;
  /** How long an event's hash outlives its last flush. */
  ttlMs?: number;
}

/** One process's sale tallies, exposed to Prometheus and (optionally) added up in Redis. */
export class SaleTally {
  private readonly slots = new Map<string, Slot>();
  private seq = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;
  private warnedAt = 0;
  private readonly waits: Histogram<"event_id">;

  constructor(
    metrics: Metrics,
    private readonly opts: SaleTallyOptions = {},
  ) {
    const slots = this.slots;
    // Each counter reads its own slice of every event's totals: one series per label value.
    const sliceCounter = (name: string, help: string, label: string, values: readonly string[], at: number) =>
      new Counter({
        name,
        help,
        labelNames: ["event_id", label],
        registers: [metrics.registry],
        collect() {
          this.reset();
          for (const [event_id, { totals }] of slots) {
            values.forEach((value, i) => {
              const n = totals[at + i] ?? 0;
              if (n > 0) this.inc({ event_id, [label]: value }, n);
            });
          }
        },
      });
    sliceCounter(
      "sale_funnel_total",
      "Buyers reaching each step of an event's sale: joined, admitted, held, paid (intent), confirmed",
      "step",
      FUNNEL_STEPS,
      STEP_AT,
    );
    sliceCounter(
      "queue_abandoned_total",
      "Places in line abandoned before admission: dropped for silence, or left",
      "reason",
      ABANDON_REASONS,
      REASON_AT,
    );
    this.waits = new Histogram({
      name: "queue_wait_seconds",
      help: "Time in line of admitted buyers, from the join to the admission",
      labelNames: ["event_id"],
      buckets: [...WAIT_BUCKETS],
      registers: [metrics.registry],
    });
  }

  /** Counts `n` buyers reaching `step` of `eventId`'s funnel. */
  count(eventId: string, step: FunnelStep, n = 1): void {
    const slot = this.slot(eventId);
    add(slot.totals, STEP_AT + FUNNEL_STEPS.indexOf(step), n);
  }

  /** Counts `n` places of `eventId` abandoned for `reason`. */
  abandoned(eventId: string, reason: AbandonReason, n = 1): void {
    const slot = this.slot(eventId);
    add(slot.totals, REASON_AT + ABANDON_REASONS.indexOf(reason), n);
  }

  /** Records the time in line (ms) of buyers of `eventId` just admitted. */
  waited(eventId: string, waitsMs: readonly number[]): void {
    if (waitsMs.length === 0) return;
    const { totals } = this.slot(eventId);
    for (const ms of waitsMs) {
      const sec = Math.max(0, ms) / 1000;
      let i = WAIT_BUCKETS.findIndex((le) => sec <= le);
      if (i < 0) i = WAIT_BUCKETS.length;
      add(totals, WAIT_AT + i, 1);
      add(totals, WAIT_SUM_AT, Math.max(0, Math.round(ms)));
      this.waits.observe({ event_id: eventId }, sec);
    }
  }

  /** Sends deltas to Redis every `flushMs` until `stop` (no-op without Redis). */
  start(): void {
    if (!this.opts.redis || this.timer) return;
    this.timer = setInterval(() => {
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    }, this.opts.flushMs ?? 1000);
  }

  /** Stops the flushes, after sending what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  /** Adds every event's counts since the last flush to its Redis hash, one pipeline per event. */
  async flush(): Promise<void> {
    const redis = this.opts.redis;
    if (!redis) return;
    await Promise.all(
      [...this.slots].map(async ([eventId, slot]) => {
        const sent = Float64Array.from(slot.totals);
        const key = saleTallyKey(eventId);
        const batch = redis.pipeline();
        let changed = false;
        for (let i = 0; i < SIZE; i++) {
          const delta = (sent[i] ?? 0) - (slot.flushed[i] ?? 0);
          if (delta === 0) continue;
          batch.hincrby(key, FIELDS[i] as string, delta);
          changed = true;
        }
        if (!changed) return;
        batch.pexpire(key, this.opts.ttlMs ?? SALE_FIGURES_TTL_MS);
        try {
          const results = (await batch.exec()) ?? [];
          const failed = results.find(([error]) => error);
          if (failed) throw failed[0];
          slot.flushed = sent;
        } catch (error) {
          // Kept for the next flush; said at most every 10 s.
          if (Date.now() - this.warnedAt > 10_000) {
            this.warnedAt = Date.now();
            this.opts.log?.warn("sale figures could not be added up in Redis", {
              event_id: eventId,
              err: error,
            });
          }
        }
      }),
    );
  }

  private slot(eventId: string): Slot {
    let slot = this.slots.get(eventId);
    if (!slot) {
      slot = { totals: new Float64Array(SIZE), flushed: new Float64Array(SIZE), touched: ++this.seq };
      this.slots.set(eventId, slot);
      if (this.slots.size > (this.opts.maxEvents ?? 1000)) this.evictOldest();
      return slot;
    }
    slot.touched = ++this.seq;
    return slot;
  }

  /** Forgets the least recently counted event: its series leave this process's metrics. */
  private evictOldest(): void {
    let oldest: string | undefined;
    let at = Number.POSITIVE_INFINITY;
    for (const [eventId, slot] of this.slots) {
      if (slot.touched < at) [oldest, at] = [eventId, slot.touched];
    }
    if (oldest === undefined) return;
    this.slots.delete(oldest);
    this.waits.remove({ event_id: oldest });
  }
}

/**
 * The event-wide figures every process added to Redis (zeros for an event nobody counted); the
 * confirmed orders are the size of the event's set of orders.
 */
export async function readSaleTally(redis: Redis, eventId: string): Promise<SaleFigures> {
  const [hash, orders] = await Promise.all([
    redis.hgetall(saleTallyKey(eventId)),
    redis.scard(saleOrdersKey(eventId)),
  ]);
  const n = (field: string) => Number(hash[field] ?? 0);
  const buckets = [...WAIT_BUCKETS, null].map((le) => ({ le, count: n(`w${le ?? "inf"}`) }));
  const funnel = Object.fromEntries(FUNNEL_STEPS.map((s) => [s, n(s)])) as Record<FunnelStep, number>;
  return {
    funnel: { ...funnel, confirmed: orders },
    abandoned: Object.fromEntries(ABANDON_REASONS.map((r) => [r, n(r)])) as Record<AbandonReason, number>,
    wait: {
      buckets,
      count: buckets.reduce((sum, b) => sum + b.count, 0),
      sum_sec: n("wsum_ms") / 1000,
    },
  };
}
