import type { PaymentIntent } from "./intent.ts";
import type { PaymentEvent, PaymentEventType } from "./ports.ts";

// The events that announce an intent's outcome, as the simulator records them with the change
// (and the webhook job posts them): pure, so their ids and shapes are tested without a store.

const EVENT_FOR: Record<"APPROVED" | "FAILED" | "REFUNDED", PaymentEventType> = {
  APPROVED: "payment.approved",
  FAILED: "payment.failed",
  REFUNDED: "payment.refunded",
};

/**
 * A UUID-shaped id derived from intent and type (like the platform's other event ids, which are
 * UUIDs): every re-send of one outcome carries the same id, so consumers can dedupe on it.
 */
export function eventIdFor(intentId: string, type: PaymentEventType): string {
  const h = new Bun.CryptoHasher("sha256").update(`${intentId}:${type}`).digest("hex");
  // Version nibble 8 marks a custom (name-derived) UUID; variant bits 10xx as RFC 9562 asks.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16] ?? "0", 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The event announcing an intent's current status; its id is stable per intent and type. An
 * approval's event carries `approval`, payment's signature of it, when one was made.
 */
export function outcomeEvent(intent: PaymentIntent, now: number, approval = ""): PaymentEvent {
  const type = EVENT_FOR[intent.status as keyof typeof EVENT_FOR];
  if (!type) throw new Error(`no event for status ${intent.status}`);
  return {
    id: eventIdFor(intent.id, type),
    type,
    time: now,
    traceparent: intent.traceparent,
    detail: {
      paymentIntentId: intent.id,
      reservationId: intent.reservationId,
      userId: intent.userId,
      amount: intent.amount,
      currency: intent.currency,
      reason:
        intent.status === "FAILED"
          ? intent.failureReason
          : intent.status === "REFUNDED"
            ? intent.refundReason
            : "",
      ...(approval ? { approval } : {}),
    },
  };
}
