import type { AdminQueueView, AdmissionMode, QueueChange } from "../admin-api.ts";

/** The console's admission form, as typed (strings, so a half-typed number is kept as is). */
export interface ControlValues {
  rate: string;
  cap: string;
  /** Present only when the gateway's queue view has self-tuning admission. */
  admission?: AdmissionMode;
  rateMin?: string;
  rateMax?: string;
}

/** The form's values for the settings in a queue view. */
export function controlsOf(view: AdminQueueView): ControlValues {
  const values: ControlValues = { rate: String(view.rate), cap: String(view.cap) };
  if (view.admission === undefined) return values;
  // Fixed, the bounds are null: the form offers the API's defaults for switching to self-tuning.
  return {
    ...values,
    admission: view.admission,
    rateMin: String(view.rate_min ?? 1),
    rateMax: String(view.rate_max ?? 1000),
  };
}

/** The limits of the admin API (docs/spec.md, "Admin"): checked here to explain, there to enforce. */
const RATE_MAX = 100_000;
const CAP_MAX = 1_000_000;

/**
 * The PATCH body for the form, or the sentence that says what to fix. The bounds are sent only
 * with self-tuning on: the API refuses bounds for a fixed rate.
 */
export function changeFrom(values: ControlValues): QueueChange | { problem: string } {
  const rate = number(values.rate);
  if (rate === undefined || rate < 0 || rate > RATE_MAX)
    return { problem: `The rate must be a number from 0 to ${RATE_MAX.toLocaleString()} per second.` };
  const cap = number(values.cap);
  if (cap === undefined || !Number.isInteger(cap) || cap < 1 || cap > CAP_MAX)
    return { problem: `The cap must be a whole number from 1 to ${CAP_MAX.toLocaleString()}.` };
  const change: QueueChange = { rate, cap };
  if (values.admission !== undefined) change.admission = values.admission;
  if (values.admission !== "auto") return change;
  for (const [key, field] of [
    ["rateMin", "rate_min"],
    ["rateMax", "rate_max"],
  ] as const) {
    if (values[key] === undefined) continue;
    const bound = number(values[key] ?? "");
    if (bound === undefined || bound < 1 || bound > RATE_MAX)
      return {
        problem: `The ${field === "rate_min" ? "lowest" : "highest"} rate must be a number from 1 to ${RATE_MAX.toLocaleString()}.`,
      };
    change[field] = bound;
  }
  if (change.rate_min !== undefined && change.rate_max !== undefined && change.rate_min > change.rate_max)
    return { problem: "The lowest rate cannot be above the highest." };
  return change;
}

function number(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/** A per-second figure: one decimal under 10, whole above; a dash when unknown. */
export function perSecond(n: number | null): string {
  if (n === null) return "—";
  return n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString();
}

/** A latency in milliseconds, or a dash when nothing was measured. */
export function milliseconds(ms: number | null): string {
  return ms === null ? "—" : `${ms < 10 ? ms.toFixed(1) : Math.round(ms).toLocaleString()} ms`;
}
