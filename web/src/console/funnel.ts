import type { FunnelStep, FunnelView } from "../admin-api.ts";

// What the console shows of the sale's analytics (components/SaleFunnel.tsx), worked out here so
// the arithmetic is tested without a browser.

/** One row of the funnel: how many reached the step, and what share of those who joined. */
export interface FunnelRow {
  step: FunnelStep;
  label: string;
  /** Null only from a gateway older than the worker's order count (during its rollout). */
  count: number | null;
  /** Percent of `joined`, rounded; null when nobody joined yet or the count is not known. */
  percentOfJoined: number | null;
}

const LABELS: Record<FunnelStep, string> = {
  joined: "Joined the line",
  admitted: "Admitted",
  held: "Held seats",
  paid: "Started a payment",
  confirmed: "Confirmed (order)",
};

const STEPS: FunnelStep[] = ["joined", "admitted", "held", "paid", "confirmed"];

/** The funnel's rows, in order. */
export function funnelRows(view: FunnelView): FunnelRow[] {
  const joined = view.funnel.joined ?? 0;
  return STEPS.map((step) => {
    // A gateway still running the previous release answers `confirmed: null`: shown as unknown.
    const count: number | null = view.funnel[step] ?? null;
    return {
      step,
      label: LABELS[step],
      count,
      percentOfJoined: count === null || joined === 0 ? null : Math.round((count / joined) * 100),
    };
  });
}

/** A time-in-line bucket's label: the span it covers ("≤ 5 s", "1–2 min", "> 1 h"). */
export function bucketLabel(buckets: FunnelView["wait"]["buckets"], index: number): string {
  const le = buckets[index]?.le ?? null;
  const previous = index > 0 ? (buckets[index - 1]?.le ?? null) : null;
  if (le === null) return `> ${duration(previous ?? 0)}`;
  return previous === null ? `≤ ${duration(le)}` : `${duration(previous)} – ${duration(le)}`;
}

/** Seconds as the console says them: "45 s", "2 min", "1 h". */
export function duration(sec: number): string {
  if (sec < 60) return `${sec} s`;
  if (sec < 3600) return `${Math.round(sec / 6) / 10} min`;
  return `${Math.round(sec / 360) / 10} h`;
}
