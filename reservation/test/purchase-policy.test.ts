// The purchase policy on the real stack: the reservation service on DynamoDB Local, the real
// inventory service (which keeps each event's policy) and the payment double; holds last 2 s and
// nothing expires them here (no worker, sweeper off), so a lapsed hold is still stored HOLD.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fromConnectError } from "@tt/kit";
import { startPlatform } from "./support/platform.ts";

const HOLD_SECONDS = 2;
const EVENT = `evt_policy_${Date.now().toString(36)}`;
let p: Awaited<ReturnType<typeof startPlatform>>;

beforeAll(async () => {
  // Policy changes reach holds at once here (production reuses a read for 1 s).
  p = await startPlatform({ holdSeconds: HOLD_SECONDS, env: { PURCHASE_POLICY_CACHE_MS: "0" } });
  await p.createEvent(EVENT);
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

const hold = (userId: string, seatIds: string[]) =>
  p.rsv.createReservation({ eventId: EVENT, userId, seatIds, idempotencyKey: crypto.randomUUID() });
const refusal = async (call: Promise<unknown>) =>
  fromConnectError(
    await call.then(
      () => undefined,
      (e) => e,
    ),
  );
const stored = async (userId: string) =>
  (await p.rsv.listReservationsByUser({ userId, pageSize: 50 })).reservations.map((r) => r.reservationId);

describe("one live reservation per buyer (the default)", () => {
  test("two holds of one buyer at the same moment: one 201, one RESERVATION_LIMIT, its seats free", async () => {
    // Five buyers race two holds each, on different seats, so every pair meets in the store.
    const buyers = Array.from({ length: 5 }, (_, i) => `u-race-${i}`);
    const outcomes = await Promise.all(
      buyers.map((u, i) =>
        Promise.allSettled([hold(u, [`A-1-${2 * i + 1}`]), hold(u, [`A-1-${2 * i + 2}`])]),
      ),
    );
    for (const [i, pair] of outcomes.entries()) {
      const made = pair.filter((r) => r.status === "fulfilled");
      expect(made).toHaveLength(1);
      const refused = pair.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(fromConnectError(refused.reason).code).toBe("RESERVATION_LIMIT");
      expect(await stored(buyers[i] ?? "")).toHaveLength(1);
    }
    const loser = (pair: PromiseSettledResult<unknown>[], i: number) =>
      pair[0]?.status === "rejected" ? `A-1-${2 * i + 1}` : `A-1-${2 * i + 2}`;
    expect(await p.available(EVENT, outcomes.map(loser))).toBe(true);
  });

  test("a hold past its time no longer counts, though nothing has expired it yet", async () => {
    const { reservation: first } = await hold("u-lapse", ["A-2-1"]);
    expect(fromConnectError(await hold("u-lapse", ["A-2-2"]).catch((e) => e)).code).toBe("RESERVATION_LIMIT");
    await Bun.sleep(HOLD_SECONDS * 1000 + 100);
    const { reservation: second } = await hold("u-lapse", ["A-2-2"]);
    expect(second?.status).toBe(1); // HOLD
    // The first is still stored HOLD: only the clock let the second through.
    const { reservation: old } = await p.rsv.getReservation({
      reservationId: first?.reservationId ?? "",
      userId: "u-lapse",
    });
    expect(old?.reservationId).toBe(first?.reservationId ?? "");
    expect(await stored("u-lapse")).toHaveLength(2);
  });

  test("a buyer whose hold was cancelled holds again at once", async () => {
    const { reservation: r } = await hold("u-again", ["A-3-1"]);
    await p.rsv.cancelReservation({ reservationId: r?.reservationId ?? "", userId: "u-again" });
    expect((await hold("u-again", ["A-3-2"])).reservation?.status).toBe(1);
  });
});

describe("an operator's policy (admin → inventory → every hold)", () => {
  test("seats held plus bought are capped across holds and confirmed orders", async () => {
    const event = `${EVENT}_cap`;
    await p.createEvent(event);
    await p.inv.updatePurchasePolicy({ eventId: event, maxLiveReservations: 2, maxSeatsPerUser: 3 });
    const holdIn = (seatIds: string[]) =>
      p.rsv.createReservation({
        eventId: event,
        userId: "u-cap",
        seatIds,
        idempotencyKey: crypto.randomUUID(),
      });

    const { reservation: a } = await holdIn(["A-1-1", "A-1-2"]);
    const id = a?.reservationId ?? "";
    p.payments.approve("pi_cap", id, 100_000);
    await p.rsv.confirmReservation({ reservationId: id, userId: "u-cap", paymentIntentId: "pi_cap" });

    const over = await refusal(holdIn(["A-2-1", "A-2-2"]));
    expect(over.code).toBe("SEAT_LIMIT");
    expect(over.metadata).toMatchObject({ max_seats_per_user: "3", seats_remaining: "1" });
    expect(await p.available(event, ["A-2-1", "A-2-2"])).toBe(true);
    const { reservation: b } = await holdIn(["A-2-1"]);
    expect(b?.status).toBe(1);
    // Bought 2 + held 1: full. Cancelling the hold gives its seat back to the cap, not the bought ones.
    expect((await refusal(holdIn(["A-3-1"]))).code).toBe("SEAT_LIMIT");
    await p.rsv.cancelReservation({ reservationId: b?.reservationId ?? "", userId: "u-cap" });
    expect((await holdIn(["A-3-1"])).reservation?.status).toBe(1);
    expect((await refusal(holdIn(["A-4-1"]))).code).toBe("SEAT_LIMIT");
  });

  test("raising the live limit lets a second hold through; the default comes back with 0", async () => {
    const event = `${EVENT}_live`;
    await p.createEvent(event);
    const holdIn = (seatIds: string[]) =>
      p.rsv.createReservation({
        eventId: event,
        userId: "u-live",
        seatIds,
        idempotencyKey: crypto.randomUUID(),
      });
    await holdIn(["A-1-1"]);
    expect((await refusal(holdIn(["A-1-2"]))).code).toBe("RESERVATION_LIMIT");
    await p.inv.updatePurchasePolicy({ eventId: event, maxLiveReservations: 2 });
    expect((await holdIn(["A-1-2"])).reservation?.status).toBe(1);
    expect((await refusal(holdIn(["A-1-3"]))).code).toBe("RESERVATION_LIMIT");
    await p.inv.updatePurchasePolicy({ eventId: event, maxLiveReservations: 0 });
    expect((await refusal(holdIn(["A-1-3"]))).metadata.max_live_reservations).toBe("1");
  });
});
