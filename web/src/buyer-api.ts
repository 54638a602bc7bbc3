import { type ApiFetchOptions, apiFetch } from "./api.ts";
import type {
  Availability,
  EnterAnswer,
  EventDetail,
  HoldAnswer,
  JoinAnswer,
  JoinChallengeOffer,
  Order,
  PaymentIntentAnswer,
  PaymentScenario,
  PaymentStatusAnswer,
  QueueStatusAnswer,
  Reservation,
} from "./types.ts";

/** Per-call context: the signed-in buyer's bearer token (if any) and fetch options. */
export interface CallContext extends Omit<ApiFetchOptions, "json" | "method"> {
  token?: string | undefined;
}

/** A gateway call with the session's bearer token and, when given, an Idempotency-Key. */
export function call<T>(
  method: string,
  path: string,
  ctx: CallContext,
  json?: unknown,
  idempotencyKey?: string,
) {
  const { token, headers, ...rest } = ctx;
  const h = new Headers(headers);
  if (token) h.set("Authorization", `Bearer ${token}`);
  if (idempotencyKey) h.set("Idempotency-Key", idempotencyKey);
  return apiFetch<T>(path, { ...rest, method, headers: h, json });
}

const enc = encodeURIComponent;

/** `POST /auth/dev-login`: the local issuer's sign-in (absent in production); `roles` e.g. `["admin"]`. */
export function devLogin(userId: string, roles?: string[], ctx: CallContext = {}) {
  return call<{ access_token: string; expires_in: number }>("POST", "/api/v1/auth/dev-login", ctx, {
    user_id: userId,
    ...(roles && roles.length > 0 ? { roles } : {}),
  });
}

/** `GET /events/{id}`. */
export function getEvent(eventId: string, ctx: CallContext = {}) {
  return call<EventDetail>("GET", `/api/v1/events/${enc(eventId)}`, ctx);
}

/** `GET /events/{id}/availability`. */
export function getAvailability(eventId: string, ctx: CallContext = {}) {
  return call<Availability>("GET", `/api/v1/events/${enc(eventId)}/availability`, ctx);
}

/** A solved join challenge (docs/spec.md, "Bot protection"). */
export interface SolvedChallenge {
  challenge: string;
  solution: string;
}

/** `POST /queue/join`; the key makes a retried join land on the same place. */
export function joinQueue(
  eventId: string,
  idempotencyKey: string,
  ctx: CallContext,
  solved?: SolvedChallenge,
) {
  const body = { event_id: eventId, ...solved };
  return call<JoinAnswer>("POST", "/api/v1/queue/join", ctx, body, idempotencyKey);
}

/** `GET /queue/challenge`: a challenge to solve before joining, or `challenge: null` if none is asked. */
export function getJoinChallenge(eventId: string, ctx: CallContext = {}) {
  return call<JoinChallengeOffer>("GET", `/api/v1/queue/challenge?event_id=${enc(eventId)}`, ctx);
}

/** `GET /queue/status` (also a heartbeat). */
export function queueStatus(waitingToken: string, ctx: CallContext = {}) {
  return call<QueueStatusAnswer>("GET", `/api/v1/queue/status?token=${enc(waitingToken)}`, ctx);
}

/** `POST /queue/enter`: an admitted place → a single-use reservation token. */
export function enterQueue(waitingToken: string, ctx: CallContext) {
  return call<EnterAnswer>("POST", "/api/v1/queue/enter", ctx, { waiting_token: waitingToken });
}

/** `DELETE /queue/leave`. */
export function leaveQueue(waitingToken: string, ctx: CallContext = {}) {
  return call<{ status: "left" }>("DELETE", `/api/v1/queue/leave?token=${enc(waitingToken)}`, ctx);
}

/** What to hold: named seats, or a quantity (optionally within one section) picked by the server. */
export type HoldRequest = { seatIds: string[] } | { quantity: number; sectionId?: string | undefined };

/** `POST /reservations`: holds seats with a reservation token from the queue. */
export function holdSeats(
  eventId: string,
  request: HoldRequest,
  reservationToken: string,
  idempotencyKey: string,
  ctx: CallContext,
) {
  const body =
    "seatIds" in request
      ? { event_id: eventId, seat_ids: request.seatIds, quantity: request.seatIds.length }
      : { event_id: eventId, quantity: request.quantity, section_id: request.sectionId };
  return call<HoldAnswer>(
    "POST",
    "/api/v1/reservations",
    ctx,
    { ...body, reservation_token: reservationToken },
    idempotencyKey,
  );
}

/** `GET /reservations`: the buyer's reservations, newest first. */
export async function listReservations(ctx: CallContext) {
  return (await call<{ reservations: Reservation[] }>("GET", "/api/v1/reservations", ctx)).reservations;
}

/** `GET /reservations/{id}`. */
export function getReservation(reservationId: string, ctx: CallContext) {
  return call<Reservation>("GET", `/api/v1/reservations/${enc(reservationId)}`, ctx);
}

/** `POST /reservations/{id}/cancel`: gives the seats back. */
export function cancelReservation(reservationId: string, ctx: CallContext) {
  return call<{ status: "CANCELLED" }>("POST", `/api/v1/reservations/${enc(reservationId)}/cancel`, ctx);
}

/** `POST /payments/intent`: starts a simulated payment for the reservation's exact total. */
export function startPayment(
  reservation: Pick<Reservation, "reservation_id" | "total_amount" | "currency">,
  scenario: PaymentScenario,
  idempotencyKey: string,
  ctx: CallContext,
) {
  const body = {
    reservation_id: reservation.reservation_id,
    amount: reservation.total_amount,
    currency: reservation.currency,
    scenario,
  };
  return call<PaymentIntentAnswer>("POST", "/api/v1/payments/intent", ctx, body, idempotencyKey);
}

/** `GET /payments/{id}/status`. */
export function paymentStatus(paymentIntentId: string, ctx: CallContext) {
  return call<PaymentStatusAnswer>("GET", `/api/v1/payments/${enc(paymentIntentId)}/status`, ctx);
}

/** `GET /orders/{id}`. */
export function getOrder(orderId: string, ctx: CallContext) {
  return call<Order>("GET", `/api/v1/orders/${enc(orderId)}`, ctx);
}
