import { create } from "@bufbuild/protobuf";
import { events } from "@tt/contracts";
import { type EventDetail, encodeEvent, newEvent } from "@tt/kit";
import type { PaymentEvent } from "../domain/ports.ts";

function detailOf(event: PaymentEvent): EventDetail {
  const d = event.detail;
  switch (event.type) {
    case "payment.approved":
      return {
        case: "paymentApproved",
        value: create(events.PaymentApprovedSchema, {
          paymentIntentId: d.paymentIntentId,
          reservationId: d.reservationId,
          userId: d.userId,
          amount: BigInt(d.amount),
          currency: d.currency,
          approval: d.approval ?? "",
        }),
      };
    case "payment.failed":
      return {
        case: "paymentFailed",
        value: create(events.PaymentFailedSchema, {
          paymentIntentId: d.paymentIntentId,
          reservationId: d.reservationId,
          userId: d.userId,
          reason: d.reason,
        }),
      };
    case "payment.refunded":
      return {
        case: "paymentRefunded",
        value: create(events.PaymentRefundedSchema, {
          paymentIntentId: d.paymentIntentId,
          reservationId: d.reservationId,
          amount: BigInt(d.amount),
          currency: d.currency,
          reason: d.reason,
        }),
      };
  }
}

/**
 * The queue/webhook JSON of a payment event (the shared envelope). The id and trace come from
 * the stored event rather than the current context, so every re-send is byte-for-byte the
 * same event and continues the trace of the request that created the intent.
 */
export function encodePaymentEvent(event: PaymentEvent): string {
  const envelope = newEvent("payment", detailOf(event), new Date(event.time));
  envelope.id = event.id;
  envelope.traceparent = event.traceparent;
  envelope.traceId = event.traceparent.split("-")[1] ?? "";
  return encodeEvent(envelope);
}
