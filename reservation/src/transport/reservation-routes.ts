import { buyerOf, type callerGuard } from "@tt/kit";
import { Elysia, t } from "elysia";
import type { Reservations } from "../domain/reservations.ts";
import { orderJson, reservationJson } from "./json-view.ts";

// Who calls: a service credential (Authorization: Bearer, kit identity) from a caller the call
// graph allows, or the developer credential outside production. The buyer is only ever the
// credential's signed `usr` claim — never a header (an `x-user-id` is ignored).
const withKey = t.Object({
  "idempotency-key": t.Optional(t.String({ description: "UUID; same key + same request replays" })),
});
const reservationParams = t.Object({ id: t.String({ description: "Reservation id (rsv_…)" }) });
const tags = ["reservations"];

/** REST `/v1/...` debug routes over the same domain as the Connect service. */
export function reservationRoutes(
  domain: Reservations,
  guard: ReturnType<typeof callerGuard>,
  now: () => number = Date.now,
) {
  return new Elysia({ name: "reservation.routes", prefix: "/v1" })
    .use(guard)
    .post(
      "/reservations",
      async ({ body, headers, set, caller }) => {
        const { value, replayed } = await domain.create({
          eventId: body.event_id,
          userId: buyerOf(caller),
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
      async ({ caller, query }) => {
        const page = await domain.listByUser(buyerOf(caller), query.page_size ?? 20, query.page_token);
        return {
          reservations: page.items.map((r) => reservationJson(r, now())),
          next_page_token: page.next ?? null,
        };
      },
      {
        query: t.Object({ page_size: t.Optional(t.Integer()), page_token: t.Optional(t.String()) }),
        detail: { summary: "The calling user's reservations, newest first", tags },
      },
    )
    .get(
      "/reservations/:id",
      async ({ params, caller }) => reservationJson(await domain.get(params.id, buyerOf(caller)), now()),
      { params: reservationParams, detail: { summary: "One reservation (owner only)", tags } },
    )
    .post(
      "/reservations/:id/confirm",
      async ({ params, headers, body, set, caller }) => {
        const { value, replayed } = await domain.confirm({
          reservationId: params.id,
          userId: buyerOf(caller),
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
      async ({ params, caller }) => reservationJson(await domain.cancel(params.id, buyerOf(caller)), now()),
      {
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
      async ({ params, caller }) => orderJson(await domain.getOrder(params.id, buyerOf(caller))),
      {
        params: t.Object({ id: t.String({ description: "Order id (ord_…)" }) }),
        detail: { summary: "One order (owner only)", tags: ["orders"] },
      },
    );
}
