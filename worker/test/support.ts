// Test doubles of other services and real fauxqs for the worker tests. The ReservationService and
// PaymentService here are TEST DOUBLES (in-memory, served over real Connect with the kit), not the
// real services: they keep the state rules the worker relies on and count calls and effects.

import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { events, payment, reservation } from "@tt/contracts";
import {
  AppError,
  createService,
  createSqsClient,
  type EventDetail,
  encodeEvent,
  ensureQueues,
  newEvent,
  type QueueRefs,
} from "@tt/kit";
import { Supervisor, startSqs } from "@tt/kit/local";
import { freePort, testConfig } from "@tt/kit/testing";

const RS = reservation.ReservationStatus;

/** fauxqs on a free port with the platform queues under a random stage. */
export async function startQueues() {
  const sup = new Supervisor({ sink: () => undefined });
  const endpoint = await startSqs(sup, { port: freePort() });
  const stage = `t${Math.random().toString(36).slice(2, 8)}`;
  const sqs = createSqsClient({ region: "us-east-1", endpoint });
  const queues: QueueRefs = await ensureQueues(sqs, stage);
  return {
    sqs,
    endpoint,
    stage,
    queues,
    async stop() {
      sqs.destroy();
      await sup.stop();
    },
  };
}

interface Held {
  status: reservation.ReservationStatus;
  userId: string;
  holdExpiresAt: number;
  paymentIntentId: string;
  orderId: string;
}

/** In-memory reservation + payment doubles; `effects` counts state changes, `calls` every RPC. */
export class ServiceDoubles {
  readonly reservations = new Map<string, Held>();
  readonly refunded = new Set<string>();
  readonly effects = { confirmed: 0, cancelled: 0, expired: 0, refunded: 0 };
  readonly calls = { confirm: 0, cancel: 0, expire: 0, refund: 0, get: 0 };
  /** Makes every confirm take this long (slow work, mid-batch kills). */
  confirmDelayMs = 0;
  /** The next this-many confirms fail as if the reservation service were down. */
  confirmOutages = 0;

  /** Adds a HOLD that expires `inMs` from now. */
  hold(id: string, inMs = 60_000, userId = "u1"): void {
    this.reservations.set(id, {
      status: RS.HOLD,
      userId,
      holdExpiresAt: Date.now() + inMs,
      paymentIntentId: "",
      orderId: "",
    });
  }

  private find(id: string): Held {
    const r = this.reservations.get(id);
    if (!r) throw new AppError("RESERVATION_NOT_FOUND", `reservation ${id} not found`);
    return r;
  }

  private view(id: string, r: Held) {
    return {
      reservationId: id,
      userId: r.userId,
      status: r.status,
      paymentIntentId: r.paymentIntentId,
      orderId: r.orderId,
      holdExpiresAt: timestampFromMs(r.holdExpiresAt),
    };
  }

  /**
   * Serves both doubles over Connect on a free port (or `port`, to come back where a stopped one
   * was); returns its base URL, its port and a stop function.
   */
  async serve(port?: number) {
    const config = testConfig(port === undefined ? {} : { PORT: String(port) });
    const service = createService({
      name: "doubles",
      description: "reservation and payment test doubles",
      config,
      identity: { audiences: ["reservation", "payment"] },
    });
    service.serveRpc((router) => {
      router.service(reservation.ReservationService, {
        confirmReservation: async (req) => {
          this.calls.confirm += 1;
          if (this.confirmDelayMs) await Bun.sleep(this.confirmDelayMs);
          if (this.confirmOutages > 0) {
            this.confirmOutages -= 1;
            throw new AppError("UPSTREAM_UNAVAILABLE", "reservation is down (test)");
          }
          const r = this.find(req.reservationId);
          if (r.status === RS.CONFIRMED) {
            if (r.paymentIntentId === req.paymentIntentId) return { orderId: r.orderId };
            throw new AppError("RESERVATION_ALREADY_CONFIRMED", "already confirmed");
          }
          if (r.status === RS.CANCELLED) throw new AppError("INVALID_STATE", "cancelled");
          if (r.status === RS.EXPIRED || Date.now() >= r.holdExpiresAt) {
            throw new AppError("RESERVATION_EXPIRED", "hold ran out");
          }
          Object.assign(r, {
            status: RS.CONFIRMED,
            paymentIntentId: req.paymentIntentId,
            orderId: `ord_${req.reservationId}`,
          });
          this.effects.confirmed += 1;
          return { orderId: r.orderId };
        },
        cancelReservation: async (req) => {
          this.calls.cancel += 1;
          const r = this.find(req.reservationId);
          if (r.status === RS.CONFIRMED) throw new AppError("RESERVATION_ALREADY_CONFIRMED", "confirmed");
          if (r.status === RS.EXPIRED) throw new AppError("RESERVATION_EXPIRED", "expired");
          if (r.status === RS.HOLD) {
            r.status = RS.CANCELLED;
            this.effects.cancelled += 1;
          }
          return { reservation: this.view(req.reservationId, r) };
        },
        expireReservation: async (req) => {
          this.calls.expire += 1;
          const r = this.find(req.reservationId);
          const changed = r.status === RS.HOLD && Date.now() >= r.holdExpiresAt;
          if (changed) {
            r.status = RS.EXPIRED;
            this.effects.expired += 1;
          }
          return { reservation: this.view(req.reservationId, r), changed };
        },
        getReservation: async (req) => {
          this.calls.get += 1;
          return { reservation: this.view(req.reservationId, this.find(req.reservationId)) };
        },
      });
      router.service(payment.PaymentService, {
        refundPayment: async (req) => {
          this.calls.refund += 1;
          if (!this.refunded.has(req.paymentIntentId)) {
            this.refunded.add(req.paymentIntentId);
            this.effects.refunded += 1;
          }
          return {
            intent: { paymentIntentId: req.paymentIntentId, status: payment.PaymentStatus.REFUNDED },
          };
        },
      });
    });
    await service.start({ handleSignals: false });
    return { url: `http://127.0.0.1:${config.port}`, port: config.port, stop: () => service.stop() };
  }
}

/** Envelope JSON for one detail, as producers put it on the queue. */
export function eventBody(detail: EventDetail, source = "test"): string {
  return encodeEvent(newEvent(source, detail));
}

/** Detail builders for the events the worker acts on. */
export const detail = {
  approved: (reservationId: string, paymentIntentId = `pi_${reservationId}`): EventDetail => ({
    case: "paymentApproved",
    value: create(events.PaymentApprovedSchema, {
      paymentIntentId,
      reservationId,
      userId: "u1",
      amount: 1000n,
      currency: "KRW",
    }),
  }),
  failed: (reservationId: string): EventDetail => ({
    case: "paymentFailed",
    value: create(events.PaymentFailedSchema, {
      paymentIntentId: `pi_${reservationId}`,
      reservationId,
      userId: "u1",
      reason: "card_declined",
    }),
  }),
  holdDue: (reservationId: string): EventDetail => ({
    case: "reservationHoldDue",
    value: create(events.ReservationHoldDueSchema, { reservationId, eventId: "evt_1" }),
  }),
  expired: (reservationId: string): EventDetail => ({
    case: "reservationExpired",
    value: create(events.ReservationExpiredSchema, { reservationId, eventId: "evt_1" }),
  }),
  created: (reservationId: string): EventDetail => ({
    case: "reservationCreated",
    value: create(events.ReservationCreatedSchema, { reservationId, eventId: "evt_1", userId: "u1" }),
  }),
};

/** Sends raw bodies to the events queue. */
export async function send(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  for (const body of bodies)
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}
