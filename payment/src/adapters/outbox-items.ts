// The outbox message of a payment outcome, written in the same transaction as the intent's change.
import type { OutboxMessage } from "@tt/kit";
import type { PaymentEvent } from "../domain/ports.ts";
import { intentPk } from "./intent-items.ts";
import { encodePaymentEvent } from "./payment-envelope.ts";

/**
 * Keyed by intent (`PI#<id>`) and event type: an intent enters each status at most once, so each
 * of its outcomes gets a record of its own (a refund after an approval is a second record, not a
 * collision), and one outcome can never be recorded twice. The body is the finished envelope,
 * byte for byte what the webhook carries, so publishing only forwards it.
 */
export function outboxMessage(event: PaymentEvent): OutboxMessage {
  return {
    pk: intentPk(event.detail.paymentIntentId),
    sk: event.type,
    body: encodePaymentEvent(event),
    type: event.type,
    at: event.time,
  };
}
