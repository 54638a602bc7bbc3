import { AppError, Recent, RecentIds, SingleFlight } from "@tt/kit";
import { BuyerLimits } from "./buyer-limits.ts";
import { ConfirmFlow, type ConfirmResult } from "./confirm.ts";
import { CreateFlow } from "./create.ts";
import type { ReservationDeps, ReservationSettings } from "./deps.ts";
import { ReservationError } from "./errors.ts";
import type { Outcome } from "./idempotency.ts";
import { claimIsLive, type Order, type Reservation, type ReservationPage } from "./model.ts";
import { TransitionRejected } from "./ports.ts";
import { endHold, giveUp, releaseSeats } from "./transitions.ts";
import {
  type CreateInput,
  checkIdempotencyKey,
  requireId,
  requireOrderId,
  requireReservationId,
} from "./validation.ts";

/** Inputs of a confirm. */
export interface ConfirmInput {
  reservationId: string;
  userId: string;
  paymentIntentId: string;
  idempotencyKey: string;
  /** Payment's signed approval, when the caller has one (the worker, from payment.approved). */
  paymentApproval?: string;
}

/** Answer of an expire call: the reservation and whether this call changed it. */
export interface ExpireResult {
  reservation: Reservation;
  changed: boolean;
}

const MAX_RACE_RETRIES = 3;
const notFound = () => new ReservationError("RESERVATION_NOT_FOUND", "No such reservation");

/** The reservation lifecycle: HOLD → CONFIRMED | CANCELLED | EXPIRED, orders and idempotency. */
export class Reservations {
  private readonly confirmFlow: ConfirmFlow;
  private readonly createFlow: CreateFlow;
  /** Ids whose hold inventory refused here: no reservation is ever stored under them. */
  private readonly refused = new RecentIds();
  /**
   * HOLDs stored here, as stored, until they end here or their time is up (see CreateFlow). The
   * timer's first look and the confirm start from them without a read. A copy another replica
   * has since changed is harmless: nothing is written from it but a transition conditional on
   * its version, which is then refused and retried on a fresh read. The bound caps memory:
   * 10,000 reservations, a few MB.
   */
  private readonly stored = new Recent<Reservation>(10_000);
  /**
   * Confirms running here. The worker's confirm (on `payment.approved`) and the buyer's own often
   * arrive together; racing, both committed the seats and wrote the order (a 50/s drop: ~270
   * extra confirms, ~200 extra transactions). The later one now waits for the first's answer.
   */
  private readonly confirming = new SingleFlight<Outcome<ConfirmResult>>();

  constructor(
    private readonly deps: ReservationDeps,
    readonly settings: ReservationSettings,
  ) {
    this.confirmFlow = new ConfirmFlow(deps, settings);
    const limits = new BuyerLimits(deps, settings.defaultPolicy);
    this.createFlow = new CreateFlow(deps, settings, limits, this.refused, this.stored);
  }

  /**
   * Holds seats and stores a HOLD; once per idempotency key (see CreateFlow: the key costs
   * nothing up front, and a repeat is answered from the record the first request left).
   */
  create(input: CreateInput): Promise<Outcome<Reservation>> {
    return this.createFlow.create(input);
  }

  /** One reservation of its owner; anyone else is told it does not exist. */
  async get(reservationId: string, userId: string): Promise<Reservation> {
    requireReservationId(reservationId);
    requireId("user_id", userId);
    const r = await this.deps.store.get(reservationId);
    if (!r || r.userId !== userId) throw notFound();
    return r;
  }

  /** A user's reservations, newest first. */
  async listByUser(userId: string, pageSize: number, cursor?: string): Promise<ReservationPage> {
    requireId("user_id", userId);
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 100) {
      throw new ReservationError("VALIDATION_FAILED", "page_size: must be from 1 to 100", {
        metadata: { field: "page_size" },
      });
    }
    return this.deps.store.listByUser(userId, pageSize || 20, cursor || undefined);
  }

  /** One order of its owner. */
  async getOrder(orderId: string, userId: string): Promise<Order> {
    requireOrderId(orderId);
    requireId("user_id", userId);
    const order = await this.deps.store.getOrder(orderId);
    if (!order || order.userId !== userId) throw new ReservationError("NOT_FOUND", "No such order");
    return order;
  }

  /**
   * Turns a paid HOLD into an order; the same payment again returns the same order. Confirm is
   * idempotent by nature — the reservation's own state is its record — so its key needs no claim
   * of its own: a repeat finds the reservation CONFIRMED with this payment and is a replay, and
   * one that comes while the first still runs here shares its answer.
   */
  async confirm(input: ConfirmInput): Promise<Outcome<ConfirmResult>> {
    requireReservationId(input.reservationId);
    requireId("user_id", input.userId);
    requireId("payment_intent_id", input.paymentIntentId);
    checkIdempotencyKey(input.idempotencyKey, false);
    const key = `${input.reservationId}\n${input.paymentIntentId}\n${input.userId}`;
    const { value, shared } = await this.confirming.run(key, () => this.confirmOnce(input));
    if (!shared) return value;
    this.deps.metrics.idempotencyHit("replayed");
    return { value: value.value, replayed: true };
  }

  private async confirmOnce(input: ConfirmInput): Promise<Outcome<ConfirmResult>> {
    let replayed = false;
    let known = this.liveHold(this.stored.take(input.reservationId), input.userId);
    const value = await this.retryRaces(async () => {
      // The first try may start from the HOLD stored here (see `stored`); a retry reads.
      const r = known ?? (await this.get(input.reservationId, input.userId));
      known = undefined;
      replayed = r.status === "CONFIRMED" && r.paymentIntentId === input.paymentIntentId;
      return this.confirmFlow.confirm(r, input.paymentIntentId, input.paymentApproval);
    });
    if (replayed) this.deps.metrics.idempotencyHit("replayed");
    return { value, replayed };
  }

  /** The owner gives a HOLD back; cancelling twice is harmless. */
  async cancel(reservationId: string, userId: string): Promise<Reservation> {
    this.stored.delete(reservationId);
    return this.retryRaces(async () => {
      const r = await this.get(reservationId, userId);
      const now = this.deps.now();
      if (r.status === "CANCELLED") {
        // A repeat may be finishing a cancel whose release failed: releasing twice is harmless.
        await releaseSeats(this.deps, r, "CANCELLED");
        return r;
      }
      if (r.status === "CONFIRMED") {
        throw new ReservationError(
          "RESERVATION_ALREADY_CONFIRMED",
          "A confirmed reservation cannot be cancelled",
        );
      }
      if (r.status === "EXPIRED")
        throw new ReservationError("RESERVATION_EXPIRED", "The hold has already run out");
      if (r.confirming)
        throw new ReservationError("INVALID_STATE", "The payment for this hold is being confirmed");
      if (now >= r.holdExpiresAt) {
        await this.expire(r.id);
        throw new ReservationError("RESERVATION_EXPIRED", "The hold has already run out");
      }
      return endHold(this.deps, r, "CANCELLED");
    });
  }

  /**
   * Expires a HOLD whose time has passed (timer, worker, sweeper); no effect on any other state.
   * Before that time it arms the timer again for it: the timer looks first at the
   * create's deadline (see CreateFlow). Given the hold's event (its timer carries it), an id no
   * reservation is stored under is marked abandoned, so a create still on its way fails, and
   * whatever inventory holds for it is released: a create that died between the two, or was
   * given up, leaves no seat HELD by nobody.
   */
  async expire(reservationId: string, eventId = ""): Promise<ExpireResult> {
    requireReservationId(reservationId);
    // A lost race's timer, in the process that lost it: nothing to read, nothing to release.
    if (this.refused.has(reservationId)) throw notFound();
    // A HOLD stored here, at its first look: arming the timer for its hold time needs no read.
    const mine = this.stored.get(reservationId);
    if (mine && this.deps.now() < mine.holdExpiresAt) {
      await this.armForHoldTime(mine);
      return { reservation: mine, changed: false };
    }
    this.stored.delete(reservationId);
    return this.retryRaces(async () => {
      const r =
        (await this.deps.store.get(reservationId)) ??
        (eventId ? await giveUp(this.deps, reservationId, eventId) : undefined);
      if (!r) throw notFound();
      const now = this.deps.now();
      // A repeat may be finishing an expiry whose release failed: releasing twice is harmless.
      if (r.status === "EXPIRED") await releaseSeats(this.deps, r, "EXPIRED");
      if (r.status !== "HOLD") return { reservation: r, changed: false };
      if (now < r.holdExpiresAt) {
        // The first look, or early (an SQS timer caps its delay at 15 minutes): arm for the rest.
        await this.armForHoldTime(r);
        return { reservation: r, changed: false };
      }
      if (r.confirming) {
        if (claimIsLive(r, now)) return { reservation: r, changed: false };
        // Its confirmer died after the payment was verified: finish the sale instead of losing it.
        const done = await this.confirmFlow.finish(r).catch(async (error) => {
          if (error instanceof AppError && error.code === "RESERVATION_EXPIRED") return undefined;
          throw error;
        });
        return { reservation: done?.reservation ?? (await this.deps.store.get(r.id)) ?? r, changed: true };
      }
      return { reservation: await endHold(this.deps, r, "EXPIRED", { holdPassedAt: now }), changed: true };
    });
  }

  // A stored copy a confirm can start from: the buyer's own HOLD, not being confirmed, in time.
  // Anything else is read (the refund paths in particular never act on a copy).
  private liveHold(r: Reservation | undefined, userId: string): Reservation | undefined {
    if (!r || r.userId !== userId || r.status !== "HOLD" || r.confirming) return undefined;
    return this.deps.now() < r.holdExpiresAt ? r : undefined;
  }

  private armForHoldTime(r: Reservation): Promise<void> {
    return this.deps.timer.schedule({
      reservationId: r.id,
      eventId: r.eventId,
      holdExpiresAt: r.holdExpiresAt,
    });
  }

  /** Expires HOLDs overdue by more than the grace period (covers lost timers); returns how many changed. */
  async sweep(limit = 100): Promise<number> {
    const overdue = await this.deps.store.findOverdueHolds(
      this.deps.now() - this.settings.sweepGraceMs,
      limit,
    );
    let changed = 0;
    for (const id of overdue) {
      try {
        if (!(await this.expire(id)).changed) continue;
        changed += 1;
        // Each one is a timer that was lost or a worker far behind: worth an operator's look.
        this.deps.log.warn("the sweeper expired a hold its timer had not", { reservation_id: id });
      } catch (err) {
        this.deps.log.warn("sweeper could not expire a hold", { reservation_id: id, err });
      }
    }
    return changed;
  }

  // A write refused because someone else changed the reservation first is retried on a fresh
  // read; the state machine then decides what the new state allows.
  private async retryRaces<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof TransitionRejected) || attempt >= MAX_RACE_RETRIES) {
          if (error instanceof TransitionRejected) {
            throw new ReservationError("INVALID_STATE", "The reservation is changing; try again", {
              cause: error,
            });
          }
          throw error;
        }
      }
    }
  }
}
