import { timestampMs } from "@bufbuild/protobuf/wkt";
import { reservation } from "@tt/contracts";
import { type Credentials, createServiceClient, type Metrics } from "@tt/kit";
import type { Reservations, ReservationView } from "../domain/ports.ts";
import { calling } from "./upstream-errors.ts";

const STATUS: Record<number, ReservationView["status"]> = {
  [reservation.ReservationStatus.HOLD]: "HOLD",
  [reservation.ReservationStatus.CONFIRMED]: "CONFIRMED",
  [reservation.ReservationStatus.CANCELLED]: "CANCELLED",
  [reservation.ReservationStatus.EXPIRED]: "EXPIRED",
};

/** ReservationService over Connect (kit client: deadline, retries of idempotent calls, breaker). */
export class ConnectReservations implements Reservations {
  private readonly client;

  constructor(baseUrl: string, timeoutMs: number, credentials: Credentials, metrics?: Metrics) {
    this.client = createServiceClient(reservation.ReservationService, {
      name: "reservation",
      baseUrl,
      timeoutMs,
      credentials,
      ...(metrics ? { metrics } : {}),
    });
  }

  async confirm(req: {
    reservationId: string;
    userId: string;
    paymentIntentId: string;
    paymentApproval: string;
  }): Promise<string> {
    return (await calling(() => this.client.confirmReservation(req))).orderId;
  }

  async expire(reservationId: string): Promise<{ changed: boolean }> {
    const res = await calling(() => this.client.expireReservation({ reservationId }));
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
