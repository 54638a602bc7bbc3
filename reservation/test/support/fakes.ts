// In-memory fakes of the domain's narrow interfaces, for the domain unit tests.
import {
  AppError,
  createLogger,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotencyScope,
  judge,
  newJti,
  readReservationToken,
  signReservationToken,
} from "@tt/kit";
import type { ReservationDeps } from "../../src/domain/deps.ts";
import type { Order, OutboxEvent, Reservation, ReservationPage } from "../../src/domain/model.ts";
import {
  CreateAbandoned,
  type CreateGuards,
  type ExpiryTimer,
  type HoldRef,
  type HoldRequest,
  type IdempotencyStore,
  IdempotencyTaken,
  type InventoryGateway,
  type PaymentGateway,
  type PaymentInfo,
  type PolicyReader,
  type ReservationStore,
  ReservationTokenSpent,
  TallyChanged,
  type Transition,
  TransitionRejected,
} from "../../src/domain/ports.ts";
import { type BuyerTally, EMPTY_TALLY, type PolicyOverrides } from "../../src/domain/purchase-policy.ts";

/** The secret the domain tests sign reservation tokens with. */
export const TEST_TOKEN_SECRET = "reservation-test-token-secret";

/** A reservation token for `userId` and `eventId`, valid `ttlMs` from `nowMs`. */
export function testToken(userId: string, eventId: string, nowMs: number, ttlMs = 30_000): string {
  const grant = { userId, eventId, jti: newJti(), exp: Math.floor((nowMs + ttlMs) / 1000) };
  return signReservationToken(grant, TEST_TOKEN_SECRET);
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

/** ReservationStore in memory, enforcing the same conditions as the DynamoDB one. */
export class MemoryStore implements ReservationStore {
  readonly reservations = new Map<string, Reservation>();
  readonly orders = new Map<string, Order>();
  readonly outbox: OutboxEvent[] = [];
  /** Reservations read by id. */
  reads = 0;
  failCreate = false;
  /** Fails the order-writing transition (a crash between commit and write). */
  failOrderWrite = false;

  constructor(private readonly idempotency = new MemoryIdempotency()) {}

  readonly spentTokens = new Set<string>();
  /** Buyers' tallies by `event#user`. */
  readonly tallies = new Map<string, BuyerTally>();

  async tally(eventId: string, userId: string): Promise<BuyerTally> {
    return structuredClone(this.tallies.get(`${eventId}#${userId}`) ?? EMPTY_TALLY);
  }

  async create(r: Reservation, event: OutboxEvent, guards: CreateGuards = {}) {
    if (this.failCreate) throw new AppError("UPSTREAM_UNAVAILABLE", "injected store failure");
    if (this.abandoned.has(r.id)) throw new CreateAbandoned();
    const { idempotency, token, tally } = guards;
    if (idempotency) this.idempotency.check(idempotency.claim, r.createdAt);
    if (token && this.spentTokens.has(token.jti)) throw new ReservationTokenSpent();
    // Read and written without a pause in between, as one transaction.
    const current = this.tallies.get(`${r.eventId}#${r.userId}`) ?? EMPTY_TALLY;
    if (tally && current.version !== tally.read.version) throw new TallyChanged(structuredClone(current));
    if (idempotency) this.idempotency.record(idempotency.claim, idempotency.result, r.createdAt);
    if (token) this.spentTokens.add(token.jti);
    if (tally) {
      const holds = current.holds.filter((h) => !tally.prune.includes(h.reservationId));
      holds.push({
        reservationId: r.id,
        seats: r.seatIds.length,
        holdExpiresAt: r.holdExpiresAt,
        confirming: false,
      });
      this.tallies.set(`${r.eventId}#${r.userId}`, { ...current, version: current.version + 1, holds });
    }
    this.reservations.set(r.id, structuredClone(r));
    this.outbox.push(structuredClone(event));
  }

  // The tally's side of a transition, as buyer-tally-items.ts writes it.
  private stepTally(t: Transition) {
    if (!t.tally) return;
    const r = t.to;
    const cur = this.tallies.get(`${r.eventId}#${r.userId}`) ?? EMPTY_TALLY;
    const holds = cur.holds.filter((h) => h.reservationId !== r.id);
    if (t.tally === "confirming") {
      holds.push({
        reservationId: r.id,
        seats: r.seatIds.length,
        holdExpiresAt: r.holdExpiresAt,
        confirming: true,
      });
    }
    const bought = cur.bought + (t.tally === "ended" && r.status === "CONFIRMED" ? r.seatIds.length : 0);
    this.tallies.set(`${r.eventId}#${r.userId}`, { version: cur.version + 1, bought, holds });
  }

  async transition(t: Transition) {
    if (t.order && this.failOrderWrite) throw new AppError("UPSTREAM_UNAVAILABLE", "injected store failure");
    const cur = this.reservations.get(t.from.id);
    const ok =
      cur?.version === t.from.version &&
      cur.status === t.from.status &&
      (t.holdLiveAt === undefined || cur.holdExpiresAt > t.holdLiveAt) &&
      (t.holdPassedAt === undefined || cur.holdExpiresAt <= t.holdPassedAt) &&
      (!t.order || !this.orders.has(t.order.id));
    if (!ok) throw new TransitionRejected(cur && structuredClone(cur));
    this.reservations.set(t.to.id, structuredClone(t.to));
    this.stepTally(t);
    if (t.order) this.orders.set(t.order.id, structuredClone(t.order));
    if (t.event) this.outbox.push(structuredClone(t.event));
  }

  async get(id: string) {
    this.reads += 1;
    const r = this.reservations.get(id);
    return r && structuredClone(r);
  }

  /** Ids marked abandoned. */
  readonly abandoned = new Set<string>();

  async abandon(id: string) {
    const r = this.reservations.get(id);
    if (r) return structuredClone(r);
    this.abandoned.add(id);
    return undefined;
  }

  async listByUser(userId: string, limit: number): Promise<ReservationPage> {
    const mine = [...this.reservations.values()].filter((r) => r.userId === userId);
    return { items: mine.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit) };
  }

  async getOrder(id: string) {
    return this.orders.get(id);
  }

  async findOverdueHolds(before: number, limit: number) {
    return [...this.reservations.values()]
      .filter((r) => r.status === "HOLD" && r.holdExpiresAt < before)
      .slice(0, limit)
      .map((r) => r.id);
  }

  eventTypes(reservationId: string): string[] {
    return this.outbox.filter((e) => e.reservation.id === reservationId).map((e) => e.type);
  }
}

/** Idempotency records in memory, with the durable record's window rule. */
export class MemoryIdempotency implements IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();

  async read(scope: IdempotencyScope) {
    return this.records.get(`${scope.userId}#${scope.key}`);
  }

  /** What MemoryStore.create's "transaction" refuses: a key already recorded in its window. */
  check(claim: IdempotencyClaim, now: number) {
    const old = this.records.get(`${claim.scope.userId}#${claim.scope.key}`);
    if (judge(old, claim.fingerprint, now).kind !== "fresh") throw new IdempotencyTaken(old);
  }

  record(claim: IdempotencyClaim, result: string, now: number) {
    this.records.set(`${claim.scope.userId}#${claim.scope.key}`, {
      fingerprint: claim.fingerprint,
      result,
      createdAt: now,
    });
  }
}

/** Seats as a fake inventory keeps them; a hold past its time counts as free (lazy expiry). */
export class FakeInventory implements InventoryGateway {
  readonly seats = new Map<string, { reservationId: string; userId: string; until: number; sold: boolean }>();
  readonly releases: Array<{ reservationId: string; reason: string }> = [];
  failRelease = false;
  /** What a failing release answers: an inventory away by default, or a slow one. */
  releaseFailure: "UPSTREAM_UNAVAILABLE" | "UPSTREAM_TIMEOUT" = "UPSTREAM_UNAVAILABLE";
  releaseCalls = 0;
  /** Commits asked for, answered or not. */
  commitCalls = 0;
  /** While set, commits wait for it (a slow commit, for a second caller to meet). */
  commitHeld: Promise<void> | undefined;
  failCommitWith: AppError | undefined;
  constructor(
    private readonly clock: TestClock,
    readonly price = 50_000,
  ) {}

  holderOf(seatId: string): string | undefined {
    const s = this.seats.get(seatId);
    return s && (s.sold || s.until > this.clock.ms) ? s.reservationId : undefined;
  }

  async precheck(req: HoldRequest) {
    this.refuseTaken(req, req.seatIds);
  }

  async hold(req: HoldRequest) {
    const ids = req.seatIds.length > 0 ? req.seatIds : [`Q-${req.reservationId}`];
    this.refuseTaken(req, ids);
    for (const id of ids)
      this.seats.set(id, {
        reservationId: req.reservationId,
        userId: req.userId,
        until: req.holdExpiresAt,
        sold: false,
      });
    return { seatIds: ids, totalAmount: this.price * ids.length, currency: "KRW" };
  }

  private refuseTaken(req: HoldRequest, ids: string[]) {
    for (const id of ids) {
      const holder = this.holderOf(id);
      if (holder && holder !== req.reservationId) {
        const seat = this.seats.get(id);
        const yours = seat?.userId === req.userId;
        // As inventory answers: the buyer's own seats, and the holds of theirs holding them.
        throw new AppError("SEAT_UNAVAILABLE", `${id} is taken`, {
          metadata: yours ? { held_by_you: "true", ...(seat?.sold ? {} : { your_holds: holder }) } : {},
        });
      }
    }
  }

  async commit(req: Parameters<InventoryGateway["commit"]>[0]) {
    this.commitCalls += 1;
    await this.commitHeld;
    if (this.failCommitWith) throw this.failCommitWith;
    for (const id of req.seatIds) {
      const s = this.seats.get(id);
      if (!s || s.reservationId !== req.reservationId)
        throw new AppError("SEAT_UNAVAILABLE", `${id} is not held`);
      if (!s.sold && s.until <= this.clock.ms) throw new AppError("RESERVATION_EXPIRED", "hold expired");
      s.sold = true;
    }
  }

  async release(req: Parameters<InventoryGateway["release"]>[0]) {
    this.releaseCalls += 1;
    if (this.failRelease) throw new AppError(this.releaseFailure, "injected release failure");
    this.releases.push({ reservationId: req.reservationId, reason: req.reason });
    const freed: string[] = [];
    for (const [id, s] of this.seats) {
      if (s.reservationId === req.reservationId && !s.sold) {
        this.seats.delete(id);
        freed.push(id);
      }
    }
    return freed;
  }
}

/** Payment intents and refunds in memory. */
export class FakePayments implements PaymentGateway {
  readonly intents = new Map<string, PaymentInfo>();
  readonly refunds: Array<{ paymentIntentId: string; key: string }> = [];

  approve(id: string, reservationId: string, amount: number) {
    this.intents.set(id, { status: "APPROVED", reservationId, amount, currency: "KRW" });
  }

  async status(id: string) {
    return this.intents.get(id);
  }

  async refund(id: string, _reason: string, key: string) {
    this.refunds.push({ paymentIntentId: id, key });
    const intent = this.intents.get(id);
    if (intent) intent.status = "REFUNDED";
  }
}

/** Records timer calls. */
export class FakeTimer implements ExpiryTimer {
  readonly scheduled: HoldRef[] = [];
  /** When each scheduled timer is due, in the same order. */
  readonly dueAt: number[] = [];
  readonly cancelled: string[] = [];
  async schedule(hold: HoldRef, at = hold.holdExpiresAt) {
    this.scheduled.push(hold);
    this.dueAt.push(at);
  }
  async cancel(id: string) {
    this.cancelled.push(id);
  }
}

/** Each event's purchase policy, set by the test. */
export class FakePolicies implements PolicyReader {
  readonly byEvent = new Map<string, PolicyOverrides>();
  async overrides(eventId: string) {
    return this.byEvent.get(eventId) ?? {};
  }
}

/** A full set of fakes wired as ReservationDeps. */
export function fakeDeps() {
  const clock = new TestClock();
  const idempotency = new MemoryIdempotency();
  const store = new MemoryStore(idempotency);
  const inventory = new FakeInventory(clock);
  const payments = new FakePayments();
  const timer = new FakeTimer();
  const policies = new FakePolicies();
  const statuses: string[] = [];
  const hits: string[] = [];
  let n = 0;
  const deps: ReservationDeps = {
    store,
    idempotency,
    tokens: (token) => readReservationToken(token, TEST_TOKEN_SECRET),
    inventory,
    policies,
    payments,
    timer,
    metrics: {
      transitioned: (s) => statuses.push(s),
      idempotencyHit: (o) => hits.push(o),
    },
    log: createLogger("reservation-test", "error", () => undefined),
    now: clock.now,
    newReservationId: () => `rsv_${(++n).toString(16).padStart(32, "0")}`,
  };
  return { deps, clock, store, idempotency, inventory, policies, payments, timer, statuses, hits };
}
