/**
 * Self-tuning admission (docs/spec.md, "Admission that tunes itself"). An operator who turns it on
 * for an event sets bounds; within them the admission rate follows the back end's health as this
 * gateway sees it on the purchase routes:
 *
 * - trouble — any purchase answer was a 5xx (a timeout, an outage, or the edge shedding load with
 *   503 OVERLOADED), or more than 5 % of holds took longer than the target (hold p95 above it):
 *   the rate drops to 70 % at once, and is neither raised nor cut again for two periods. Holds
 *   lag admissions by the buyers' think time, so the periods right after a cut still show the
 *   load from before it: cutting on them too took the rate from 40/s to the floor in four
 *   seconds in a drop, and the line crawled for ten;
 * - headroom — no trouble, and people are waiting: the rate rises by a quarter each period (at
 *   least 1/s), so it reaches any rate the back end keeps up with in seconds, not minutes;
 * - otherwise it stays.
 *
 * Multiplicative both ways, as TCP's congestion window and the kit's adaptive bulkhead, but
 * steered by latency before errors: admitting faster than the back end serves shows as slower
 * holds first, seconds before anything fails. Buyers in flight are bounded apart from this: by
 * the cap on admitted-but-unfinished buyers and, each tick, by the seats still available.
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
  /** 5xx answers on any purchase route (hold, payment intent, confirm). */
  failures: number;
}

export interface GovernorOptions {
  /** Share of holds allowed over the target before it counts as trouble (the p95 → 5 %). */
  slowShare?: number;
  /** Fewer holds than this in a period say nothing about latency. */
  minSample?: number;
}

/** One event's admission rate under self-tuning. */
export class Governor {
  private calm = 0;

  constructor(
    public rate: number,
    private readonly opts: GovernorOptions = {},
  ) {}

  /** The rate for the next period, from the last period's health and whether anyone waits. */
  step(health: PurchaseHealth, bounds: AutoAdmission, waiting: boolean): number {
    const slowShare = this.opts.slowShare ?? 0.05;
    const judged = health.holds >= (this.opts.minSample ?? 5);
    const trouble = health.failures > 0 || (judged && health.slowHolds > health.holds * slowShare);
    let rate = Math.min(bounds.max, Math.max(bounds.min, this.rate));
    if (trouble && this.calm >= 0) {
      rate *= 0.7;
      this.calm = -2;
    } else if (this.calm < 0) {
      this.calm += 1;
    } else if (waiting) {
      rate += Math.max(1, rate * 0.25);
    }
    this.rate = Math.round(Math.min(bounds.max, Math.max(bounds.min, rate)) * 100) / 100;
    return this.rate;
  }
}

/** The purchase routes' answers so far (cumulative; a period is the difference of two). */
export type PurchaseTally = () => PurchaseHealth;

/** The routes whose answers are the back end's health, as the HTTP metrics name them. */
const HOLD_ROUTE = ["POST", "/api/v1/reservations"] as const;
/** The purchase routes besides the hold, whose 5xx count as trouble too. */
const PAYMENT_ROUTES = [
  ["POST", "/api/v1/payments/intent"],
  ["POST", "/api/v1/reservations/:id/confirm"],
] as const;

/**
 * The purchase routes' tally from this process's own request metrics (kit http-metrics.ts): no
 * extra work per request. `targetSec` is best a bucket bound of those metrics (0.12 is one).
 */
export function purchaseTally(
  http: {
    tally(
      method: string,
      route: string,
      slowerThanSec: number,
    ): { count: number; slow: number; failed: number };
  },
  targetSec: number,
): PurchaseTally {
  return () => {
    const hold = http.tally(...HOLD_ROUTE, targetSec);
    let failures = hold.failed;
    for (const [method, route] of PAYMENT_ROUTES) failures += http.tally(method, route, targetSec).failed;
    return { holds: hold.count, slowHolds: hold.slow, failures };
  };
}

const minus = (a: PurchaseHealth, b: PurchaseHealth): PurchaseHealth => ({
  holds: a.holds - b.holds,
  slowHolds: a.slowHolds - b.slowHolds,
  failures: a.failures - b.failures,
});

/** What the tuner needs to know of an event's settings. */
export interface TunedSettings {
  rate: number;
  auto: AutoAdmission | null;
}

/**
 * Self-tuning for every event this process leads: once per period, reads whether the event is
 * self-tuned (and its bounds) and steps its governor on the health of that period. A governor
 * starts from the rate the line was last admitted at, so a new leader carries on where the
 * last one stopped.
 */
export class AdmissionTuner {
  private readonly tuned = new Map<string, { governor: Governor; decidedAt: number; seen: PurchaseHealth }>();

  constructor(
    private readonly settingsOf: (eventId: string) => Promise<TunedSettings & { lastRate: number | null }>,
    private readonly tally: PurchaseTally,
    private readonly everyMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rate to admit `eventId` at now, or undefined when it is not self-tuned. */
  async rateFor(eventId: string, waiting: boolean): Promise<number | undefined> {
    const now = this.now();
    const entry = this.tuned.get(eventId);
    if (entry && now - entry.decidedAt < this.everyMs) return entry.governor.rate;
    const settings = await this.settingsOf(eventId);
    if (!settings.auto) {
      this.tuned.delete(eventId);
      return undefined;
    }
    const seen = this.tally();
    if (!entry) {
      const start = settings.lastRate ?? settings.rate;
      const governor = new Governor(Math.min(settings.auto.max, Math.max(settings.auto.min, start)));
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
