import {
  AppError,
  checkDeadline,
  detached,
  fingerprint,
  type IdempotencyClaim,
  type IdempotencyRecord,
  SingleFlight,
} from "@tt/kit";
import { BuyerLimits } from "./buyer-limits.ts";
import { ConfirmFlow, type ConfirmResult } from "./confirm.ts";
import type { ReservationDeps, ReservationSettings } from "./deps.ts";
import { type Outcome, replayOf } from "./idempotency.ts";
import { claimIsLive, type Order, type Reservation, type ReservationPage } from "./model.ts";
import { type CreateGuards, IdempotencyTaken, ReservationTokenSpent, TransitionRejected } from "./ports.ts";
import { isPolicyRefusal, type TallyVerdict } from "./purchase-policy.ts";
import { endHold, releaseSeats } from "./transitions.ts";
import {
  type CreateInput,
  checkIdempotencyKey,
  requireId,
  requireOrderId,
  requireReservationId,
  validateCreate,
} from "./validation.ts";

/** Inputs of a confirm. */
export interface ConfirmInput {
  reservationId: string;
  userId: string;
  paymentIntentId: string;
  idempotencyKey: string;
}

/** Answer of an expire call: the reservation and whether this call changed it. */
export interface ExpireResult {
  reservation: Reservation;
  changed: boolean;
}

const MAX_RACE_RETRIES = 3;
// Pauses of 200, 400 and 800 ms: the compensation is done within the 2 s a ghost may live.
const COMPENSATION_ATTEMPTS = 4;
const notFound = () => new AppError("RESERVATION_NOT_FOUND", "No such reservation");
const tokenInvalid = () =>
  new AppError("RESERVATION_TOKEN_INVALID", "The reservation token is missing, expired, used, or not yours");

/** The reservation lifecycle: HOLD → CONFIRMED | CANCELLED | EXPIRED, orders and idempotency. */
export class Reservations {
  private readonly confirmFlow: ConfirmFlow;
  private readonly limits: BuyerLimits;
  private readonly creating = new SingleFlight<Outcome<Reservation>>();

  constructor(
    private readonly deps: ReservationDeps,
    readonly settings: ReservationSettings,
  ) {
    this.confirmFlow = new ConfirmFlow(deps, settings);
    this.limits = new BuyerLimits(deps, settings.defaultPolicy);
  }

  /**
   * Holds seats and stores a HOLD; once per idempotency key. The key costs nothing up front: its
   * record is written in the reservation's own transaction. A repeat is recognised when that
   * write finds the record, or when inventory says the seats are held by this very buyer — the
   * only two ways a repeat can fail — and then answered from the record.
   */
  async create(input: CreateInput): Promise<Outcome<Reservation>> {
    const req = validateCreate(input, this.settings.maxSeats);
    // The token is left out: a buyer retrying with a fresh token still sends the same request.
    const { idempotencyKey: key, reservationToken: _token, reservationTokenSuperseded: _old, ...body } = req;
    const claim: IdempotencyClaim = {
      scope: { userId: req.userId, key },
      fingerprint: fingerprint(["create", body]),
    };
    const { value, shared } = await this.creating.run(`${req.userId}\n${key}`, () =>
      this.createOnce(req, claim),
    );
    if (!shared) return value;
    this.deps.metrics.idempotencyHit("replayed");
    return { value: value.value, replayed: true };
  }

  private async createOnce(req: CreateInput, claim: IdempotencyClaim): Promise<Outcome<Reservation>> {
    const grant = this.deps.tokens(req.reservationToken);
    if (!grant || grant.userId !== req.userId || grant.eventId !== req.eventId) throw tokenInvalid();
    if (grant.exp * 1000 <= this.deps.now() || req.reservationTokenSuperseded) {
      // Too late for a new reservation (expired, or replaced by a newer enter), but a repeat of
      // the request that spent it gets its answer.
      return (await this.earlier(claim)) ?? Promise.reject(tokenInvalid());
    }
    let verdict: TallyVerdict;
    try {
      verdict = await this.limits.judge(req.eventId, req.userId, req.seatIds.length || req.quantity);
    } catch (error) {
      // A repeat of a hold that was made finds the buyer at the limit because of that very hold.
      if (isPolicyRefusal(error)) {
        const earlier = await this.earlier(claim);
        if (earlier) return earlier;
      }
      throw error;
    }
    try {
      const token = { jti: grant.jti, expiresAt: grant.exp * 1000 };
      return { value: await this.hold(req, claim, token, verdict), replayed: false };
    } catch (error) {
      const taken = error instanceof IdempotencyTaken;
      const ownSeats = error instanceof AppError && error.metadata.held_by_you === "true";
      if (taken || ownSeats) {
        const earlier = await this.earlier(claim, taken ? error.record : undefined);
        if (earlier) return earlier;
      }
      if (error instanceof ReservationTokenSpent) throw tokenInvalid();
      if (!taken) throw error;
      // Recorded, yet gone by the time it was read: the window just closed. Let the client retry.
      throw new AppError("IDEMPOTENCY_IN_PROGRESS", "This idempotency key is being reused; try again", {
        retryAfterSec: 1,
      });
    }
  }

  // The answer an earlier request under the same key left, if any (IDEMPOTENCY_CONFLICT when
  // that request was a different one).
  private async earlier(claim: IdempotencyClaim, known?: IdempotencyRecord) {
    const record = known ?? (await this.deps.idempotency.read(claim.scope));
    return replayOf<Reservation>(record, claim, this.deps.now(), this.deps.metrics);
  }

  private async hold(
    req: CreateInput,
    claim: IdempotencyClaim,
    token: NonNullable<CreateGuards["token"]>,
    verdict: TallyVerdict,
  ): Promise<Reservation> {
    const { deps } = this;
    // A caller that has already given up gets no hold (it would only have to be undone).
    checkDeadline("the hold");
    const now = deps.now();
    const id = deps.newReservationId();
    const holdExpiresAt = now + this.settings.holdMs;
    const release = (seatIds: string[]) => this.compensate(id, req.eventId, seatIds);
    let held: Awaited<ReturnType<typeof deps.inventory.hold>>;
    try {
      held = await deps.inventory.hold({ ...req, reservationId: id, holdExpiresAt });
    } catch (error) {
      // A timeout or an outage may hide a hold that did happen, or one still on its way: undo
      // it now rather than wait it out. Inventory's release fences the reservation, so a hold
      // that lands later is refused (see docs on ghost holds).
      const code = error instanceof AppError ? error.code : "INTERNAL";
      if (code === "UPSTREAM_TIMEOUT" || code === "UPSTREAM_UNAVAILABLE" || code === "INTERNAL") {
        await release(req.seatIds);
      }
      throw error;
    }
    const reservation: Reservation = {
      id,
      eventId: req.eventId,
      userId: req.userId,
      seatIds: held.seatIds,
      status: "HOLD",
      holdExpiresAt,
      totalAmount: held.totalAmount,
      currency: held.currency,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    try {
      await this.limits.record(
        reservation,
        { idempotency: { claim, result: JSON.stringify(reservation) }, token },
        verdict,
      );
    } catch (error) {
      await release(held.seatIds);
      throw error;
    }
    deps.metrics.transitioned("HOLD");
    await deps.timer
      .schedule({ reservationId: id, eventId: req.eventId, holdExpiresAt })
      .catch((err) =>
        deps.log.warn("expiry timer not armed; the sweeper covers it", { reservation_id: id, err }),
      );
    return reservation;
  }

  // Gives back what a failed create may hold. It runs outside the caller's budget (the caller
  // has often given up already). The first try is awaited, so that a buyer's immediate retry
  // does not meet its own seats; if it fails, later tries go on in the background for a couple
  // of seconds, because a seat HELD by a reservation that does not exist stays locked until its
  // hold lapses.
  private async compensate(reservationId: string, eventId: string, seatIds: string[]) {
    const { deps } = this;
    const attempt = () =>
      detached(() => deps.inventory.release({ reservationId, eventId, seatIds, reason: "COMPENSATION" }));
    const retry = async (lastError: unknown) => {
      for (let n = 1; n < COMPENSATION_ATTEMPTS; n++) {
        await Bun.sleep(200 * 2 ** (n - 1));
        try {
          return await attempt();
        } catch (err) {
          lastError = err;
        }
      }
      deps.log.warn("compensating release failed; inventory frees the seats at the hold time", {
        reservation_id: reservationId,
        err: lastError,
      });
    };
    await attempt().catch((err) => void retry(err));
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
      throw new AppError("VALIDATION_FAILED", "page_size: must be from 1 to 100", {
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
    if (!order || order.userId !== userId) throw new AppError("NOT_FOUND", "No such order");
    return order;
  }

  /**
   * Turns a paid HOLD into an order; the same payment again returns the same order. Confirm is
   * idempotent by nature — the reservation's own state is its record — so its key needs no claim
   * of its own: a repeat finds the reservation CONFIRMED with this payment and is a replay.
   */
  async confirm(input: ConfirmInput): Promise<Outcome<ConfirmResult>> {
    requireReservationId(input.reservationId);
    requireId("user_id", input.userId);
    requireId("payment_intent_id", input.paymentIntentId);
    checkIdempotencyKey(input.idempotencyKey, false);
    let replayed = false;
    const value = await this.retryRaces(async () => {
      const r = await this.get(input.reservationId, input.userId);
      replayed = r.status === "CONFIRMED" && r.paymentIntentId === input.paymentIntentId;
      return this.confirmFlow.confirm(r, input.paymentIntentId);
    });
    if (replayed) this.deps.metrics.idempotencyHit("replayed");
    return { value, replayed };
  }

  /** The owner gives a HOLD back; cancelling twice is harmless. */
  async cancel(reservationId: string, userId: string): Promise<Reservation> {
    return this.retryRaces(async () => {
      const r = await this.get(reservationId, userId);
      const now = this.deps.now();
      if (r.status === "CANCELLED") {
        // A repeat may be finishing a cancel whose release failed: releasing twice is harmless.
        await releaseSeats(this.deps, r, "CANCELLED");
        return r;
      }
      if (r.status === "CONFIRMED") {
        throw new AppError("RESERVATION_ALREADY_CONFIRMED", "A confirmed reservation cannot be cancelled");
      }
      if (r.status === "EXPIRED") throw new AppError("RESERVATION_EXPIRED", "The hold has already run out");
      if (r.confirming) throw new AppError("INVALID_STATE", "The payment for this hold is being confirmed");
      if (now >= r.holdExpiresAt) {
        await this.expire(r.id);
        throw new AppError("RESERVATION_EXPIRED", "The hold has already run out");
      }
      return endHold(this.deps, r, "CANCELLED");
    });
  }

  /** Expires a HOLD whose time has passed (timer, worker, sweeper); no effect on any other state. */
  async expire(reservationId: string): Promise<ExpireResult> {
    requireReservationId(reservationId);
    return this.retryRaces(async () => {
      const r = await this.deps.store.get(reservationId);
      if (!r) throw notFound();
      const now = this.deps.now();
      // A repeat may be finishing an expiry whose release failed: releasing twice is harmless.
      if (r.status === "EXPIRED") await releaseSeats(this.deps, r, "EXPIRED");
      if (r.status !== "HOLD") return { reservation: r, changed: false };
      if (now < r.holdExpiresAt) {
        // Early (an SQS timer caps its delay at 15 minutes): arm again for the rest.
        await this.deps.timer.schedule({
          reservationId: r.id,
          eventId: r.eventId,
          holdExpiresAt: r.holdExpiresAt,
        });
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

  /** Expires HOLDs overdue by more than the grace period (covers lost timers); returns how many changed. */
  async sweep(limit = 100): Promise<number> {
    const overdue = await this.deps.store.findOverdueHolds(
      this.deps.now() - this.settings.sweepGraceMs,
      limit,
    );
    let changed = 0;
    for (const id of overdue) {
      try {
        if ((await this.expire(id)).changed) changed += 1;
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
            throw new AppError("INVALID_STATE", "The reservation is changing; try again", { cause: error });
          }
          throw error;
        }
      }
    }
  }
}
