import { Elysia, t } from "elysia";
import type { Reservations } from "../domain/reservations.ts";
import { orderJson, reservationJson } from "./json-view.ts";

// The caller's identity: these routes sit behind the gateway, which authenticates buyers and
// passes the user on; calling them directly is for debugging.
const user = t.Object({ "x-user-id": t.String({ minLength: 1, description: "The calling user" }) });
const withKey = t.Object({
  "x-user-id": t.String({ minLength: 1, description: "The calling user" }),
  "idempotency-key": t.Optional(t.String({ description: "UUID; same key + same request replays" })),
});
const reservationParams = t.Object({ id: t.String({ description: "Reservation id (rsv_…)" }) });
const tags = ["reservations"];

/** REST `/v1/...` debug routes over the same domain as the Connect service. */
export function reservationRoutes(domain: Reservations, now: () => number = Date.now) {
  return new Elysia({ name: "reservation.routes", prefix: "/v1" })
    .post(
      "/reservations",
      async ({ body, headers, set }) => {
        const { value, replayed } = await domain.create({
          eventId: body.event_id,
          userId: headers["x-user-id"],
          seatIds: body.seat_ids ?? [],
          quantity: body.quantity ?? 0,
          sectionId: body.section_id ?? "",
          idempotencyKey: headers["idempotency-key"] ?? "",
          reservationToken: body.reservation_token,
        });
        set.status = 201;
        if (replayed) set.headers["x-idempotency-replayed"] = "true";
        return reservationJson(value, now());
      },
      {
        headers: withKey,
        body: t.Object({
          event_id: t.String(),
          seat_ids: t.Optional(t.Array(t.String())),
          quantity: t.Optional(t.Integer({ minimum: 0 })),
          section_id: t.Optional(t.String()),
          reservation_token: t.String({ description: "The token the waiting room handed out on enter" }),
        }),
        detail: { summary: "Hold seats and create a reservation (HOLD)", tags },
      },
    )
    .get(
      "/reservations",
      async ({ headers, query }) => {
        const page = await domain.listByUser(headers["x-user-id"], query.page_size ?? 20, query.page_token);
        return {
          reservations: page.items.map((r) => reservationJson(r, now())),
          next_page_token: page.next ?? null,
        };
      },
      {
        headers: user,
        query: t.Object({ page_size: t.Optional(t.Integer()), page_token: t.Optional(t.String()) }),
        detail: { summary: "The calling user's reservations, newest first", tags },
      },
    )
    .get(
      "/reservations/:id",
      async ({ params, headers }) =>
        reservationJson(await domain.get(params.id, headers["x-user-id"]), now()),
      { headers: user, params: reservationParams, detail: { summary: "One reservation (owner only)", tags } },
    )
    .post(
      "/reservations/:id/confirm",
      async ({ params, headers, body, set }) => {
        const { value, replayed } = await domain.confirm({
          reservationId: params.id,
          userId: headers["x-user-id"],
          paymentIntentId: body.payment_intent_id,
          idempotencyKey: headers["idempotency-key"] ?? "",
        });
        if (replayed) set.headers["x-idempotency-replayed"] = "true";
        return { ...reservationJson(value.reservation, now()), order_id: value.orderId };
      },
      {
        headers: withKey,
        params: reservationParams,
        body: t.Object({ payment_intent_id: t.String() }),
        detail: { summary: "Confirm a paid hold into an order", tags },
      },
    )
    .post(
      "/reservations/:id/cancel",
      async ({ params, headers }) =>
        reservationJson(await domain.cancel(params.id, headers["x-user-id"]), now()),
      {
        headers: user,
        params: reservationParams,
        detail: { summary: "Give a hold back (owner only)", tags },
      },
    )
    .post(
      "/reservations/:id/expire",
      async ({ params }) => {
        const { reservation, changed } = await domain.expire(params.id);
        return { changed, ...reservationJson(reservation, now()) };
      },
      {
        params: reservationParams,
        detail: { summary: "Expire a HOLD whose time has passed (worker)", tags },
      },
    )
    .get(
      "/orders/:id",
      async ({ params, headers }) => orderJson(await domain.getOrder(params.id, headers["x-user-id"])),
      {
        headers: user,
        params: t.Object({ id: t.String({ description: "Order id (ord_…)" }) }),
        detail: { summary: "One order (owner only)", tags: ["orders"] },
      },
    );
}
