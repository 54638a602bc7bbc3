import { t } from "elysia";

// The answers of the waiting-room routes (docs/spec.md, "REST API" and "Sold out").

/** Where an event's line stands: `sold_out` while held seats may come back, `closed` once all are sold, `ended` after the sale window. */
export const SaleState = t.UnionEnum(["on_sale", "sold_out", "closed", "ended"]);
/** Where an event's line stands. */
export type SaleState = typeof SaleState.static;

/** Every state a place in line can be in. */
export const QueuePlaceStatus = t.UnionEnum(["waiting", "ready", "expired", "left"]);
/** Every state a place in line can be in. */
export type QueuePlaceStatus = typeof QueuePlaceStatus.static;

const Seconds = t.Union([t.Integer({ minimum: 0 }), t.Null()]);
const saleFields = {
  sale: SaleState,
  seats_held: t.Integer({ description: "Seats held when the sale state was read: those that may come back" }),
};

/** `POST /queue/join` (202): the place taken, or the one this key or buyer already has. */
export const JoinAnswer = t.Object({
  waiting_token: t.String(),
  position_hint: t.Union([t.Integer(), t.Null()], { description: "null in a pre-queue not yet drawn" }),
  eta_sec: Seconds,
  status: QueuePlaceStatus,
  ...saleFields,
});
/** `POST /queue/join` (202). */
export type JoinAnswer = typeof JoinAnswer.static;

/** `GET /queue/challenge` ("Bot protection"): `challenge: null` when the event asks for none. */
export const JoinChallengeOffer = t.Object({
  challenge: t.Union([t.String(), t.Null()]),
  difficulty: t.Integer({ minimum: 0 }),
  expires_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
});
/** `GET /queue/challenge`. */
export type JoinChallengeOffer = typeof JoinChallengeOffer.static;

/** `GET /queue/status`: where a waiter stands (also a heartbeat). */
export const QueueStatusAnswer = t.Object({
  status: QueuePlaceStatus,
  position: t.Union([t.Integer(), t.Null()]),
  eta_sec: Seconds,
  waiting_time: t.Integer({ minimum: 0, description: "Seconds since the join" }),
  ready_for_entry: t.Boolean(),
  ...saleFields,
});
/** `GET /queue/status`. */
export type QueueStatusAnswer = typeof QueueStatusAnswer.static;

/** `POST /queue/enter`: the reservation token of an admitted place. */
export const EnterAnswer = t.Object({
  admission: t.Literal("granted"),
  reservation_token: t.String(),
  ttl_sec: t.Integer(),
});
/** `POST /queue/enter`. */
export type EnterAnswer = typeof EnterAnswer.static;

/** `DELETE /queue/leave`. */
export const LeaveAnswer = t.Object({ status: t.Literal("left") });
/** `DELETE /queue/leave`. */
export type LeaveAnswer = typeof LeaveAnswer.static;
