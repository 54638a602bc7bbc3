import {
  AppError,
  checkDeadline,
  detached,
  fingerprint,
  type IdempotencyClaim,
  type IdempotencyRecord,
  isRetryable,
  isUpstreamDown,
  type Recent,
  type RecentIds,
  remainingMs,
  retryingAgain,
  SingleFlight,
} from "@tt/kit";
import type { BuyerLimits } from "./buyer-limits.ts";
import type { ReservationDeps, ReservationSettings } from "./deps.ts";
import { ReservationError } from "./errors.ts";
import { type Outcome, replayOf } from "./idempotency.ts";
import type { Reservation } from "./model.ts";
import { CreateAbandoned, type CreateGuards, IdempotencyTaken, ReservationTokenSpent } from "./ports.ts";
import { isPolicyRefusal, type TallyVerdict } from "./purchase-policy.ts";
import { giveUp } from "./transitions.ts";
import { type CreateInput, validateCreate } from "./validation.ts";

// After a failed first try: pauses of 0.1–0.2 s doubling to 0.5–1 s. Three more tries for a slow
// or overloaded inventory (all within the 2 s a ghost may live; more would add to what is already
// struggling, and the seat-map rebuild frees whatever is left once the hold has lapsed), but any
// number while it is away — refused, or the breaker open, which answers here at no cost to it —
// until the hold would lapse anyway, so seats are freed within a second of its return.
const COMPENSATION_BACKOFF = { baseMs: 200, maxMs: 1_000, jitter: 0.5 };
const COMPENSATION_SLOW_RETRIES = 3;
// The hold timer looks first at the create's own deadline (CREATE_BUDGET_MS on when its caller
// set none): by then its caller has had an answer, so a look that finds no reservation gives
// the hold up (see expire), and a create still on its way fails rather than land behind it.
const CREATE_BUDGET_MS = 2_000;

/** The refusal of a reservation token that is missing, expired, spent or someone else's. */
export const tokenInvalid = () =>
  new ReservationError(
    "RESERVATION_TOKEN_INVALID",
    "The reservation token is missing, expired, used, or not yours",
  );

/**
 * Create: reservation token and purchase policy checked → the hold timer armed while seats are
 * held in inventory → HOLD, idempotency record and buyer tally written in one transaction. A
 * failure after the hold gives the seats back (compensation); a repeat under the same key gets
 * the first answer.
 */
export class CreateFlow {
  private readonly creating = new SingleFlight<Outcome<Reservation>>();

  constructor(
    private readonly deps: ReservationDeps,
    private readonly settings: ReservationSettings,
    private readonly limits: BuyerLimits,
    /** Where the ids of holds inventory refused are noted, so their timers cost nothing. */
    private readonly refused: RecentIds,
    /** Where the HOLDs stored here are kept for their timer's first look and their confirm (no read). */
    private readonly stored: Recent<Reservation>,
  ) {}

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
      verdict = await this.limits.judgeNewHold(req.eventId, req.userId, req.seatIds.length || req.quantity);
    } catch (error) {
      // A repeat of a hold that was made finds the buyer at the limit because of that very hold.
      if (isPolicyRefusal(error)) {
        const earlier = await this.earlier(claim);
        if (earlier) return earlier;
      }
      throw error;
    }
    const token = { jti: grant.jti, expiresAt: grant.exp * 1000 };
    for (let tries = 1; ; tries++) {
      try {
        return { value: await this.hold(req, claim, token, verdict), replayed: false };
      } catch (error) {
        const taken = error instanceof IdempotencyTaken;
        const ownSeats = error instanceof AppError && error.metadata.held_by_you === "true";
        if (taken || ownSeats) {
          const earlier = await this.earlier(claim, taken ? error.record : undefined);
          if (earlier) return earlier;
        }
        if (ownSeats && tries === 1 && (await this.freeOwnAttempts(req.eventId, error))) continue;
        throw this.refusal(error);
      }
    }
  }

  // What a hold that failed, with no earlier answer to give, tells the caller.
  private refusal(error: unknown): unknown {
    if (error instanceof ReservationTokenSpent) return tokenInvalid();
    if (!(error instanceof IdempotencyTaken)) return error;
    // Recorded, yet gone by the time it was read: the window just closed. Let the client retry.
    return new ReservationError(
      "IDEMPOTENCY_IN_PROGRESS",
      "This idempotency key is being reused; try again",
      {
        retryAfterSec: 1,
      },
    );
  }

  /**
   * Frees seats this buyer holds under ids no reservation is stored under: its own earlier
   * attempts that died or were given up between their hold and their write (a killed process, a
   * create past its deadline), whose timer has not looked yet. A retry must not lose to them:
   * each is given up now, as that look would (marked, so a write still on its way fails; then
   * released), and the hold is tried once more. True when every one was; a live reservation of
   * the buyer holding them keeps the refusal.
   */
  private async freeOwnAttempts(eventId: string, refusal: AppError): Promise<boolean> {
    const ids = (refusal.metadata.your_holds ?? "").split(",").filter(Boolean);
    if (ids.length === 0) return false;
    for (const id of ids) if (await giveUp(this.deps, id, eventId)) return false;
    this.deps.log.info("gave up the buyer's own unstored holds so its new request can have the seats", {
      reservation_ids: ids.join(","),
    });
    return true;
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
    const ask = { ...req, reservationId: id, holdExpiresAt };
    // A lost race arms no timer: inventory first gives the refusals that are certain (a seat the
    // store shows taken, or one a hold in flight has just taken) and holds nothing. Most of a
    // crowd's attempts are refused (84 % in a 50/s drop), and each used to cost a queue message,
    // a worker's call and a look. Only a hold that might win goes on to arm its timer.
    if (req.seatIds.length > 0) {
      await deps.inventory.precheck(ask);
      checkDeadline("the hold");
    }
    const release = (seatIds: string[]) => this.compensate(id, req.eventId, seatIds);
    // The timer is armed as inventory is asked, before anything can be held, to look first at
    // the create's deadline: a process killed at any later moment (the hold in flight, or landed
    // and the HOLD not yet stored) leaves a timer, and a look that finds no reservation marks the
    // id abandoned and frees whatever it holds by the time the buyer's request has run out. A
    // look that finds the HOLD arms the timer again for the hold time.
    // Armed after the hold, a chaos drop saw such seats HELD by nobody for up to 30 s past their
    // time; armed for the hold time, for up to a minute. The look of a hold refused past the
    // precheck (its transaction lost) is answered from `refused` (expire).
    const firstLook = now + (remainingMs(now) ?? CREATE_BUDGET_MS);
    const armed = deps.timer
      .schedule(
        { reservationId: id, eventId: req.eventId, holdExpiresAt },
        Math.min(firstLook, holdExpiresAt),
      )
      .catch((err) =>
        deps.log.warn("expiry timer not armed; the sweeper covers it", { reservation_id: id, err }),
      );
    let held: Awaited<ReturnType<typeof deps.inventory.hold>>;
    try {
      held = await deps.inventory.hold(ask);
    } catch (error) {
      // A timeout or an outage may hide a hold that did happen, or one still on its way: undo
      // it now rather than wait it out. Inventory's release fences the reservation, so a hold
      // that lands later is refused (see docs on ghost holds).
      const code = error instanceof AppError ? error.code : "INTERNAL";
      if (code === "UPSTREAM_TIMEOUT" || code === "UPSTREAM_UNAVAILABLE" || code === "INTERNAL") {
        await release(req.seatIds);
      } else if (!isRetryable(error)) {
        // Inventory's own answer (seats taken, a limit): it held nothing for this id.
        this.refused.add(id);
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
      if (!(error instanceof CreateAbandoned)) throw error;
      deps.log.warn("a create landed after its timer gave the hold up", { reservation_id: id });
      throw new ReservationError("UPSTREAM_TIMEOUT", "The hold took too long and was given up; try again");
    }
    this.stored.set(id, reservation);
    deps.metrics.transitioned("HOLD");
    await armed;
    return reservation;
  }

  // Gives back what a failed create may hold. It runs outside the caller's budget (the caller
  // has often given up already). The first try is awaited, so that a buyer's immediate retry
  // does not meet its own seats; later tries go on in the background (see COMPENSATION_BACKOFF):
  // a seat HELD by a reservation that does not exist stays HELD until someone frees it.
  private async compensate(reservationId: string, eventId: string, seatIds: string[]) {
    const { deps } = this;
    const attempt = () =>
      detached(() => deps.inventory.release({ reservationId, eventId, seatIds, reason: "COMPENSATION" }));
    const until = Date.now() + this.settings.holdMs;
    let slowRetries = 0;
    const worthAnother = (error: unknown) =>
      isUpstreamDown(error) || (isRetryable(error) && slowRetries++ < COMPENSATION_SLOW_RETRIES);
    const giveUp = (err: unknown) =>
      deps.log.warn("compensating release failed; inventory frees the seats past the hold time", {
        reservation_id: reservationId,
        err,
      });
    await attempt().catch((first: unknown) => {
      if (!worthAnother(first)) return giveUp(first);
      void retryingAgain(attempt, {
        retries: Number.POSITIVE_INFINITY,
        backoff: COMPENSATION_BACKOFF,
        retryable: worthAnother,
        leftMs: () => until - Date.now(),
      }).catch(giveUp);
    });
  }
}
