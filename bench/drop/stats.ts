/** What the drop simulator counts: per-step latencies, error classes, buyer states and outcomes, per second. */

/** The steps of a buyer's flow whose latency is reported. */
export const STEPS = [
  "join",
  "pow_solve",
  "ws_first_frame",
  "queue_wait",
  "sold_out_in_line",
  "queue_status",
  "enter",
  "availability",
  "hold",
  "pay_intent",
  "payment_status",
  "confirm",
  "reservation_get",
  "paid_to_final",
  "outcome_pushed",
  "leave",
] as const;

/** One step of a buyer's flow. */
export type Step = (typeof STEPS)[number];

/**
 * How a response counts: `ok`; `expected` — a refusal that is a normal outcome of a drop
 * (SEAT_UNAVAILABLE when two buyers race for a seat, a reservation token that ran out while
 * the buyer hesitated); `error` — 5xx, timeouts, network failures and any other 4xx;
 * `retried` — a try that failed like an error but that the buyer's retry turned into an answer
 * (counted apart from errors: the buyer got what it asked for, later).
 */
export type Outcome = "ok" | "expected" | "error" | "retried";

/** Where a buyer is now (the live progress counts these). */
export type BuyerState = "arriving" | "waiting" | "admitted" | "holding" | "paying" | "done";

/** How a buyer's drop ended: the counts of these must add up to the buyers. */
export const BUYER_OUTCOMES = [
  "confirmed",
  "payment_failed",
  "abandoned",
  "sold_out",
  "lost_races",
  "gave_up",
  "error",
] as const;

/** One of the buyer outcomes. */
export type BuyerOutcome = (typeof BUYER_OUTCOMES)[number];

/** Timeline series (per second). */
export const RATES = ["requests", "errors", "admitted", "holds", "orders"] as const;
type Rate = (typeof RATES)[number];

/** p50/p95/p99 of a step. */
export interface StepSummary {
  step: Step;
  count: number;
  errors: number;
  expected: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) : 0;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** The simulator's counters; one instance per drop. */
export class DropStats {
  readonly startedAt = performance.now();
  private readonly latencies = new Map<Step, number[]>();
  private readonly classCounts = new Map<Step, { errors: number; expected: number }>();
  readonly errorKinds = new Map<string, number>();
  readonly expectedKinds = new Map<string, number>();
  readonly states = new Map<BuyerState, number>();
  readonly outcomes = new Map<BuyerOutcome, number>();
  private readonly perSecond = new Map<Rate, number[]>();
  requests = 0;
  errors = 0;
  expected = 0;
  retried = 0;
  readonly retriedKinds = new Map<string, number>();

  private bump(rate: Rate, n = 1): void {
    const second = Math.floor((performance.now() - this.startedAt) / 1000);
    const series = this.perSecond.get(rate) ?? [];
    while (series.length <= second) series.push(0);
    series[second] = (series[second] ?? 0) + n;
    this.perSecond.set(rate, series);
  }

  /** Records one request (or one wait) of a step. */
  record(step: Step, ms: number, outcome: Outcome, kind?: string): void {
    // Waits are not requests; a WebSocket open is (its failures count as errors like any call).
    const isRequest = step !== "queue_wait" && step !== "paid_to_final" && step !== "pow_solve";
    if (isRequest) {
      this.requests++;
      this.bump("requests");
    }
    const c = this.classCounts.get(step) ?? { errors: 0, expected: 0 };
    if (outcome === "retried") {
      this.retried++;
      const k = `${step}: ${kind ?? "unknown"}`;
      this.retriedKinds.set(k, (this.retriedKinds.get(k) ?? 0) + 1);
      return;
    }
    if (outcome === "error") {
      c.errors++;
      this.errors++;
      this.bump("errors");
      const k = `${step}: ${kind ?? "unknown"}`;
      this.errorKinds.set(k, (this.errorKinds.get(k) ?? 0) + 1);
    } else {
      if (outcome === "expected") {
        c.expected++;
        this.expected++;
        const k = `${step}: ${kind ?? "expected"}`;
        this.expectedKinds.set(k, (this.expectedKinds.get(k) ?? 0) + 1);
      }
      const list = this.latencies.get(step) ?? [];
      list.push(ms);
      this.latencies.set(step, list);
    }
    this.classCounts.set(step, c);
  }

  /** When (Date.now) each milestone first happened. */
  readonly firstAt: Partial<Record<"admitted" | "holds" | "orders", number>> = {};

  private readonly milestones = { admitted: [] as number[], holds: [] as number[], orders: [] as number[] };

  /** Counts a milestone on the timeline. */
  milestone(rate: "admitted" | "holds" | "orders"): void {
    const now = Date.now();
    this.firstAt[rate] ??= now;
    this.milestones[rate].push(now);
    this.bump(rate);
  }

  /** When (Date.now) each milestone of a kind happened, in order. */
  times(rate: "admitted" | "holds" | "orders"): readonly number[] {
    return this.milestones[rate];
  }

  /** Join challenges solved (`--challenge`): how many, their tries and the simulator's time on them. */
  readonly solving = { solves: 0, tries: 0, ms: 0 };

  /** Records one join challenge solved by a buyer (drop/challenge.ts). */
  solved(ms: number, tries: number): void {
    this.solving.solves++;
    this.solving.tries += tries;
    this.solving.ms += ms;
    this.record("pow_solve", ms, "ok");
  }

  /** Moves a buyer between states. */
  move(from: BuyerState | undefined, to: BuyerState): void {
    if (from) this.states.set(from, (this.states.get(from) ?? 1) - 1);
    this.states.set(to, (this.states.get(to) ?? 0) + 1);
  }

  /** Records how a buyer's drop ended. */
  finish(outcome: BuyerOutcome): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  /** Latest latency percentile of a step so far (for the live view). */
  recent(step: Step, p: number, last = 500): number {
    const list = (this.latencies.get(step) ?? []).slice(-last).sort((a, b) => a - b);
    return r1(pct(list, p));
  }

  /** Requests in the last `seconds` full seconds, per second. */
  rate(rate: Rate, seconds = 5): number {
    const series = this.perSecond.get(rate) ?? [];
    const now = Math.floor((performance.now() - this.startedAt) / 1000);
    let sum = 0;
    for (let s = now - seconds; s < now; s++) sum += series[s] ?? 0;
    return Math.round(sum / seconds);
  }

  /** p50/p95/p99 per step, for steps that happened. */
  summary(): StepSummary[] {
    return STEPS.filter((s) => this.latencies.has(s) || this.classCounts.has(s)).map((step) => {
      const sorted = [...(this.latencies.get(step) ?? [])].sort((a, b) => a - b);
      const c = this.classCounts.get(step) ?? { errors: 0, expected: 0 };
      return {
        step,
        count: sorted.length + c.errors,
        errors: c.errors,
        expected: c.expected,
        p50: r1(pct(sorted, 50)),
        p95: r1(pct(sorted, 95)),
        p99: r1(pct(sorted, 99)),
        max: r1(sorted.at(-1) ?? 0),
      };
    });
  }

  /** Every per-second series as [second, value] points. */
  timeline(): Record<Rate, Array<[number, number]>> {
    const out = {} as Record<Rate, Array<[number, number]>>;
    for (const rate of RATES) out[rate] = (this.perSecond.get(rate) ?? []).map((v, i) => [i, v]);
    return out;
  }
}
