// Hot seats in one process: concurrent holds of the same seats share the answer of the one
// transaction in flight instead of queueing their own behind it.
import { beforeEach, describe, expect, test } from "bun:test";
import type { AppError } from "@tt/kit";
import { fakeInventory, smallEvent } from "./fakes.ts";

let f: ReturnType<typeof fakeInventory>;

beforeEach(async () => {
  f = fakeInventory();
  await f.events.create(smallEvent());
  f.seats.holdDelayMs = 20;
});

const reserve = (reservationId: string, seatIds: string[], userId = `u-${reservationId}`) =>
  f.inventory.reserve({ reservationId, eventId: "evt_small", seatIds, quantity: 0, sectionId: "", userId });
const precheck = (reservationId: string, seatIds: string[], userId = `u-${reservationId}`) =>
  f.inventory.precheck({ reservationId, eventId: "evt_small", seatIds, quantity: 0, sectionId: "", userId });
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "held",
    (e: AppError) => `${e.code} ${e.metadata.seat_ids ?? ""}`,
  );

describe("concurrent holds of the same seats", () => {
  test("one transaction makes the winner; everyone else is refused on its answer, naming the seats", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => outcome(reserve(`rsv_${i}`, ["A-1-1", "A-1-2"]))),
    );
    expect(results.filter((r) => r === "held")).toHaveLength(1);
    expect(results.filter((r) => r === "SEAT_UNAVAILABLE A-1-1,A-1-2")).toHaveLength(49);
    expect(f.seats.holdCalls).toBe(1);
  });

  test("overlapping picks wait on each other; disjoint ones do not", async () => {
    const [first, second] = await Promise.all([
      outcome(reserve("rsv_a", ["A-2-1", "A-2-2"])),
      outcome(reserve("rsv_b", ["A-2-2", "A-2-3"])),
    ]);
    expect([first, second]).toEqual(["held", "SEAT_UNAVAILABLE A-2-2"]);
    // rsv_b wanted A-2-2 too: refused on the winner's answer, without a transaction of its own.
    expect(f.seats.holdCalls).toBe(1);
    const [third, fourth] = await Promise.all([
      outcome(reserve("rsv_c", ["A-3-1"])),
      outcome(reserve("rsv_d", ["A-3-2"])),
    ]);
    expect([third, fourth]).toEqual(["held", "held"]);
    expect(f.seats.holdCalls).toBe(3);
  });

  test("when the transaction in flight fails, its waiters try for themselves", async () => {
    // A-3-5 is taken in the store while the seat map (already built) still shows it free — the
    // map is behind — so rsv_x's transaction is the one that finds out.
    await reserve("rsv_warm", ["A-1-1"]);
    f.seats.holdCalls = 0;
    f.seats.seats.set("evt_small/A-3-5", {
      seatId: "A-3-5",
      status: "HELD",
      holder: "rsv_owner",
      holdExpiresAt: Date.now() + 600_000,
      updatedAt: 0,
    });
    // rsv_x fails on A-3-5 (taken), which says nothing about A-3-6: rsv_y, waiting on it, holds A-3-6.
    const [x, y] = await Promise.all([
      outcome(reserve("rsv_x", ["A-3-5", "A-3-6"])),
      outcome(reserve("rsv_y", ["A-3-6"])),
    ]);
    expect([x, y]).toEqual(["SEAT_UNAVAILABLE A-3-5", "held"]);
    expect(f.seats.holdCalls).toBe(2);
  });

  test("a precheck meeting a hold in flight is refused on its answer, and holds nothing when free", async () => {
    const [held, checked] = await Promise.all([
      outcome(reserve("rsv_h", ["A-3-7"])),
      outcome(precheck("rsv_q", ["A-3-7", "A-3-8"])),
    ]);
    expect([held, checked]).toEqual(["held", "SEAT_UNAVAILABLE A-3-7"]);
    expect(await outcome(precheck("rsv_q", ["A-3-8"]))).toBe("held");
    expect(f.seats.holdCalls).toBe(1);
    expect(f.seats.seats.get("evt_small/A-3-8")?.status ?? "AVAILABLE").toBe("AVAILABLE");
  });

  test("callers reaching for the same seats at once: one precheck passes, the rest are refused on its hold", async () => {
    const seats = ["A-2-5", "A-2-6"];
    const [first, ...others] = await Promise.all([
      outcome(precheck("rsv_first", seats)),
      ...Array.from({ length: 10 }, (_, i) => outcome(precheck(`rsv_other_${i}`, seats))),
      // The first caller, told it may win, arms its timer and sends its hold.
      Bun.sleep(5).then(() => outcome(reserve("rsv_first", seats))),
    ]);
    expect(first).toBe("held");
    expect(others.slice(0, 10)).toEqual(Array(10).fill("SEAT_UNAVAILABLE A-2-5,A-2-6"));
    expect(others[10]).toBe("held");
    expect(f.seats.holdCalls).toBe(1);
  });

  test("a hold a precheck announced that does not come lets the waiters go on", async () => {
    await precheck("rsv_gone", ["A-2-7"]);
    const started = performance.now();
    await precheck("rsv_next", ["A-2-7"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(await outcome(reserve("rsv_next", ["A-2-7"]))).toBe("held");
  });

  test("a precheck sent again (a retried call) replaces its announcement; no waiter is left hanging", async () => {
    await precheck("rsv_twice", ["A-2-8"]);
    const waiting = precheck("rsv_waiter", ["A-2-8"]);
    await precheck("rsv_twice", ["A-2-8"]);
    const started = performance.now();
    const settled = await Promise.race([waiting.then(() => "passed"), Bun.sleep(1_000).then(() => "hung")]);
    expect(settled).toBe("passed");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("a buyer refused on seats its own earlier request holds is told they are its own", async () => {
    const [, again] = await Promise.all([
      reserve("rsv_mine_1", ["B-1-1"], "alice"),
      reserve("rsv_mine_2", ["B-1-1"], "alice").catch((e: AppError) => e),
    ]);
    expect((again as AppError).metadata.held_by_you).toBe("true");
  });
});
