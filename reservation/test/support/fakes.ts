// In-memory fakes of the domain's narrow interfaces, for the domain unit tests.
import { AppError, createLogger } from "@tt/kit";
import type { ReservationDeps } from "../../src/domain/deps.ts";
import type { Order, OutboxEvent, Reservation, ReservationPage } from "../../src/domain/model.ts";
import {
  type ExpiryTimer,
  type HoldRef,
  type IdempotencyClaim,
  type IdempotencyScope,
  type IdempotencyStore,
  type InventoryGateway,
  type PaymentGateway,
  type PaymentInfo,
  type ReservationStore,
  type Transition,
  TransitionRejected,
} from "../../src/domain/ports.ts";

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
  failCreate = false;
  /** Fails the order-writing transition (a crash between commit and write). */
  failOrderWrite = false;

  async create(r: Reservation, event: OutboxEvent) {
    if (this.failCreate) throw new AppError("UPSTREAM_UNAVAILABLE", "injected store failure");
    this.reservations.set(r.id, structuredClone(r));
    this.outbox.push(structuredClone(event));
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
    if (t.order) this.orders.set(t.order.id, structuredClone(t.order));
    if (t.event) this.outbox.push(structuredClone(t.event));
  }

  async get(id: string) {
    const r = this.reservations.get(id);
    return r && structuredClone(r);
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

/** IdempotencyStore in memory with the DynamoDB store's window and lease rules. */
export class MemoryIdempotency implements IdempotencyStore {
  readonly records = new Map<
    string,
    { hash: string; token: string; createdAt: number; leaseUntil: number; response?: string }
  >();
  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly leaseMs = 30_000,
  ) {}

  async begin(scope: IdempotencyScope, hash: string, now: number): Promise<IdempotencyClaim> {
    const id = `${scope.userId}#${scope.key}`;
    const old = this.records.get(id);
    const abandoned = old && old.response === undefined && old.leaseUntil < now && old.hash === hash;
    if (!old || old.createdAt < now - this.windowMs || abandoned) {
      const token = crypto.randomUUID();
      this.records.set(id, { hash, token, createdAt: now, leaseUntil: now + this.leaseMs });
      return { kind: "started", token };
    }
    if (old.hash !== hash) return { kind: "conflict" };
    return old.response !== undefined ? { kind: "replay", response: old.response } : { kind: "in_progress" };
  }

  async complete(scope: IdempotencyScope, token: string, response: string) {
    const rec = this.records.get(`${scope.userId}#${scope.key}`);
    if (rec?.token === token) rec.response = response;
  }

  async release(scope: IdempotencyScope, token: string) {
    const id = `${scope.userId}#${scope.key}`;
    if (this.records.get(id)?.token === token) this.records.delete(id);
  }
}

/** Seats as a fake inventory keeps them; a hold past its time counts as free (lazy expiry). */
export class FakeInventory implements InventoryGateway {
  readonly seats = new Map<string, { reservationId: string; until: number; sold: boolean }>();
  readonly releases: Array<{ reservationId: string; reason: string }> = [];
  failRelease = false;
  failCommitWith: AppError | undefined;
  constructor(
    private readonly clock: TestClock,
    readonly price = 50_000,
  ) {}

  holderOf(seatId: string): string | undefined {
    const s = this.seats.get(seatId);
    return s && (s.sold || s.until > this.clock.ms) ? s.reservationId : undefined;
  }

  async hold(req: Parameters<InventoryGateway["hold"]>[0]) {
    const ids = req.seatIds.length > 0 ? req.seatIds : [`Q-${req.reservationId}`];
    for (const id of ids) {
      const holder = this.holderOf(id);
      if (holder && holder !== req.reservationId) throw new AppError("SEAT_UNAVAILABLE", `${id} is taken`);
    }
    for (const id of ids)
      this.seats.set(id, { reservationId: req.reservationId, until: req.holdExpiresAt, sold: false });
    return { seatIds: ids, totalAmount: this.price * ids.length, currency: "KRW" };
  }

  async commit(req: Parameters<InventoryGateway["commit"]>[0]) {
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
    if (this.failRelease) throw new AppError("UPSTREAM_UNAVAILABLE", "injected release failure");
    this.releases.push({ reservationId: req.reservationId, reason: req.reason });
    for (const [id, s] of this.seats) {
      if (s.reservationId === req.reservationId && !s.sold) this.seats.delete(id);
    }
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
  readonly cancelled: string[] = [];
  async schedule(hold: HoldRef) {
    this.scheduled.push(hold);
  }
  async cancel(id: string) {
    this.cancelled.push(id);
  }
}

/** A full set of fakes wired as ReservationDeps. */
export function fakeDeps() {
  const clock = new TestClock();
  const store = new MemoryStore();
  const idempotency = new MemoryIdempotency();
  const inventory = new FakeInventory(clock);
  const payments = new FakePayments();
  const timer = new FakeTimer();
  const statuses: string[] = [];
  const hits: string[] = [];
  let n = 0;
  const deps: ReservationDeps = {
    store,
    idempotency,
    inventory,
    payments,
    timer,
    metrics: { transitioned: (s) => statuses.push(s), idempotencyHit: (o) => hits.push(o) },
    log: createLogger("reservation-test", "error", () => undefined),
    now: clock.now,
    newReservationId: () => `rsv_${(++n).toString(16).padStart(32, "0")}`,
  };
  return { deps, clock, store, idempotency, inventory, payments, timer, statuses, hits };
}
