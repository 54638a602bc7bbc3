/** Seat and hold items of the seats table ↔ domain objects. */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Hold, Seat, SeatStatus } from "../domain/model.ts";

type Item = Record<string, AttributeValue>;

const str = (item: Item, name: string) => item[name]?.S;
const num = (item: Item, name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));

/** A seat item as a domain seat. */
export function decodeSeat(item: Item): Seat {
  return {
    seatId: str(item, "sk") ?? "",
    status: (str(item, "status") ?? "AVAILABLE") as SeatStatus,
    holder: str(item, "holder"),
    userId: str(item, "user_id"),
    holdExpiresAt: num(item, "hold_expires_at"),
    updatedAt: num(item, "updated_at") ?? 0,
  };
}

/** A hold record as a domain hold. */
export function decodeHold(item: Item): Hold {
  return {
    reservationId: str(item, "reservation_id") ?? "",
    eventId: str(item, "sk") ?? "",
    seatIds: (item.seat_ids?.L ?? []).map((v) => v.S ?? ""),
    status: (str(item, "status") ?? "HELD") as Hold["status"],
    holdExpiresAt: num(item, "hold_expires_at") ?? 0,
    userId: str(item, "user_id") ?? "",
    totalAmount: BigInt(item.total_amount?.N ?? "0"),
    currency: str(item, "currency") ?? "",
    orderId: str(item, "order_id"),
    committedAt: num(item, "committed_at"),
    releaseReason: str(item, "release_reason"),
  };
}

/** The hold record item (without its key). */
export function encodeHold(hold: Hold, now: number): Item {
  const item: Item = {
    reservation_id: { S: hold.reservationId },
    seat_ids: { L: hold.seatIds.map((S) => ({ S })) },
    seat_key: { S: seatSetKey(hold.seatIds) },
    status: { S: hold.status },
    hold_expires_at: { N: String(hold.holdExpiresAt) },
    total_amount: { N: String(hold.totalAmount) },
    currency: { S: hold.currency },
    updated_at: { N: String(now) },
  };
  if (hold.userId) item.user_id = { S: hold.userId };
  return item;
}

/** The same string for the same set of seats in any order, so a re-sent hold is recognised. */
export function seatSetKey(seatIds: readonly string[]): string {
  return [...seatIds].sort().join(",");
}
