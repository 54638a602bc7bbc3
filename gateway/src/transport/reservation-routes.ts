import { reservation } from "@tt/contracts";
import type { SaleTally } from "@tt/kit";
import { EVENT_ID_PATTERN, MAX_SEATS_PER_RESERVATION } from "@tt/kit";
import {
  CancelAnswer,
  ConfirmAnswer,
  errorAnswers,
  HoldAnswer,
  Order,
  Reservation,
  ReservationList,
} from "@tt/kit/api";
import { Elysia, t } from "elysia";
import type { EntryPasses } from "../adapters/queue/entry-passes.redis.ts";
import type { PurchaseWatch } from "../adapters/queue/purchase-watch.redis.ts";
import type { Upstreams } from "../adapters/upstream/clients.connect.ts";
import type { HoldFactsCache } from "../adapters/upstream/hold-facts.redis.ts";
import type { Guards } from "./guards.ts";
import { idempotencyKeyOf, markReplayed } from "./idempotency-plugin.ts";
import { orderView, reservationView } from "./views.ts";

const ID = "^[A-Za-z0-9_-]{1,80}$";
const IdParams = t.Object({ id: t.String({ pattern: ID }) });
const statusName = (s: number) => reservation.ReservationStatus[s] ?? "";

const CreateBody = t.Object({
  event_id: t.String({ pattern: EVENT_ID_PATTERN }),
  seat_ids: t.Optional(
    t.Array(t.String({ minLength: 1, maxLength: 32 }), { maxItems: MAX_SEATS_PER_RESERVATION }),
  ),
  quantity: t.Optional(t.Integer({ minimum: 0, maximum: 50 })),
  section_id: t.Optional(t.String({ maxLength: 32 })),
  reservation_token: t.String({ minLength: 1, maxLength: 1024 }),
});

/** Reservations and orders of the signed-in buyer (docs/spec.md, "REST API"). */
export function reservationRoutes(deps: {
  upstreams: Upstreams;
  guards: Guards;
  purchases: Pick<PurchaseWatch, "tokenFor">;
  holds: Pick<HoldFactsCache, "remember">;
  passes: Pick<EntryPasses, "superseded">;
  /** Sale analytics: each new hold (not a repeat) counts as "held". */
  tally?: Pick<SaleTally, "count">;
}) {
  const rsv = deps.upstreams.reservation;
  return new Elysia({ name: "gateway.reservations", prefix: "/api/v1" })
    .use(deps.guards)
    .post(
      "/reservations",
      async ({ body, user, request, set }) => {
        // Reservation verifies the token and spends it with the reservation it creates, so a
        // refused attempt leaves it usable and a repeat of a finished request is still answered.
        // A token a newer enter replaced buys nothing new there, like an expired one.
        const superseded = await deps.passes.superseded(body.event_id, user.id, body.reservation_token);
        const { reservation: r, replayed } = await rsv.createReservation({
          eventId: body.event_id,
          userId: user.id,
          seatIds: body.seat_ids ?? [],
          quantity: body.quantity ?? 0,
          sectionId: body.section_id ?? "",
          reservationToken: body.reservation_token,
          reservationTokenSuperseded: superseded,
          idempotencyKey: idempotencyKeyOf(request),
        });
        if (!r) throw new Error("reservation answered without a reservation");
        set.status = 201;
        markReplayed(set, replayed);
        if (!replayed) deps.tally?.count(r.eventId, "held");
        await deps.holds.remember(r.reservationId, {
          userId: user.id,
          eventId: r.eventId,
          totalAmount: r.totalAmount,
          currency: r.currency,
        });
        const view = reservationView(r, statusName);
        return {
          reservation_id: view.reservation_id,
          status: view.status,
          seat_ids: view.seat_ids,
          hold_expires_at: view.hold_expires_at,
          total_amount: view.total_amount,
          currency: view.currency,
          // Sent back on the live-queue socket to have the outcome pushed (adapters/queue/purchase-watch.redis.ts).
          watch_token: deps.purchases.tokenFor(view.reservation_id),
        };
      },
      {
        body: CreateBody,
        auth: "required",
        idempotent: true,
        rateLimit: true,
        response: { 201: HoldAnswer, ...errorAnswers },
        detail: {
          summary: "Hold seats for 60 s with a reservation token from the queue",
          tags: ["reservations"],
        },
      },
    )
    .get(
      "/reservations",
      async ({ user }) => {
        const res = await rsv.listReservationsByUser({ userId: user.id, pageSize: 50 });
        return { reservations: res.reservations.map((r) => reservationView(r, statusName)) };
      },
      {
        auth: "required",
        rateLimit: true,
        response: { 200: ReservationList, ...errorAnswers },
        detail: { summary: "My reservations, newest first", tags: ["reservations"] },
      },
    )
    .get(
      "/reservations/:id",
      async ({ params, user }) => {
        const { reservation: r } = await rsv.getReservation({ reservationId: params.id, userId: user.id });
        if (!r) throw new Error("reservation answered without a reservation");
        return reservationView(r, statusName);
      },
      {
        params: IdParams,
        auth: "required",
        rateLimit: true,
        response: { 200: Reservation, ...errorAnswers },
        detail: { summary: "One of my reservations", tags: ["reservations"] },
      },
    )
    .post(
      "/reservations/:id/confirm",
      async ({ params, body, user, request, set }) => {
        const res = await rsv.confirmReservation({
          reservationId: params.id,
          userId: user.id,
          paymentIntentId: body.payment_intent_id,
          idempotencyKey: idempotencyKeyOf(request),
        });
        markReplayed(set, res.replayed);
        return { order_id: res.orderId, status: "CONFIRMED" as const };
      },
      {
        params: IdParams,
        body: t.Object({ payment_intent_id: t.String({ pattern: ID }) }),
        auth: "required",
        idempotent: true,
        rateLimit: true,
        response: { 200: ConfirmAnswer, ...errorAnswers },
        detail: { summary: "Turn a paid hold into an order", tags: ["reservations"] },
      },
    )
    .post(
      "/reservations/:id/cancel",
      async ({ params, user }) => {
        await rsv.cancelReservation({ reservationId: params.id, userId: user.id });
        return { status: "CANCELLED" as const };
      },
      {
        params: IdParams,
        auth: "required",
        rateLimit: true,
        response: { 200: CancelAnswer, ...errorAnswers },
        detail: { summary: "Give the seats back", tags: ["reservations"] },
      },
    )
    .get(
      "/orders/:id",
      async ({ params, user }) => {
        const { order } = await rsv.getOrder({ orderId: params.id, userId: user.id });
        if (!order) throw new Error("reservation answered without an order");
        return orderView(order);
      },
      {
        params: IdParams,
        auth: "required",
        rateLimit: true,
        response: { 200: Order, ...errorAnswers },
        detail: { summary: "One of my orders", tags: ["orders"] },
      },
    );
}
