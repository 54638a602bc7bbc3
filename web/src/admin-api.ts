import type * as api from "@tt/kit/api";
import type { FunnelView, LiveView, QueueChange } from "@tt/kit/api";
import { type CallContext, call } from "./buyer-api.ts";

// The admin API the operator console calls (docs/spec.md, "Admin"); the gateway checks the
// admin role on every call. Its answers and the queue change are the gateway's own schemas
// (kit/src/api/admin.ts).

export type { AdmissionMode, FunnelStep, FunnelView, LiveView, QueueChange } from "@tt/kit/api";

/** Fields of the queue view a gateway older than self-tuning and bot protection leaves out. */
type NewerQueueFields = "admission" | "rate_min" | "rate_max" | "auto_rate" | "challenge_difficulty";

/**
 * The queue view (`GET`/`PATCH /admin/events/{id}/queue`, pause, resume), with the newer fields
 * optional: the web app is published apart from the gateway, so it may meet an older one.
 */
export type AdminQueueView = Omit<api.AdminQueueView, NewerQueueFields> &
  Partial<Pick<api.AdminQueueView, NewerQueueFields>>;

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
