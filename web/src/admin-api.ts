import { type CallContext, call } from "./buyer-api.ts";
import type { SaleState } from "./types.ts";

// The admin API the operator console calls (docs/spec.md, "Admin"); the gateway checks the
// admin role on every call.

/** `GET /admin/events/{id}/live`: the figures the console shows, read every second. */
export interface LiveView {
  event_id: string;
  as_of: string;
  /** null while inventory cannot be read, like `seats` and `sold_per_sec`. */
  sale: SaleState | null;
  waiting: number;
  active_buyers: number;
  served: number;
  admitted_per_sec: number;
  seats: { available: number; held: number; sold: number } | null;
  sold_per_sec: number | null;
  hold_p95_ms: number | null;
  settings: { rate: number; cap: number; paused: boolean; opens_at: string | null };
}

/** The funnel's steps, in order (docs/spec.md, "Observability"). */
export type FunnelStep = "joined" | "admitted" | "held" | "paid" | "confirmed";

/** `GET /admin/events/{id}/funnel`: the sale's analytics, added up across gateways. */
export interface FunnelView {
  event_id: string;
  as_of: string;
  /** `confirmed` is null here: orders are counted by reservation, in Prometheus only. */
  funnel: Record<FunnelStep, number | null>;
  abandoned: { silent: number; left: number };
  wait: {
    count: number;
    p50_sec: number | null;
    p95_sec: number | null;
    /** Admitted buyers per bucket; `le` in seconds, null past the last bound. */
    buckets: Array<{ le: number | null; count: number }>;
  };
}

/** How admission is paced: at the operator's rate, or tuned by the gateway within bounds. */
export type AdmissionMode = "fixed" | "auto";

/**
 * The queue view (`GET`/`PATCH /admin/events/{id}/queue`, pause, resume). `rate_min` and
 * `rate_max` are the self-tuning bounds (null while the rate is fixed), `auto_rate` the rate it
 * admits at now.
 */
export interface AdminQueueView {
  event_id: string;
  rate: number;
  cap: number;
  paused: boolean;
  opens_at: string | null;
  waiting: number;
  admitted: number;
  served: number;
  observed_rate_per_sec: number;
  admission?: AdmissionMode;
  rate_min?: number | null;
  rate_max?: number | null;
  auto_rate?: number | null;
}

/** `PATCH /admin/events/{id}/queue`. */
export interface QueueChange {
  rate?: number;
  cap?: number;
  admission?: AdmissionMode;
  rate_min?: number;
  rate_max?: number;
}

const base = (eventId: string) => `/api/v1/admin/events/${encodeURIComponent(eventId)}`;

/** The live figures of an event. */
export function getLive(eventId: string, ctx: CallContext) {
  return call<LiveView>("GET", `${base(eventId)}/live`, ctx);
}

/** The sale's funnel, abandoned places and time in line. */
export function getFunnel(eventId: string, ctx: CallContext) {
  return call<FunnelView>("GET", `${base(eventId)}/funnel`, ctx);
}

/** The event's admission settings and counts. */
export function getQueue(eventId: string, ctx: CallContext) {
  return call<AdminQueueView>("GET", `${base(eventId)}/queue`, ctx);
}

/** Changes admission settings live (they apply from the next admission tick). */
export function changeQueue(eventId: string, change: QueueChange, ctx: CallContext) {
  return call<AdminQueueView>("PATCH", `${base(eventId)}/queue`, ctx, change);
}

/** Stops admitting (`paused`) or admits again. */
export function setPaused(eventId: string, paused: boolean, ctx: CallContext) {
  return call<AdminQueueView>("POST", `${base(eventId)}/queue/${paused ? "pause" : "resume"}`, ctx);
}
