/**
 * Self-tuning admission (docs/spec.md, "Admission that tunes itself"). An operator who turns it on
 * for an event sets bounds; within them the admission rate seeks the most the back end serves, as
 * this gateway sees it on the purchase routes (hold, payment intent, confirm), once a period:
 *
 * - failing — a purchase answer was a 5xx other than 503 OVERLOADED (a timeout, an outage, a bug:
 *   buyers see these): the rate drops to 70 % at once;
 * - full — more than 5 % (QUEUE_AUTO_SHED_PCT) of the purchase answers were shed (503
 *   OVERLOADED: the edge's bulkhead or a service refused at once, and buyers retry after a
 *   second), or more than 5 % of holds took longer than the target (QUEUE_AUTO_TARGET_MS: hold
 *   p95 above it): the rate stops rising and steps back a tenth.
 *   Shedding is the back end saying "this is my most", not failing: a fixed rate that ignores it
 *   sold more than a governor that cut by 30 % on each shed answer (bench/README.md, #20);
 * - headroom — neither, and people are waiting: the rate rises. From its start it doubles each
 *   period (TCP's slow start), so a line opening at the floor fills the pipeline in a few seconds;
 *   the first sign of fullness ends that and undoes the last doubling (back to the rate of the
 *   period before, whose load is what the sign shows); after it the rate rises by a tenth each
 *   period (at least 1/s), probing for more without overshooting by much.
 *
 * After any decrease the rate holds still for two periods: holds lag admissions by the buyers'
 * think time (two of 0.3–1.5 s in the drop), so those periods still show the load from before.
 * Cutting on them too once took the rate from 40/s to the floor in four seconds. A new leader
 * that finds the rate the last one reached carries on from it without a slow start.
 * Buyers in flight are bounded apart from this: by the cap on admitted-but-unfinished buyers and,
 * each tick, by the seats still available.
 */

/** An event's self-tuning bounds, as the operator set them. */
export interface AutoAdmission {
  min: number;
  max: number;
}

/** What the purchase routes did during one period. */
export interface PurchaseHealth {
  holds: number;
  /** Holds slower than the target. */
  slowHolds: number;
  /** Answers on any purchase route (hold, payment intent, confirm), shed ones included. */
  answers: number;
  /** 503 OVERLOADED among them: load shed, which buyers retry. */
  shed: number;
  /** Every other 5xx among them: failures buyers see. */
  failures: number;
}

export interface GovernorOptions {
  /** Share of holds allowed over the target before the back end counts as full (the p95 → 5 %). */
  slowShare?: number;
  /** Share of purchase answers allowed to be shed before the back end counts as full. */
  shedShare?: number;
  /** Fewer holds than this in a period say nothing about latency. */
  minSample?: number;
}

/** One event's admission rate under self-tuning. */
export class Governor {
  /** Periods left in which the rate holds still after a decrease. */
  private holdDown = 0;
  /** The rate of the period before the last: where slow start goes back to. */
  private before: number | undefined;

  constructor(
    public rate: number,
    private readonly opts: GovernorOptions = {},
    /** Doubling each period until the first sign of fullness (slow start). */
    private starting = true,
  ) {}

  /** The rate for the next period, from the last period's health and whether anyone waits. */
  step(health: PurchaseHealth, bounds: AutoAdmission, waiting: boolean): number {
    const used = Math.min(bounds.max, Math.max(bounds.min, this.rate));
    let rate = used;
    const judged = health.holds >= (this.opts.minSample ?? 5);
    const slow = judged && health.slowHolds > health.holds * (this.opts.slowShare ?? 0.05);
    const shedding = health.shed > 0 && health.shed > health.answers * (this.opts.shedShare ?? 0.05);
    if (this.holdDown > 0) {
      this.holdDown -= 1;
    } else if (health.failures > 0) {
      rate *= 0.7;
      this.holdDown = 2;
      this.starting = false;
    } else if (slow || shedding) {
      rate = this.starting ? (this.before ?? rate) : rate * 0.9;
      this.holdDown = 2;
      this.starting = false;
    } else if (waiting) {
      rate = this.starting ? rate * 2 : rate + Math.max(1, rate * 0.1);
    }
    this.before = used;
    this.rate = Math.round(Math.min(bounds.max, Math.max(bounds.min, rate)) * 100) / 100;
    return this.rate;
  }
}

/** The purchase routes' answers so far (cumulative; a period is the difference of two). */
export type PurchaseTally = () => PurchaseHealth;

/** The routes whose answers are the back end's health, as the HTTP metrics name them. */
const HOLD_ROUTE = ["POST", "/api/v1/reservations"] as const;
/** The purchase routes besides the hold, whose shed answers and failures count too. */
const PAYMENT_ROUTES = [
  ["POST", "/api/v1/payments/intent"],
  ["POST", "/api/v1/reservations/:id/confirm"],
] as const;

/**
 * The purchase routes' tally from this process's own request metrics (kit http-metrics.ts): no
 * extra work per request. `targetSec` is best a bucket bound of those metrics (0.5 is one).
 */
export function purchaseTally(
  http: {
    tally(
      method: string,
      route: string,
      slowerThanSec: number,
    ): { count: number; slow: number; shed: number; failed: number };
  },
  targetSec: number,
): PurchaseTally {
  return () => {
    const hold = http.tally(...HOLD_ROUTE, targetSec);
    const health = {
      holds: hold.count,
      slowHolds: hold.slow,
      answers: hold.count,
      shed: hold.shed,
      failures: hold.failed,
    };
    for (const [method, route] of PAYMENT_ROUTES) {
      const other = http.tally(method, route, targetSec);
      health.answers += other.count;
      health.shed += other.shed;
      health.failures += other.failed;
    }
    return health;
  };
}

const minus = (a: PurchaseHealth, b: PurchaseHealth): PurchaseHealth => ({
  holds: a.holds - b.holds,
  slowHolds: a.slowHolds - b.slowHolds,
  answers: a.answers - b.answers,
  shed: a.shed - b.shed,
  failures: a.failures - b.failures,
});

/** What the tuner needs to know of an event's settings. */
export interface TunedSettings {
  rate: number;
  auto: AutoAdmission | null;
}

/** How the tuner runs: its governors' thresholds, its period and its clock (tests). */
export interface TunerOptions extends GovernorOptions {
  everyMs?: number;
  now?: () => number;
}

/**
 * Self-tuning for every event this process leads: once per period, reads whether the event is
 * self-tuned (and its bounds) and steps its governor on the health of that period. A line's
 * first governor starts from the operator's rate (within the bounds) in slow start; one that
 * finds the rate the line was last admitted at carries on from there, so a new leader does not
 * start the climb over.
 */
export class AdmissionTuner {
  private readonly tuned = new Map<string, { governor: Governor; decidedAt: number; seen: PurchaseHealth }>();

  constructor(
    private readonly settingsOf: (eventId: string) => Promise<TunedSettings & { lastRate: number | null }>,
    private readonly tally: PurchaseTally,
    private readonly opts: TunerOptions = {},
  ) {}

  /** The rate to admit `eventId` at now, or undefined when it is not self-tuned. */
  async rateFor(eventId: string, waiting: boolean): Promise<number | undefined> {
    const now = (this.opts.now ?? Date.now)();
    const entry = this.tuned.get(eventId);
    if (entry && now - entry.decidedAt < (this.opts.everyMs ?? 1000)) return entry.governor.rate;
    const settings = await this.settingsOf(eventId);
    if (!settings.auto) {
      this.tuned.delete(eventId);
      return undefined;
    }
    const seen = this.tally();
    if (!entry) {
      const start = settings.lastRate ?? settings.rate;
      const governor = new Governor(
        Math.min(settings.auto.max, Math.max(settings.auto.min, start)),
        this.opts,
        settings.lastRate === null,
      );
      this.tuned.set(eventId, { governor, decidedAt: now, seen });
      return governor.rate;
    }
    entry.governor.step(minus(seen, entry.seen), settings.auto, waiting);
    entry.seen = seen;
    entry.decidedAt = now;
    return entry.governor.rate;
  }

  /** Stops tuning an event this process no longer leads. */
  forget(eventId: string): void {
    this.tuned.delete(eventId);
  }
}
