// Item codecs of the reservations and orders tables (keys in keys.ts).

import { TTL_ATTRIBUTE } from "@tt/kit";
import type { Order, Reservation, ReservationStatus } from "../domain/model.ts";
import { compact, type Item, L, N, num, optNum, optStr, S, str, strList } from "./dynamo-items.ts";
import { keys } from "./keys.ts";

/** A reservation as an item; only a HOLD carries the hold-expiry index keys. */
export function reservationItem(r: Reservation): Item {
  const hold = r.status === "HOLD" ? keys.holdByExpiry(r.id, r.holdExpiresAt) : undefined;
  return compact({
    ...mapS(keys.reservation(r.id)),
    ...mapS(keys.userReservations(r.userId, r.createdAt, r.id)),
    ...(hold ? mapS(hold) : {}),
    reservation_id: S(r.id),
    event_id: S(r.eventId),
    user_id: S(r.userId),
    seat_ids: L(r.seatIds),
    status: S(r.status),
    hold_expires_at: N(r.holdExpiresAt),
    total_amount: N(r.totalAmount),
    currency: S(r.currency),
    order_id: r.orderId ? S(r.orderId) : undefined,
    payment_intent_id: r.paymentIntentId ? S(r.paymentIntentId) : undefined,
    confirm_payment_intent_id: r.confirming ? S(r.confirming.paymentIntentId) : undefined,
    confirm_until: r.confirming ? N(r.confirming.until) : undefined,
    created_at: N(r.createdAt),
    updated_at: N(r.updatedAt),
    version: N(r.version),
  });
}

// The mark of an id given up before its reservation was stored: it only fences a late create
// (whose put requires the key to be new), carries no index keys and no event, so no query and
// no scan by event meets it, and is tidied by TTL a day later.
const ABANDONED = "ABANDONED";
const MARK_KEPT_S = 86_400;

/** The item marking `id` abandoned. */
export function abandonedItem(id: string, now: number): Item {
  return {
    ...mapS(keys.reservation(id)),
    reservation_id: S(id),
    status: S(ABANDONED),
    updated_at: N(now),
    [TTL_ATTRIBUTE]: N(Math.ceil(now / 1000) + MARK_KEPT_S),
  };
}

/** A stored item as a reservation; undefined for none, or for an abandoned id's mark. */
export function storedReservation(item: Item | undefined): Reservation | undefined {
  return item && item.status?.S !== ABANDONED ? reservationFrom(item) : undefined;
}

/** Reads a reservation item. */
export function reservationFrom(item: Item): Reservation {
  const claimBy = optStr(item, "confirm_payment_intent_id");
  return {
    id: str(item, "reservation_id"),
    eventId: str(item, "event_id"),
    userId: str(item, "user_id"),
    seatIds: strList(item, "seat_ids"),
    status: str(item, "status") as ReservationStatus,
    holdExpiresAt: num(item, "hold_expires_at"),
    totalAmount: num(item, "total_amount"),
    currency: str(item, "currency"),
    orderId: optStr(item, "order_id"),
    paymentIntentId: optStr(item, "payment_intent_id"),
    confirming: claimBy ? { paymentIntentId: claimBy, until: optNum(item, "confirm_until") ?? 0 } : undefined,
    createdAt: num(item, "created_at"),
    updatedAt: num(item, "updated_at"),
    version: num(item, "version"),
  };
}

/** An order as an item. */
export function orderItem(o: Order): Item {
  return {
    ...mapS(keys.order(o.id)),
    ...mapS(keys.userOrders(o.userId, o.createdAt, o.id)),
    order_id: S(o.id),
    reservation_id: S(o.reservationId),
    event_id: S(o.eventId),
    user_id: S(o.userId),
    seat_ids: L(o.seatIds),
    total_amount: N(o.totalAmount),
    currency: S(o.currency),
    payment_intent_id: S(o.paymentIntentId),
    created_at: N(o.createdAt),
  };
}

/** Reads an order item. */
export function orderFrom(item: Item): Order {
  return {
    id: str(item, "order_id"),
    reservationId: str(item, "reservation_id"),
    eventId: str(item, "event_id"),
    userId: str(item, "user_id"),
    seatIds: strList(item, "seat_ids"),
    totalAmount: num(item, "total_amount"),
    currency: str(item, "currency"),
    paymentIntentId: str(item, "payment_intent_id"),
    createdAt: num(item, "created_at"),
  };
}

/** String-valued key attributes as an item fragment. */
export function mapS(fields: Record<string, string>): Item {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, S(v)]));
}
