/**
 * Item keys of the inventory tables. One hot event must not sit on one DynamoDB partition
 * (≈1,000 writes/s each), so its seats are spread over `seatShards` partitions:
 *   seats table  pk = `{event_id}#{shard}` (shard = hash(seat id) mod seatShards, two digits),
 *                sk = seat id;
 *   seats table  pk = `HOLD#{reservation_id}`, sk = event id — a reservation's hold record,
 *                written in the same transaction as its seats (partitioned by reservation);
 *   events table pk = `EVENT#{event_id}`, sk = `META`; gsi1pk = `EVENTS`, gsi1sk = start time.
 * There is no per-event counter item: counts come from the seat map.
 *
 * The package's one export (`@tt/inventory/store-keys`): tools that read the store itself — the
 * bench's store checks — take the layout from here instead of writing it again.
 */
import { fnv1a, type ItemCondition } from "@tt/kit";

/** The partition key of a seat's item. */
export function seatPk(eventId: string, seatId: string, shards: number): string {
  return shardPk(eventId, fnv1a(seatId) % shards);
}

/** The partition key of one shard of an event's seats. */
export function shardPk(eventId: string, shard: number): string {
  return `${eventId}#${String(shard).padStart(2, "0")}`;
}

/** The key of a seat item. */
export function seatKey(eventId: string, seatId: string, shards: number) {
  return { pk: { S: seatPk(eventId, seatId, shards) }, sk: { S: seatId } };
}

/** The key of a reservation's hold record. */
export function holdKey(reservationId: string, eventId: string) {
  return { pk: { S: `HOLD#${reservationId}` }, sk: { S: eventId } };
}

/** The key of an event's record. */
export function eventKey(eventId: string) {
  return { pk: { S: `EVENT#${eventId}` }, sk: { S: "META" } };
}

/** An event's record that is active: one being created or gone may not be changed. */
export const ACTIVE_EVENT: ItemCondition = {
  expression: "#s = :active",
  names: { "#s": "status" },
  values: { ":active": { S: "ACTIVE" } },
};

/** The listing partition of active events (listing is rare and cached by callers). */
export const EVENTS_LISTING = "EVENTS";
