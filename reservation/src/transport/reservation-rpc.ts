import type { ConnectRouter } from "@connectrpc/connect";
import { reservation as pb } from "@tt/contracts";
import type { Reservations } from "../domain/reservations.ts";
import { orderMessage, reservationMessage } from "./proto-mapping.ts";

/** The Connect ReservationService over the domain: translation only. */
export function reservationRpc(domain: Reservations, now: () => number = Date.now) {
  return (router: ConnectRouter) =>
    router.service(pb.ReservationService, {
      async createReservation(req) {
        const { value, replayed } = await domain.create({
          eventId: req.eventId,
          userId: req.userId,
          seatIds: req.seatIds,
          quantity: req.quantity,
          sectionId: req.sectionId,
          idempotencyKey: req.idempotencyKey,
          reservationToken: req.reservationToken,
          reservationTokenSuperseded: req.reservationTokenSuperseded,
        });
        return { reservation: reservationMessage(value, now()), replayed };
      },
      async getReservation(req) {
        return { reservation: reservationMessage(await domain.get(req.reservationId, req.userId), now()) };
      },
      async confirmReservation(req) {
        const { value, replayed } = await domain.confirm({
          reservationId: req.reservationId,
          userId: req.userId,
          paymentIntentId: req.paymentIntentId,
          idempotencyKey: req.idempotencyKey,
          paymentApproval: req.paymentApproval,
        });
        return {
          orderId: value.orderId,
          reservation: reservationMessage(value.reservation, now()),
          replayed,
        };
      },
      async cancelReservation(req) {
        return {
          reservation: reservationMessage(await domain.cancel(req.reservationId, req.userId), now()),
        };
      },
      async expireReservation(req) {
        const { reservation, changed } = await domain.expire(req.reservationId, req.eventId);
        return { reservation: reservationMessage(reservation, now()), changed };
      },
      async listReservationsByUser(req) {
        const page = await domain.listByUser(req.userId, req.pageSize, req.pageToken);
        return {
          reservations: page.items.map((r) => reservationMessage(r, now())),
          nextPageToken: page.next ?? "",
        };
      },
      async getOrder(req) {
        return { order: orderMessage(await domain.getOrder(req.orderId, req.userId)) };
      },
    });
}
