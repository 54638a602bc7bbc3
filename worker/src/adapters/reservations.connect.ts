import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { reservation } from "@tt/contracts";
import type { Reservations, ReservationView } from "../domain/ports.ts";
import { calling } from "./upstream-errors.ts";

const STATUS: Record<number, ReservationView["status"]> = {
  [reservation.ReservationStatus.HOLD]: "HOLD",
  [reservation.ReservationStatus.CONFIRMED]: "CONFIRMED",
  [reservation.ReservationStatus.CANCELLED]: "CANCELLED",
  [reservation.ReservationStatus.EXPIRED]: "EXPIRED",
};

/** ReservationService over Connect, through the kit client app.ts builds. */
export class ConnectReservations implements Reservations {
  constructor(private readonly client: Client<typeof reservation.ReservationService>) {}

  async confirm(req: {
    reservationId: string;
    userId: string;
    paymentIntentId: string;
    paymentApproval: string;
  }): Promise<string> {
    return (await calling(() => this.client.confirmReservation(req))).orderId;
  }

  async expire(hold: { reservationId: string; eventId: string }): Promise<{ changed: boolean }> {
    const res = await calling(() => this.client.expireReservation(hold));
    return { changed: res.changed };
  }

  async get(req: { reservationId: string; userId: string }): Promise<ReservationView> {
    const res = await calling(() => this.client.getReservation(req));
    return {
      status: STATUS[res.reservation?.status ?? 0] ?? "UNKNOWN",
      paymentIntentId: res.reservation?.paymentIntentId ?? "",
      holdExpiresAt: res.reservation?.holdExpiresAt ? timestampMs(res.reservation.holdExpiresAt) : 0,
    };
  }
}
