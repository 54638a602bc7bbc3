import { createHash } from "node:crypto";
import { AppError } from "@tt/kit";
import type { ReservationDeps, ReservationSettings } from "./deps.ts";
import { ReservationError } from "./errors.ts";
import { claimIsLive, type Order, orderIdFor, type Reservation } from "./model.ts";
import { type PaymentInfo, TransitionRejected } from "./ports.ts";
import { advance, disarm, endHold } from "./transitions.ts";

/** What a successful confirm answers. */
export interface ConfirmResult {
  orderId: string;
  reservation: Reservation;
}

// Inventory answers these when it no longer holds the seats for this reservation; anything else
// (INVENTORY_CONFLICT, timeouts) is transient and leaves the claim for a retry to finish.
const HOLD_LOST = new Set([
  "RESERVATION_EXPIRED",
  "RESERVATION_NOT_FOUND",
  "SEAT_UNAVAILABLE",
  "INVALID_STATE",
]);

const expired = () => new ReservationError("RESERVATION_EXPIRED", "The hold on these seats has run out");
const notApproved = (why: string) => new ReservationError("PAYMENT_NOT_APPROVED", why);

// Payment wants a UUID key; deriving it from the pair makes every refund attempt for the same
// reservation and payment the same request.
function refundKey(reservationId: string, paymentIntentId: string): string {
  const h = createHash("sha256").update(`refund:${reservationId}:${paymentIntentId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Confirm: payment verified → claim the hold (guards it against expiry) → commit seats →
 * CONFIRMED + order + outbox in one transaction. Every step can be repeated, so a confirm that
 * died half-way is finished by the next attempt or by the expiry path.
 */
export class ConfirmFlow {
  constructor(
    private readonly deps: ReservationDeps,
    private readonly settings: ReservationSettings,
  ) {}

  /**
   * Confirms `r` (freshly read, owned by the caller) with the payment; throws TransitionRejected
   * on a race. `approval` (from the worker's payment.approved) spares the call to payment.
   */
  async confirm(r: Reservation, paymentIntentId: string, approval = ""): Promise<ConfirmResult> {
    const now = this.deps.now();
    if (r.status === "CONFIRMED") {
      if (r.paymentIntentId === paymentIntentId && r.orderId) return { orderId: r.orderId, reservation: r };
      await this.refundIfPaid(
        r,
        paymentIntentId,
        "reservation already confirmed with another payment",
        approval,
      );
      throw new ReservationError("RESERVATION_ALREADY_CONFIRMED", "The reservation is already confirmed");
    }
    if (r.status === "CANCELLED") {
      await this.refundIfPaid(r, paymentIntentId, "reservation cancelled", approval);
      throw new ReservationError("INVALID_STATE", "The reservation was cancelled");
    }
    if (r.status === "EXPIRED") {
      await this.refundIfPaid(r, paymentIntentId, "hold expired", approval);
      throw expired();
    }
    if (r.confirming) {
      if (r.confirming.paymentIntentId === paymentIntentId) return this.finish(r);
      if (claimIsLive(r, now))
        throw new ReservationError("INVALID_STATE", "Another payment is confirming this hold");
    }
    const payment = await this.deps.payments.status(paymentIntentId, approval);
    if (!payment || payment.reservationId !== r.id)
      throw notApproved("The payment is not for this reservation");
    if (now >= r.holdExpiresAt) {
      // Too late: no order, seats left to the expiry path, and the buyer gets the money back.
      await this.refundIfPaid(r, paymentIntentId, "hold expired", approval, payment);
      throw expired();
    }
    if (payment.status !== "APPROVED") throw notApproved(`The payment is ${payment.status.toLowerCase()}`);
    if (payment.amount !== r.totalAmount || payment.currency !== r.currency) {
      throw notApproved("The payment amount differs from the reservation total");
    }
    const claimed = advance(
      r,
      { confirming: { paymentIntentId, until: now + this.settings.confirmLeaseMs } },
      now,
    );
    // The claim also marks the hold in the buyer's tally as being bought, so its seats keep
    // counting against the seat cap if it is finished after its time.
    await this.deps.store.transition({ from: r, to: claimed, holdLiveAt: now, tally: "confirming" });
    return this.finish(claimed);
  }

  /** Completes a claimed confirm: commit the seats, then write the order. */
  async finish(r: Reservation): Promise<ConfirmResult> {
    const paymentIntentId = r.confirming?.paymentIntentId;
    if (!paymentIntentId) throw new ReservationError("INTERNAL", "finish called without a confirm claim");
    const orderId = orderIdFor(r.id);
    try {
      await this.deps.inventory.commit({
        reservationId: r.id,
        eventId: r.eventId,
        seatIds: r.seatIds,
        orderId,
      });
    } catch (error) {
      if (!(error instanceof AppError) || !HOLD_LOST.has(error.code)) throw error;
      // Inventory's hold ran out before the commit: end ours too and return the money.
      await endHold(this.deps, r, "EXPIRED").catch((err) => {
        if (!(err instanceof TransitionRejected)) throw err;
      });
      await this.refund(r, paymentIntentId, "hold expired before the seats were committed");
      throw expired();
    }
    const now = this.deps.now();
    const to = advance(r, { status: "CONFIRMED", orderId, paymentIntentId, confirming: undefined }, now);
    const order: Order = {
      id: orderId,
      reservationId: r.id,
      eventId: r.eventId,
      userId: r.userId,
      seatIds: r.seatIds,
      totalAmount: r.totalAmount,
      currency: r.currency,
      paymentIntentId,
      createdAt: now,
    };
    try {
      await this.deps.store.transition({
        from: r,
        to,
        order,
        event: { type: "reservation.confirmed", reservation: to },
        tally: "ended",
      });
    } catch (error) {
      // A concurrent finisher of the same claim got there first: same order, same answer.
      const current = error instanceof TransitionRejected ? error.current : undefined;
      if (current?.status === "CONFIRMED" && current.orderId === orderId)
        return { orderId, reservation: current };
      throw error;
    }
    this.deps.metrics.transitioned("CONFIRMED");
    await disarm(this.deps, r.id);
    return { orderId, reservation: to };
  }

  private async refundIfPaid(
    r: Reservation,
    paymentIntentId: string,
    reason: string,
    approval: string,
    known?: PaymentInfo,
  ) {
    const payment = known ?? (await this.deps.payments.status(paymentIntentId, approval));
    if (payment?.status === "APPROVED" && payment.reservationId === r.id) {
      await this.refund(r, paymentIntentId, reason);
    }
  }

  private async refund(r: Reservation, paymentIntentId: string, reason: string) {
    this.deps.log.info("refunding payment", {
      reservation_id: r.id,
      payment_intent_id: paymentIntentId,
      reason,
    });
    await this.deps.payments.refund(paymentIntentId, reason, refundKey(r.id, paymentIntentId));
  }
}
