// The outbox message of a payment outcome, written in the same transaction as the intent's change.
import type { OutboxMessage } from "@tt/kit";
import type { PaymentEvent } from "../domain/ports.ts";
import { intentPk } from "./intent-items.ts";
import { encodePaymentEvent } from "./payment-envelope.ts";

/** What a record's follow-up holds: the webhook's first attempt, to run once the event is sent. */
export interface WebhookFollowUp {
  url: string;
  event: PaymentEvent;
}

/**
 * Keyed by intent (`PI#<id>`) and event type: an intent enters each status at most once, so each
 * of its outcomes gets a record of its own (a refund after an approval is a second record, not a
 * collision), and one outcome can never be recorded twice. The body is the finished envelope,
 * byte for byte what the webhook carries, so publishing only forwards it. With a webhook URL the
 * record also carries the webhook's first attempt (the event as the retry job would store it).
 */
export function outboxMessage(event: PaymentEvent, webhookUrl?: string): OutboxMessage {
  const followUp: WebhookFollowUp | undefined = webhookUrl ? { url: webhookUrl, event } : undefined;
  return {
    pk: intentPk(event.detail.paymentIntentId),
    sk: event.type,
    body: encodePaymentEvent(event),
    type: event.type,
    at: event.time,
    ...(followUp ? { followUp: JSON.stringify(followUp) } : {}),
  };
}

/** The webhook first attempt a sent record carries, if any. */
export function webhookFollowUp(message: Pick<OutboxMessage, "followUp">): WebhookFollowUp | undefined {
  return message.followUp ? (JSON.parse(message.followUp) as WebhookFollowUp) : undefined;
}
