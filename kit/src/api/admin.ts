import { t } from "elysia";
import { SaleState } from "./queue.ts";

// The answers of the operators' routes (docs/spec.md, "Admin"); the create-event route answers
// with the event as buyers see it (`EventDetail`, events.ts).

const Count = t.Integer({ minimum: 0 });
const Time = t.Nullable(t.String({ format: "date-time" }));

/** How admission is paced: at the operator's rate, or tuned by the gateway within bounds. */
export const AdmissionMode = t.UnionEnum(["fixed", "auto"]);
/** How admission is paced. */
export type AdmissionMode = typeof AdmissionMode.static;

/** `GET`/`PATCH /admin/events/{id}/queue`, pause and resume: an event's admission settings and counts. */
export const AdminQueueView = t.Object({
  event_id: t.String(),
  rate: t.Number({ description: "Admissions per second (0: stopped)" }),
  cap: t.Integer({ description: "Admitted-but-unfinished buyers" }),
  paused: t.Boolean(),
  opens_at: t.Union([t.String({ format: "date-time" }), t.Null()], {
    description: "The line's opening; null follows the event's sale_opens_at",
  }),
  admission: AdmissionMode,
  rate_min: t.Nullable(t.Number({ description: "Self-tuning floor; null while fixed" })),
  rate_max: t.Nullable(t.Number({ description: "Self-tuning ceiling; null while fixed" })),
  auto_rate: t.Nullable(t.Number({ description: "The rate self-tuning admits at now; null while fixed" })),
  challenge_difficulty: t.Integer({ minimum: 0, description: "Leading zero bits a join's proof needs" }),
  waiting: Count,
  admitted: Count,
  served: Count,
  observed_rate_per_sec: t.Number({ minimum: 0 }),
});
/** The queue view. */
export type AdminQueueView = typeof AdminQueueView.static;

/** The hardest join challenge an operator may set: 2^28 tries, ~4.5 min at the ~1 M tries/s measured in Bun. */
const MAX_CHALLENGE_DIFFICULTY = 28;

/**
 * `PATCH /admin/events/{id}/queue`: the request, kept beside the view it changes so the console
 * sends what the gateway checks; a field left out stays as it is.
 */
export const QueueChange = t.Object({
  rate: t.Optional(t.Number({ minimum: 0, maximum: 100_000, description: "Admissions per second" })),
  cap: t.Optional(
    t.Integer({ minimum: 1, maximum: 1_000_000, description: "Admitted-but-unfinished buyers" }),
  ),
  opens_at: t.Optional(
    t.Union([t.String({ format: "date-time" }), t.Null()], {
      description: "Pre-queue opening; null for none",
    }),
  ),
  admission: t.Optional(
    t.Union([t.Literal("fixed"), t.Literal("auto")], {
      description: "auto: the rate follows the back end's health between rate_min and rate_max",
    }),
  ),
  rate_min: t.Optional(
    t.Number({ minimum: 1, maximum: 100_000, description: "Self-tuning floor (default 1)" }),
  ),
  rate_max: t.Optional(
    t.Number({ minimum: 1, maximum: 100_000, description: "Self-tuning ceiling (default 1,000)" }),
  ),
  challenge_difficulty: t.Optional(
    t.Integer({
      minimum: 0,
      maximum: MAX_CHALLENGE_DIFFICULTY,
      description: "Leading zero bits a join's proof of work needs (0: no challenge)",
    }),
  ),
});
/** `PATCH /admin/events/{id}/queue`. */
export type QueueChange = typeof QueueChange.static;

/** `GET`/`PATCH /admin/events/{id}/purchase-policy`: what one buyer may hold and buy; null: the default. */
export const PurchasePolicyView = t.Object({
  event_id: t.String(),
  max_live_reservations: t.Nullable(t.Integer()),
  max_seats_per_user: t.Nullable(t.Integer()),
  version: t.Integer({ minimum: 0 }),
});
/** The purchase policy view. */
export type PurchasePolicyView = typeof PurchasePolicyView.static;

/** `GET /admin/events/{id}/live`: the figures the console polls every second. */
export const LiveView = t.Object({
  event_id: t.String(),
  as_of: t.String({ format: "date-time" }),
  sale: t.Nullable(SaleState, { description: "null while inventory cannot be read" }),
  waiting: Count,
  active_buyers: t.Integer({ minimum: 0, description: "Admitted and not finished (counts against the cap)" }),
  served: t.Integer({ minimum: 0, description: "Admitted since the line began" }),
  admitted_per_sec: t.Number({ minimum: 0, description: "Observed admissions per second (30 s window)" }),
  seats: t.Nullable(t.Object({ available: Count, held: Count, sold: Count })),
  sold_per_sec: t.Nullable(t.Number({ minimum: 0, description: "Seats turned SOLD per second (last 10 s)" })),
  hold_p95_ms: t.Nullable(t.Number({ minimum: 0, description: "This gateway's hold calls, last 60 s" })),
  settings: t.Object({ rate: t.Number(), cap: t.Integer(), paused: t.Boolean(), opens_at: Time }),
});
/** The live view. */
export type LiveView = typeof LiveView.static;

const Seconds = t.Nullable(t.Number({ minimum: 0 }));

/** `GET /admin/events/{id}/funnel`: the sale's analytics, added up across gateways. */
export const FunnelView = t.Object({
  event_id: t.String(),
  as_of: t.String({ format: "date-time" }),
  funnel: t.Object({
    joined: Count,
    admitted: Count,
    held: Count,
    paid: Count,
    confirmed: t.Integer({ minimum: 0, description: "Orders made, counted once each by the worker" }),
  }),
  abandoned: t.Object({ silent: Count, left: Count }),
  wait: t.Object({
    count: Count,
    p50_sec: Seconds,
    p95_sec: Seconds,
    buckets: t.Array(t.Object({ le: t.Nullable(t.Number()), count: Count }), {
      description: "Admitted buyers per time-in-line bucket (le: upper bound in seconds, null past the last)",
    }),
  }),
});
/** The funnel view. */
export type FunnelView = typeof FunnelView.static;
/** The funnel's steps, in order. */
export type FunnelStep = keyof FunnelView["funnel"];
