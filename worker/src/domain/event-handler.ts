import type { events } from "@tt/contracts";
import { RecentIds } from "@tt/kit";
import { type Buyers, type Payments, Refusal, type Reservations, type SaleOrders } from "./ports.ts";

/** What handling an event did; becomes the `outcome` label of worker_events_total. */
export type Outcome = "confirmed" | "refunded" | "declined" | "expired" | "counted" | "noop" | "ignored";

// Confirm answers that mean "this payment will never become an order here".
const NEVER_CONFIRMS = new Set(["PAYMENT_NOT_APPROVED", "RESERVATION_NOT_FOUND", "NOT_FOUND", "FORBIDDEN"]);
// Confirm answers that depend on the reservation's state: look before deciding.
const DEPENDS_ON_STATE = new Set(["RESERVATION_EXPIRED", "RESERVATION_ALREADY_CONFIRMED", "INVALID_STATE"]);

/** Retry: the reservation is still a live HOLD and another confirm may be finishing it. */
export class StillHeld extends Error {
  override readonly name = "StillHeld";
}

/**
 * Does what one event asks of the other services. Every branch is idempotent: it relies on
 * ReservationService's own idempotency (confirm twice → same order; cancel/expire of a closed
 * reservation changes nothing) and on refunds being idempotent by state, so a message delivered
 * twice has one effect. Throws to ask for a retry.
 */
export class EventHandler {
  constructor(
    private readonly reservations: Reservations,
    private readonly payments: Payments,
    private readonly now: () => number = Date.now,
    /** Told each outcome this worker makes; none by default (tests of other behaviour). */
    private readonly buyers: Buyers = { tell: async () => undefined },
    /**
     * Reservations this worker saw end (confirmed, or expired by its own call). Those states are
     * final, so the hold timer that fires for them later (every hold has one) is dropped without
     * asking: in the 5,000-buyer drop three timers in four found their reservation settled, each
     * an ExpireReservation call and a DynamoDB read for nothing. Another replica's are asked.
     */
    private readonly settled = new RecentIds(),
    /** Where confirmed orders are counted; none: `reservation.confirmed` is ignored. */
    private readonly orders?: SaleOrders,
  ) {}

  /** Handles one decoded envelope. */
  async handle(event: events.EventEnvelope): Promise<Outcome> {
    const { detail } = event;
    switch (detail.case) {
      // The timer, not the fact: reservation.expired is what expiring announces, and handling it
      // too would run every expiry twice.
      case "reservationHoldDue":
        return this.expire(detail.value);
      case "paymentApproved":
        return this.confirm(detail.value);
      case "paymentFailed":
        return this.declined(detail.value);
      // Counted from the fact, not from the confirm above: orders are also made by confirms the
      // worker did not run (the buyer's own, another replica's), and the fact is emitted once per
      // order (redelivered at least once, which the count absorbs).
      case "reservationConfirmed": {
        const { eventId, reservationId } = detail.value;
        if (!this.orders) return "ignored";
        return (await this.orders.count(eventId, reservationId)) ? "counted" : "noop";
      }
      default:
        return "ignored";
    }
  }

  private async expire({ reservationId, eventId }: events.ReservationHoldDue): Promise<Outcome> {
    if (this.settled.has(reservationId)) return "noop";
    try {
      if (!(await this.reservations.expire({ reservationId, eventId })).changed) return "noop";
      await this.buyers.tell({ reservationId, status: "EXPIRED" });
      return "expired";
    } catch (error) {
      if (error instanceof Refusal) return "noop";
      throw error;
    }
  }

  /**
   * payment.approved → confirm; a payment that cannot become an order is refunded (docs/spec.md,
   * "Reservations").
   */
  private async confirm(p: events.PaymentApproved): Promise<Outcome> {
    const ids = { reservationId: p.reservationId, userId: p.userId };
    try {
      const orderId = await this.reservations.confirm({
        ...ids,
        paymentIntentId: p.paymentIntentId,
        paymentApproval: p.approval,
      });
      this.settled.add(p.reservationId);
      await this.buyers.tell({ reservationId: p.reservationId, status: "CONFIRMED", orderId });
      return "confirmed";
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (DEPENDS_ON_STATE.has(error.code)) {
        const now = await this.reservations.get(ids);
        if (now.status === "CONFIRMED" && now.paymentIntentId === p.paymentIntentId) {
          this.settled.add(p.reservationId);
          return "noop";
        }
        // A live HOLD may still be confirmed (e.g. another confirm is finishing): try again later.
        // A HOLD past its time is lost to this payment even if its expiry has not run yet.
        if (now.status === "HOLD" && this.now() < now.holdExpiresAt) {
          throw new StillHeld(`reservation ${p.reservationId} is still held (${error.code})`);
        }
      } else if (!NEVER_CONFIRMS.has(error.code)) {
        throw error;
      }
      // Reservation refunds on most of these paths itself; refunding again is harmless, and
      // covers the paths where it cannot (unknown reservation, wrong amount).
      await this.payments.refund(p.paymentIntentId, `not confirmed: ${error.code}`);
      return "refunded";
    }
  }

  /**
   * payment.failed → the hold stands: the buyer may pay again with another card until the hold
   * runs out, and the expiry timer gives the seats back if they do not (docs/spec.md,
   * "Reservations"). Releasing here, as the worker once did, lost a buyer's seats to one typo.
   * The buyer is told only while the hold is still theirs to pay: a decline that arrives after
   * another payment confirmed it, or after it ended, changes nothing they could act on.
   */
  private async declined(p: events.PaymentFailed): Promise<Outcome> {
    if (this.settled.has(p.reservationId)) return "noop";
    try {
      const now = await this.reservations.get({ reservationId: p.reservationId, userId: p.userId });
      if (now.status !== "HOLD" || this.now() >= now.holdExpiresAt) return "noop";
      await this.buyers.tell({
        reservationId: p.reservationId,
        status: "DECLINED",
        paymentIntentId: p.paymentIntentId,
      });
      return "declined";
    } catch (error) {
      if (error instanceof Refusal) return "noop";
      throw error;
    }
  }
}
