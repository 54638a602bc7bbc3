// Domain objects as reservation.v1 messages.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { reservation as pb } from "@tt/contracts";
import { effectiveStatus, type Order, type Reservation, type ReservationStatus } from "../domain/model.ts";

const STATUS: Record<ReservationStatus, pb.ReservationStatus> = {
  HOLD: pb.ReservationStatus.HOLD,
  CONFIRMED: pb.ReservationStatus.CONFIRMED,
  CANCELLED: pb.ReservationStatus.CANCELLED,
  EXPIRED: pb.ReservationStatus.EXPIRED,
};

/** A reservation as the contract shows it, with the status a reader should see at `now`. */
export function reservationMessage(
  r: Reservation,
  now: number,
): MessageInitShape<typeof pb.ReservationSchema> {
  return {
    reservationId: r.id,
    eventId: r.eventId,
    userId: r.userId,
    seatIds: r.seatIds,
    status: STATUS[effectiveStatus(r, now)],
    holdExpiresAt: timestampFromMs(r.holdExpiresAt),
    totalAmount: BigInt(r.totalAmount),
    currency: r.currency,
    orderId: r.orderId ?? "",
    paymentIntentId: r.paymentIntentId ?? "",
    createdAt: timestampFromMs(r.createdAt),
    updatedAt: timestampFromMs(r.updatedAt),
  };
}

/** An order as the contract shows it. */
export function orderMessage(o: Order): MessageInitShape<typeof pb.OrderSchema> {
  return {
    orderId: o.id,
    reservationId: o.reservationId,
    eventId: o.eventId,
    userId: o.userId,
    seatIds: o.seatIds,
    totalAmount: BigInt(o.totalAmount),
    currency: o.currency,
    paymentIntentId: o.paymentIntentId,
    createdAt: timestampFromMs(o.createdAt),
  };
}
