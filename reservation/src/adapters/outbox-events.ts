// Domain outbox events as queue envelopes (kit/src/events.ts owns the wire format).
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { events } from "@tt/contracts";
import { type EventDetail, newEvent } from "@tt/kit";
import type { OutboxEvent } from "../domain/model.ts";
import type { HoldRef } from "../domain/ports.ts";

/** `source` of events the reservation service emits. */
export const SOURCE = "reservation";
/** `source` of the hold timer's `reservation.hold_due` message. */
export const TIMER_SOURCE = "reservation.timer";

function detailOf({ type, reservation: r }: OutboxEvent): EventDetail {
  switch (type) {
    case "reservation.created":
      return {
        case: "reservationCreated",
        value: create(events.ReservationCreatedSchema, {
          reservationId: r.id,
          eventId: r.eventId,
          userId: r.userId,
          seatIds: r.seatIds,
          totalAmount: BigInt(r.totalAmount),
          currency: r.currency,
          holdExpiresAt: timestampFromMs(r.holdExpiresAt),
        }),
      };
    case "reservation.confirmed":
      return {
        case: "reservationConfirmed",
        value: create(events.ReservationConfirmedSchema, {
          reservationId: r.id,
          eventId: r.eventId,
          userId: r.userId,
          orderId: r.orderId ?? "",
          paymentIntentId: r.paymentIntentId ?? "",
          seatIds: r.seatIds,
        }),
      };
    case "reservation.cancelled":
      return {
        case: "reservationCancelled",
        value: create(events.ReservationCancelledSchema, {
          reservationId: r.id,
          eventId: r.eventId,
          userId: r.userId,
          seatIds: r.seatIds,
        }),
      };
    case "reservation.expired":
      return expiredDetail({ reservationId: r.id, eventId: r.eventId, holdExpiresAt: r.holdExpiresAt });
  }
}

/** The fields `reservation.expired` and `reservation.hold_due` both carry: the hold they are about. */
const holdFields = (hold: HoldRef) => ({
  reservationId: hold.reservationId,
  eventId: hold.eventId,
  holdExpiresAt: timestampFromMs(hold.holdExpiresAt),
});

function expiredDetail(hold: HoldRef): EventDetail {
  return { case: "reservationExpired", value: create(events.ReservationExpiredSchema, holdFields(hold)) };
}

/** The envelope for a domain event, stamped with the active trace. */
export function envelopeOf(event: OutboxEvent, at: number): events.EventEnvelope {
  return newEvent(SOURCE, detailOf(event), new Date(at));
}

/** The hold timer's message: `reservation.hold_due`, delivered at the hold's expiry. */
export function timerEnvelope(hold: HoldRef): events.EventEnvelope {
  const detail: EventDetail = {
    case: "reservationHoldDue",
    value: create(events.ReservationHoldDueSchema, holdFields(hold)),
  };
  return newEvent(TIMER_SOURCE, detail, new Date(hold.holdExpiresAt));
}
