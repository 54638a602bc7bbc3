// The purchase policy in the reservation domain, over in-memory fakes (the store's fake applies
// the tally's conditions as the DynamoDB one does; reservation/test/purchase-policy.test.ts runs
// the same rules on DynamoDB Local).
import { beforeEach, describe, expect, test } from "bun:test";
import type { AppError } from "@tt/kit";
import { DEFAULT_SETTINGS } from "../../src/domain/deps.ts";
import { Reservations } from "../../src/domain/reservations.ts";
import { fakeDeps, testToken } from "../support/fakes.ts";

let f: ReturnType<typeof fakeDeps>;
let svc: Reservations;

const failure = async (p: Promise<unknown>) => (await p.catch((e) => e)) as AppError;
const create = (seatIds: string[], over: { userId?: string; idempotencyKey?: string } = {}) => {
  const userId = over.userId ?? "u1";
  return svc.create({
    eventId: "evt_1",
    userId,
    seatIds,
    quantity: 0,
    sectionId: "",
    idempotencyKey: over.idempotencyKey ?? crypto.randomUUID(),
    reservationToken: testToken(userId, "evt_1", f.clock.ms),
  });
};

beforeEach(() => {
  f = fakeDeps();
  svc = new Reservations(f.deps, DEFAULT_SETTINGS);
});

describe("one live reservation per buyer by default", () => {
  test("a second hold while the first is live is RESERVATION_LIMIT, naming the live one, and holds nothing", async () => {
    const { value: first } = await create(["A-1-1"]);
    const refused = await failure(create(["A-2-1"]));
    expect(refused.code).toBe("RESERVATION_LIMIT");
    expect(refused.metadata).toEqual({ max_live_reservations: "1", reservation_id: first.id });
    expect(f.inventory.holderOf("A-2-1")).toBeUndefined();
    // Another buyer is not concerned.
    expect((await create(["A-2-1"], { userId: "u2" })).replayed).toBe(false);
  });

  test("after a cancel the buyer may hold again", async () => {
    const { value: first } = await create(["A-1-1"]);
    await svc.cancel(first.id, "u1");
    expect((await create(["A-2-1"])).value.status).toBe("HOLD");
  });

  test("a hold past its time stops counting at once, before anything expires it, and leaves the tally", async () => {
    const { value: first } = await create(["A-1-1"]);
    f.clock.advance(60_000);
    expect((await f.store.get(first.id))?.status).toBe("HOLD");
    const { value: second } = await create(["A-2-1"]);
    expect((await f.store.tally("evt_1", "u1")).holds.map((h) => h.reservationId)).toEqual([second.id]);
    // Expiring the first afterwards leaves the second counted.
    await svc.expire(first.id);
    expect(await failure(create(["A-3-1"]))).toMatchObject({ code: "RESERVATION_LIMIT" });
  });

  test("two holds of one buyer at once: one is made, the other refused and its seats released", async () => {
    const results = await Promise.allSettled([create(["A-1-1"]), create(["A-2-1"])]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe("RESERVATION_LIMIT");
    expect(f.inventory.releases.map((r) => r.reason)).toEqual(["COMPENSATION"]);
    expect(f.store.reservations.size).toBe(1);
  });

  test("a repeat of the hold that made the buyer's one reservation is answered, not refused", async () => {
    const key = crypto.randomUUID();
    const first = await create(["A-1-1"], { idempotencyKey: key });
    expect(await create(["A-1-1"], { idempotencyKey: key })).toEqual({ value: first.value, replayed: true });
  });
});

describe("a buyer's first hold reads no tally", () => {
  test("a hold by a buyer this process has not seen costs no tally read; the next one reads it", async () => {
    let reads = 0;
    const tally = f.store.tally.bind(f.store);
    f.store.tally = (eventId: string, userId: string) => {
      reads++;
      return tally(eventId, userId);
    };
    await create(["A-1-1"]);
    expect(reads).toBe(0);
    expect(await failure(create(["A-2-1"]))).toMatchObject({ code: "RESERVATION_LIMIT" });
    expect(reads).toBe(1);
  });

  test("a buyer whose live hold this process never saw (another replica, a restart) is still refused, and the seats go back", async () => {
    await create(["A-1-1"]);
    // A second process over the same stores knows nothing of u1.
    svc = new Reservations(f.deps, DEFAULT_SETTINGS);
    const refused = await failure(create(["A-2-1"]));
    expect(refused.code).toBe("RESERVATION_LIMIT");
    expect(f.inventory.holderOf("A-2-1")).toBeUndefined();
    expect(f.inventory.releases.map((r) => r.reason)).toEqual(["COMPENSATION"]);
    expect(f.store.reservations.size).toBe(1);
  });
});

describe("seats held plus bought", () => {
  beforeEach(() => {
    f.policies.byEvent.set("evt_1", { maxLiveReservations: 3, maxSeatsPerUser: 4 });
  });

  test("counts live holds and confirmed orders, and says how many seats are left", async () => {
    const { value: a } = await create(["A-1-1", "A-1-2"]);
    f.payments.approve("pi_a", a.id, a.totalAmount);
    await svc.confirm({ reservationId: a.id, userId: "u1", paymentIntentId: "pi_a", idempotencyKey: "" });
    await create(["A-2-1"]);
    const refused = await failure(create(["A-3-1", "A-3-2"]));
    expect(refused.code).toBe("SEAT_LIMIT");
    expect(refused.metadata).toEqual({ max_seats_per_user: "4", seats_remaining: "1" });
    expect(f.inventory.holderOf("A-3-1")).toBeUndefined();
    expect((await create(["A-3-1"])).value.status).toBe("HOLD");
  });

  test("a hold whose payment is being confirmed keeps counting past its time", async () => {
    const { value: a } = await create(["A-1-1", "A-1-2", "A-1-3"]);
    f.payments.approve("pi_a", a.id, a.totalAmount);
    // The confirmer claims the hold, commits the seats, then dies before writing the order.
    f.store.failOrderWrite = true;
    await failure(
      svc.confirm({ reservationId: a.id, userId: "u1", paymentIntentId: "pi_a", idempotencyKey: "" }),
    );
    f.store.failOrderWrite = false;
    f.clock.advance(61_000);
    expect(await failure(create(["A-2-1", "A-2-2"]))).toMatchObject({ code: "SEAT_LIMIT" });
    // The expiry path finishes the sale: the seats are bought, and still count.
    await svc.expire(a.id);
    expect((await f.store.get(a.id))?.status).toBe("CONFIRMED");
    expect(await f.store.tally("evt_1", "u1")).toMatchObject({ bought: 3, holds: [] });
    expect((await create(["A-2-1"])).value.status).toBe("HOLD");
  });
});
