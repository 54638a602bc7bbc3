/**
 * The buyer's tally item (purchase policy) in the reservations table: `bought` (seats of
 * confirmed reservations), `version`, and one attribute `h_<reservation id>` per hold that
 * counts or may still count: `{seats, until, confirming}`. Holds are top-level attributes, not
 * a map, so ending a reservation the item never heard of (held before the policy existed, or
 * already dropped as lapsed) is a harmless REMOVE.
 */
import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import type { Reservation } from "../domain/model.ts";
import type { Transition } from "../domain/ports.ts";
import type { BuyerTally, TalliedHold, TallyVerdict } from "../domain/purchase-policy.ts";
import { type Item, N } from "./dynamo-items.ts";
import { keys } from "./keys.ts";
import { mapS } from "./reservation-items.ts";

const HOLD = "h_";

/** The key of a buyer's tally. */
export const tallyKey = (eventId: string, userId: string) => mapS(keys.buyerTally(eventId, userId));

const entry = (r: Reservation, confirming: boolean) => ({
  M: { seats: N(r.seatIds.length), until: N(r.holdExpiresAt), confirming: { BOOL: confirming } },
});

/** Reads a tally item (absent: nothing held or bought yet). */
export function tallyFrom(item: Item | undefined): BuyerTally {
  if (!item) return { version: 0, bought: 0, holds: [] };
  const holds: TalliedHold[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(HOLD) || !value.M) continue;
    holds.push({
      reservationId: name.slice(HOLD.length),
      seats: Number(value.M.seats?.N ?? 0),
      holdExpiresAt: Number(value.M.until?.N ?? 0),
      confirming: value.M.confirming?.BOOL === true,
    });
  }
  return { version: Number(item.version?.N ?? 0), bought: Number(item.bought?.N ?? 0), holds };
}

/**
 * A new hold joins the tally, dropping the lapsed holds the verdict named, only if the tally is
 * still the one the verdict was judged on (same version, or still absent): a second hold of the
 * same buyer judged on the same view fails here and is judged again.
 */
export function tallyJoin(table: string, r: Reservation, verdict: TallyVerdict): TransactWriteItem {
  const names: Record<string, string> = { "#h": `${HOLD}${r.id}`, "#v": "version" };
  verdict.prune.forEach((id, i) => {
    names[`#p${i}`] = `${HOLD}${id}`;
  });
  const remove = verdict.prune.map((_, i) => `#p${i}`);
  const values: Item = { ":entry": entry(r, false), ":next": N(verdict.read.version + 1) };
  const fresh = verdict.read.version === 0;
  if (!fresh) values[":read"] = N(verdict.read.version);
  return {
    Update: {
      TableName: table,
      Key: tallyKey(r.eventId, r.userId),
      UpdateExpression: `SET #h = :entry, #v = :next${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ConditionExpression: fresh ? "attribute_not_exists(pk)" : "#v = :read",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  };
}

/**
 * The tally's side of a transition, unconditional (the reservation's own condition decides):
 * a confirm's claim marks the hold as being bought; an end drops it, and a confirm adds its seats
 * to those bought. Every write moves the version on, so a hold judged before it is judged again.
 */
export function tallyStep(table: string, t: Transition): TransactWriteItem | undefined {
  if (!t.tally) return undefined;
  const r = t.to;
  const names = { "#h": `${HOLD}${r.id}`, "#v": "version" };
  const values: Item = { ":one": N(1) };
  let update: string;
  if (t.tally === "confirming") {
    values[":entry"] = entry(r, true);
    update = "SET #h = :entry ADD #v :one";
  } else if (r.status === "CONFIRMED") {
    values[":seats"] = N(r.seatIds.length);
    update = "REMOVE #h ADD #v :one, bought :seats";
  } else {
    update = "REMOVE #h ADD #v :one";
  }
  return {
    Update: {
      TableName: table,
      Key: tallyKey(r.eventId, r.userId),
      UpdateExpression: update,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
