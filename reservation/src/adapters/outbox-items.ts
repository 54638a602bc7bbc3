// The outbox record written in the same transaction as the state change it reports.
import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { encodeEvent } from "@tt/kit";
import type { OutboxEvent } from "../domain/model.ts";
import { N, S } from "./dynamo-items.ts";
import { keys } from "./keys.ts";
import { envelopeOf } from "./outbox-events.ts";
import { mapS } from "./reservation-items.ts";

/**
 * The Put of one outbox record: keyed by reservation and version (so a reservation's records
 * sort in the order they happened), listed in a pending shard until the relay publishes it,
 * and carrying the finished message body so the relay only forwards bytes.
 */
export function outboxPut(table: string, event: OutboxEvent, at: number): TransactWriteItem {
  const r = event.reservation;
  const envelope = envelopeOf(event, at);
  return {
    Put: {
      TableName: table,
      Item: {
        ...mapS(keys.outbox(r.id, r.version)),
        ...mapS(keys.outboxPending(r.id, at, r.version)),
        event_id: S(envelope.id),
        event_type: S(event.type),
        reservation_id: S(r.id),
        version: N(r.version),
        body: S(encodeEvent(envelope)),
        created_at: N(at),
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}
