import { beforeEach, describe, expect, test } from "bun:test";
import { AppError, withDeadline } from "@tt/kit";
import { DEFAULT_SETTINGS } from "../../src/domain/deps.ts";
import { Reservations } from "../../src/domain/reservations.ts";
import { codeOf, createFor, freshDomain, KEY } from "../support/domain.ts";
import { type fakeDeps, testToken } from "../support/fakes.ts";

// The reservation lifecycle over fakes: create, confirm, cancel, expire, sweep. What becomes of a
// hold whose create failed or was abandoned is in abandoned-holds.test.ts.
let f: ReturnType<typeof fakeDeps>;
let svc: Reservations;

const create = (over: Parameters<typeof createFor>[2] = {}) => createFor(svc, f.clock, over);

beforeEach(() => {
  ({ f, svc } = freshDomain());
});

describe("create", () => {
  test("holds the seats for 60 s, stores a HOLD, emits reservation.created and arms the timer", async () => {
    const { value: r } = await create();
    expect(r.status).toBe("HOLD");
    expect(r.holdExpiresAt).toBe(f.clock.ms + 60_000);
    expect(r.totalAmount).toBe(100_000);
    expect(f.inventory.holderOf("A-1-1")).toBe(r.id);
    expect(f.store.eventTypes(r.id)).toEqual(["reservation.created"]);
    expect(f.timer.scheduled).toEqual([
      { reservationId: r.id, eventId: "evt_1", holdExpiresAt: r.holdExpiresAt },
    ]);
    // Its first look comes at the create's deadline (2 s on, without one from the caller).
    expect(f.timer.dueAt).toEqual([f.clock.ms + 2_000]);
    expect(f.statuses).toEqual(["HOLD"]);
  });

  test("a repeat with the same key replays the first answer without holding again", async () => {
    const first = await create({ idempotencyKey: KEY });
    const again = await create({ idempotencyKey: KEY });
    expect(again).toEqual({ value: first.value, replayed: true });
    expect(f.store.reservations.size).toBe(1);
    expect(f.hits).toEqual(["replayed"]);
  });

  test("the same key with a different body is IDEMPOTENCY_CONFLICT", async () => {
    await create({ idempotencyKey: KEY });
    expect(await codeOf(create({ idempotencyKey: KEY, seatIds: ["B-1-1"] }))).toBe("IDEMPOTENCY_CONFLICT");
  });

  test("a key reused after the 5-minute window starts a new request", async () => {
    await create({ idempotencyKey: KEY });
    f.clock.advance(5 * 60_000 + 1);
    const later = await create({ idempotencyKey: KEY, seatIds: ["B-1-1"] });
    expect(later.replayed).toBe(false);
  });

  test("bad input is refused with the catalogue code and the field", async () => {
    expect(await codeOf(create({ idempotencyKey: "" }))).toBe("IDEMPOTENCY_REQUIRED");
    expect(await codeOf(create({ idempotencyKey: "not-a-uuid" }))).toBe("INVALID_IDEMPOTENCY_KEY");
    const tooMany = Array.from({ length: 11 }, (_, i) => `A-1-${i + 1}`);
    const err = (await create({ seatIds: tooMany }).catch((e) => e)) as AppError;
    expect([err.code, err.metadata.field]).toEqual(["VALIDATION_FAILED", "seat_ids"]);
    expect(await codeOf(create({ seatIds: ["A-1-1", "A-1-1"] }))).toBe("VALIDATION_FAILED");
    expect(await codeOf(create({ seatIds: [], quantity: 0 }))).toBe("VALIDATION_FAILED");
    expect(await codeOf(create({ eventId: "" }))).toBe("VALIDATION_FAILED");
    expect(f.inventory.seats.size).toBe(0);
  });

  test("a seat held by someone else is SEAT_UNAVAILABLE and the key can be retried", async () => {
    await create({ seatIds: ["A-1-1"] });
    expect(await codeOf(create({ idempotencyKey: KEY, userId: "u2", seatIds: ["A-1-1"] }))).toBe(
      "SEAT_UNAVAILABLE",
    );
    expect(f.idempotency.records.size).toBe(1);
  });

  test("a reservation token buys one reservation, for its own user and event, while it is valid", async () => {
    // A second live hold would be refused by the purchase policy first; this test is about tokens.
    f.policies.byEvent.set("evt_1", { maxLiveReservations: 5 });
    const token = testToken("u1", "evt_1", f.clock.ms);
    const first = await create({ reservationToken: token, seatIds: ["A-1-1"] });
    expect(first.replayed).toBe(false);
    // Spent: another request with it is refused, and nothing is held for it.
    expect(await codeOf(create({ reservationToken: token, seatIds: ["A-2-1"] }))).toBe(
      "RESERVATION_TOKEN_INVALID",
    );
    expect(f.inventory.holderOf("A-2-1")).toBeUndefined();
    const other = (over: object) => create({ reservationToken: token, seatIds: ["A-3-1"], ...over });
    expect(await codeOf(other({ userId: "u2" }))).toBe("RESERVATION_TOKEN_INVALID");
    expect(await codeOf(other({ eventId: "evt_2" }))).toBe("RESERVATION_TOKEN_INVALID");
    const [v, payload] = token.split(".");
    expect(await codeOf(create({ reservationToken: `${v}.${payload}.AAAA` }))).toBe(
      "RESERVATION_TOKEN_INVALID",
    );
    expect(await codeOf(create({ reservationToken: "" }))).toBe("RESERVATION_TOKEN_INVALID");
  });

  test("an expired token buys nothing new, but the request that spent it still gets its answer", async () => {
    const token = testToken("u1", "evt_1", f.clock.ms);
    const first = await create({ reservationToken: token, idempotencyKey: KEY });
    f.clock.advance(31_000);
    const again = await create({ reservationToken: token, idempotencyKey: KEY });
    expect(again).toEqual({ value: first.value, replayed: true });
    const late = testToken("u1", "evt_1", f.clock.ms - 31_000);
    expect(await codeOf(create({ reservationToken: late, seatIds: ["A-4-1"] }))).toBe(
      "RESERVATION_TOKEN_INVALID",
    );
  });

  test("a token the waiting room has replaced buys nothing new, but its request's repeat is answered", async () => {
    const token = testToken("u1", "evt_1", f.clock.ms);
    const first = await create({ reservationToken: token, idempotencyKey: KEY });
    const replaced = { reservationToken: token, reservationTokenSuperseded: true };
    expect(await create({ ...replaced, idempotencyKey: KEY })).toEqual({
      value: first.value,
      replayed: true,
    });
    const fresh = testToken("u2", "evt_1", f.clock.ms);
    expect(
      await codeOf(create({ userId: "u2", reservationToken: fresh, reservationTokenSuperseded: true })),
    ).toBe("RESERVATION_TOKEN_INVALID");
    expect(f.store.reservations.size).toBe(1);
  });

  test("a token refused for a taken seat stays usable for another pick", async () => {
    await create({ seatIds: ["A-5-1"] });
    const token = testToken("u2", "evt_1", f.clock.ms);
    expect(await codeOf(create({ userId: "u2", reservationToken: token, seatIds: ["A-5-1"] }))).toBe(
      "SEAT_UNAVAILABLE",
    );
    expect((await create({ userId: "u2", reservationToken: token, seatIds: ["A-5-2"] })).replayed).toBe(
      false,
    );
  });

  test("a lost race arms no timer: inventory's precheck refuses the taken seat before one is armed", async () => {
    const { value: winner } = await create({ seatIds: ["A-6-1"] });
    const token = testToken("u2", "evt_1", f.clock.ms);
    expect(await codeOf(create({ userId: "u2", reservationToken: token, seatIds: ["A-6-1"] }))).toBe(
      "SEAT_UNAVAILABLE",
    );
    expect(f.timer.scheduled.map((t) => t.reservationId)).toEqual([winner.id]);
  });

  test("a caller that gave up while inventory prechecked gets no timer and no hold", async () => {
    f.inventory.precheck = () => Bun.sleep(60);
    const late = withDeadline({ at: Date.now() + 30 }, () => create({ seatIds: ["A-7-1"] }));
    expect(await codeOf(late)).toBe("UPSTREAM_TIMEOUT");
    expect(f.timer.scheduled).toEqual([]);
    expect(f.inventory.holderOf("A-7-1")).toBeUndefined();
  });
});

describe("confirm", () => {
  test("an approved payment turns the hold into an order, emits confirmed and disarms the timer", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    const { value } = await svc.confirm({
      reservationId: r.id,
      userId: "u1",
      paymentIntentId: "pi_1",
      idempotencyKey: "",
    });
    expect(value.orderId).toBe(r.id.replace("rsv_", "ord_"));
    expect(value.reservation.status).toBe("CONFIRMED");
    expect(f.store.orders.get(value.orderId)?.totalAmount).toBe(100_000);
    expect(f.inventory.seats.get("A-1-1")?.sold).toBe(true);
    expect(f.store.eventTypes(r.id)).toEqual(["reservation.created", "reservation.confirmed"]);
    expect(f.timer.cancelled).toEqual([r.id]);
  });

  test("confirming twice returns the same order and writes one", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    const input = { reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" };
    const a = await svc.confirm(input);
    const b = await svc.confirm(input);
    expect(b.value.orderId).toBe(a.value.orderId);
    expect(f.store.orders.size).toBe(1);
    // One reservation.confirmed: the worker counts the sale funnel's "confirmed" from it.
    expect(f.store.eventTypes(r.id).filter((t) => t === "reservation.confirmed")).toHaveLength(1);
  });

  test("the worker's confirm and the buyer's, arriving together, share one run: one commit, one order", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    const input = { reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" };
    // The worker's is committing the seats when the buyer's arrives.
    const commit = Promise.withResolvers<void>();
    f.inventory.commitHeld = commit.promise;
    const first = svc.confirm({ ...input, paymentApproval: "signed-approval" });
    while (f.inventory.commitCalls === 0) await Bun.sleep(1);
    const second = svc.confirm({ ...input, idempotencyKey: KEY });
    await Bun.sleep(5);
    commit.resolve();
    const [worker, buyer] = await Promise.all([first, second]);
    expect(buyer.value.orderId).toBe(worker.value.orderId);
    expect([worker.replayed, buyer.replayed]).toEqual([false, true]);
    expect(f.inventory.commitCalls).toBe(1);
    expect(f.store.orders.size).toBe(1);
    // Someone else's confirm of it is not joined to the owner's: they are told it does not exist.
    f.payments.approve("pi_2", r.id, r.totalAmount);
    const [, stranger] = await Promise.allSettled([
      svc.confirm({ ...input, paymentIntentId: "pi_2" }),
      svc.confirm({ ...input, paymentIntentId: "pi_2", userId: "u2" }),
    ]);
    expect(((stranger as PromiseRejectedResult).reason as AppError).code).toBe("RESERVATION_NOT_FOUND");
  });

  test("a confirm of a HOLD stored here starts from it with no read, after the timer's first look too", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    f.clock.advance(2_000);
    await svc.expire(r.id, "evt_1");
    f.store.reads = 0;
    const input = { reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" };
    expect((await svc.confirm(input)).value.reservation.status).toBe("CONFIRMED");
    expect(f.store.reads).toBe(0);
    // Its repeat finds no copy (the confirm ended it here) and reads the order's reservation.
    expect((await svc.confirm(input)).replayed).toBe(true);
    expect(f.store.reads).toBe(1);
  });

  test("a stored copy another replica has since changed costs one refused write, then the truth", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    // Another replica cancels the hold: this process's copy still says HOLD.
    const other = new Reservations(f.deps, DEFAULT_SETTINGS);
    await other.cancel(r.id, "u1");
    const input = { reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" };
    expect(await codeOf(svc.confirm(input))).toBe("INVALID_STATE");
    expect(f.inventory.commitCalls).toBe(0);
    expect(f.store.orders.size).toBe(0);
    expect(f.store.reservations.get(r.id)?.status).toBe("CANCELLED");
  });

  test("a pending, foreign or wrong-amount payment is PAYMENT_NOT_APPROVED", async () => {
    const { value: r } = await create();
    const confirm = (pi: string) =>
      svc.confirm({ reservationId: r.id, userId: "u1", paymentIntentId: pi, idempotencyKey: "" });
    f.payments.intents.set("pi_p", {
      status: "PENDING",
      reservationId: r.id,
      amount: r.totalAmount,
      currency: "KRW",
    });
    f.payments.approve("pi_other", "rsv_ffffffffffffffffffffffffffffffff", r.totalAmount);
    f.payments.approve("pi_cheap", r.id, 1);
    for (const pi of ["pi_p", "pi_other", "pi_cheap", "pi_missing"])
      expect(await codeOf(confirm(pi))).toBe("PAYMENT_NOT_APPROVED");
    expect((await f.store.get(r.id))?.status).toBe("HOLD");
  });

  test("after the hold has passed: RESERVATION_EXPIRED, the payment refunded, the seats untouched", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    f.clock.advance(60_000);
    const err = svc.confirm({
      reservationId: r.id,
      userId: "u1",
      paymentIntentId: "pi_1",
      idempotencyKey: "",
    });
    expect(await codeOf(err)).toBe("RESERVATION_EXPIRED");
    expect(f.payments.refunds.map((x) => x.paymentIntentId)).toEqual(["pi_1"]);
    expect(f.store.orders.size).toBe(0);
    expect(f.inventory.releases).toEqual([]);
  });

  test("when inventory lost the hold before the commit, the hold ends EXPIRED and the payment is refunded", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    f.inventory.failCommitWith = new AppError("RESERVATION_EXPIRED", "hold expired");
    const err = svc.confirm({
      reservationId: r.id,
      userId: "u1",
      paymentIntentId: "pi_1",
      idempotencyKey: "",
    });
    expect(await codeOf(err)).toBe("RESERVATION_EXPIRED");
    expect((await f.store.get(r.id))?.status).toBe("EXPIRED");
    expect(f.payments.refunds).toHaveLength(1);
    expect(f.store.eventTypes(r.id)).toEqual(["reservation.created", "reservation.expired"]);
  });

  test("a confirm that died between commit and write is finished by the expiry path: the sale stands", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    f.store.failOrderWrite = true;
    const input = { reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" };
    expect(await codeOf(svc.confirm(input))).toBe("UPSTREAM_UNAVAILABLE");
    f.store.failOrderWrite = false;
    f.clock.advance(DEFAULT_SETTINGS.confirmLeaseMs - 1);
    expect(await codeOf(svc.cancel(r.id, "u1"))).toBe("INVALID_STATE");
    f.clock.advance(60_000);
    const { reservation, changed } = await svc.expire(r.id);
    expect([reservation.status, changed]).toEqual(["CONFIRMED", true]);
    expect(f.store.orders.size).toBe(1);
    expect(f.payments.refunds).toHaveLength(0);
  });

  test("a confirm that died before the commit ends EXPIRED with a refund once its claim lapses", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    f.inventory.failCommitWith = new AppError("UPSTREAM_TIMEOUT", "inventory too slow");
    const input = { reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" };
    expect(await codeOf(svc.confirm(input))).toBe("UPSTREAM_TIMEOUT");
    f.inventory.failCommitWith = undefined;
    f.clock.advance(60_000);
    const { reservation, changed } = await svc.expire(r.id);
    expect([reservation.status, changed]).toEqual(["EXPIRED", true]);
    expect(f.payments.refunds.map((x) => x.paymentIntentId)).toEqual(["pi_1"]);
    expect(f.inventory.holderOf("A-1-1")).toBeUndefined();
  });
});

describe("cancel, expire, sweep", () => {
  test("cancel releases the seats, emits cancelled, and is harmless to repeat", async () => {
    const { value: r } = await create();
    expect((await svc.cancel(r.id, "u1")).status).toBe("CANCELLED");
    expect((await svc.cancel(r.id, "u1")).status).toBe("CANCELLED");
    expect(f.inventory.holderOf("A-1-1")).toBeUndefined();
    expect(f.store.eventTypes(r.id)).toEqual(["reservation.created", "reservation.cancelled"]);
  });

  test("a confirmed reservation cannot be cancelled", async () => {
    const { value: r } = await create();
    f.payments.approve("pi_1", r.id, r.totalAmount);
    await svc.confirm({ reservationId: r.id, userId: "u1", paymentIntentId: "pi_1", idempotencyKey: "" });
    expect(await codeOf(svc.cancel(r.id, "u1"))).toBe("RESERVATION_ALREADY_CONFIRMED");
  });

  test("expire before the hold time changes nothing and re-arms the timer", async () => {
    const { value: r } = await create();
    const out = await svc.expire(r.id);
    expect([out.changed, out.reservation.status]).toEqual([false, "HOLD"]);
    expect(f.timer.scheduled).toHaveLength(2);
  });

  test("expire after the hold time ends the hold once; a second call changes nothing but the release", async () => {
    const { value: r } = await create();
    f.clock.advance(60_000);
    expect((await svc.expire(r.id)).changed).toBe(true);
    expect((await svc.expire(r.id)).changed).toBe(false);
    expect(f.store.eventTypes(r.id)).toEqual(["reservation.created", "reservation.expired"]);
    // The repeat gives the seats back again (idempotent in inventory): it is how an expiry whose
    // first release failed gets finished.
    expect(f.inventory.releases.map((x) => x.reason)).toEqual(["EXPIRED", "EXPIRED"]);
  });

  test("the sweeper expires only holds overdue by more than the grace period", async () => {
    const { value: old } = await create({ seatIds: ["A-1-1"] });
    f.clock.advance(30_000);
    const { value: fresh } = await create({ userId: "u2", seatIds: ["A-1-2"] });
    f.clock.advance(30_000 + DEFAULT_SETTINGS.sweepGraceMs + 1);
    expect(await svc.sweep()).toBe(1);
    expect((await f.store.get(old.id))?.status).toBe("EXPIRED");
    expect((await f.store.get(fresh.id))?.status).toBe("HOLD");
  });

  test("another user's reservation or order does not exist for them", async () => {
    const { value: r } = await create();
    expect(await codeOf(svc.get(r.id, "u2"))).toBe("RESERVATION_NOT_FOUND");
    expect(await codeOf(svc.cancel(r.id, "u2"))).toBe("RESERVATION_NOT_FOUND");
    expect(await codeOf(svc.get("rsv_ffffffffffffffffffffffffffffffff", "u1"))).toBe("RESERVATION_NOT_FOUND");
    expect(await codeOf(svc.get("nope", "u1"))).toBe("VALIDATION_FAILED");
  });
});
