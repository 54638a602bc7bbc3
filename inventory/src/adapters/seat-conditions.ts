import { type AttributeValue, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { EventInfo } from "../domain/model.ts";
import { seatKey } from "./dynamo-keys.ts";

// The conditions that keep seat writes correct (docs/architecture.md, "Zero oversell"), named
// once for the writes in seat-store.dynamo.ts.

/** The attribute names every seat expression uses (`status` is a reserved word). */
export const NAMES = { "#s": "status" };
/**
 * A seat may be taken when nobody holds it, when its hold has passed, or when this very
 * reservation already holds it (a re-sent hold).
 */
export const SEAT_FREE_FOR_ME =
  "attribute_exists(pk) AND (#s = :available OR (#s = :held AND (hold_expires_at < :now OR holder = :rid)))";
/** The hold record may be (re)written when new, or when it is this same live-or-lapsed hold. */
export const HOLD_NEW_OR_SAME = "attribute_not_exists(pk) OR (#s = :held AND seat_key = :key)";
/** A seat this reservation holds, and its hold has not passed. */
export const SEAT_HELD_BY_ME_LIVE = "holder = :rid AND #s = :held AND hold_expires_at >= :now";
/** A hold record still HELD and not passed. */
export const HOLD_LIVE = "#s = :held AND hold_expires_at >= :now";

/** Makes a seat AVAILABLE again where `condition` (over :held, :now and `values`) still holds. */
export function freeSeat(
  table: string,
  event: EventInfo,
  seatId: string,
  condition: string,
  now: number,
  values: Record<string, AttributeValue>,
): UpdateItemCommand {
  return new UpdateItemCommand({
    TableName: table,
    Key: seatKey(event.eventId, seatId, event.seatShards),
    UpdateExpression: "SET #s = :available, updated_at = :now REMOVE holder, hold_expires_at, user_id",
    ConditionExpression: condition,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ":available": { S: "AVAILABLE" },
      ":held": { S: "HELD" },
      ":now": { N: String(now) },
      ...values,
    },
  });
}
