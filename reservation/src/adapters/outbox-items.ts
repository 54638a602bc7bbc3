// The outbox message written in the same transaction as the state change it reports.
import { encodeEvent, type OutboxMessage } from "@tt/kit";
import type { OutboxEvent } from "../domain/model.ts";
import { keys } from "./keys.ts";
import { envelopeOf } from "./outbox-events.ts";

/**
 * One outbox message: keyed by reservation and version (so a reservation's records sort in the
 * order they happened), carrying the finished message body so publishing only forwards bytes.
 */
export function outboxMessage(event: OutboxEvent, at: number): OutboxMessage {
  const r = event.reservation;
  const { pk, sk } = keys.outbox(r.id, r.version);
  return { pk, sk, body: encodeEvent(envelopeOf(event, at)), type: event.type, at };
}
