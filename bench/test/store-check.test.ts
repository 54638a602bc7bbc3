import { describe, expect, test } from "bun:test";
import type { BuyerRecord } from "../drop/buyer.ts";
import { type CheckInput, checkStores, type StoreSnapshot } from "../drop/store-check.ts";

const NOW = 1_000_000;
const GRACE = 5000;
const input: CheckInput = { graceMs: GRACE, demandExceedsSeats: true };

/** Two seats, both sold to two buyers, one expired hold released on time: a drop gone right. */
function cleanDrop(): StoreSnapshot {
  return {
    takenAt: NOW,
    seats: [
      { seatId: "A-1-1", status: "SOLD", holder: "rsv_1", orderId: "ord_1", updatedAt: NOW - 50_000 },
      { seatId: "A-1-2", status: "SOLD", holder: "rsv_3", orderId: "ord_3", updatedAt: NOW - 20_000 },
    ],
    holds: [
      { reservationId: "rsv_1", status: "SOLD", holdExpiresAt: NOW - 40_000, updatedAt: NOW - 50_000 },
      {
        reservationId: "rsv_2",
        status: "RELEASED",
        releaseReason: "EXPIRED",
        holdExpiresAt: NOW - 30_000,
        updatedAt: NOW - 28_500,
      },
      { reservationId: "rsv_3", status: "SOLD", holdExpiresAt: NOW - 10_000, updatedAt: NOW - 20_000 },
    ],
    reservations: [
      {
        reservationId: "rsv_1",
        userId: "u1",
        status: "CONFIRMED",
        seatIds: ["A-1-1"],
        holdExpiresAt: NOW - 40_000,
        orderId: "ord_1",
        updatedAt: NOW - 50_000,
      },
      {
        reservationId: "rsv_2",
        userId: "u2",
        status: "EXPIRED",
        seatIds: ["A-1-2"],
        holdExpiresAt: NOW - 30_000,
        updatedAt: NOW - 28_500,
      },
      {
        reservationId: "rsv_3",
        userId: "u3",
        status: "CONFIRMED",
        seatIds: ["A-1-2"],
        holdExpiresAt: NOW - 10_000,
        orderId: "ord_3",
        updatedAt: NOW - 20_000,
      },
    ],
    orders: [
      { orderId: "ord_1", reservationId: "rsv_1", userId: "u1", seatIds: ["A-1-1"] },
      { orderId: "ord_3", reservationId: "rsv_3", userId: "u3", seatIds: ["A-1-2"] },
    ],
  };
}

const buyers: BuyerRecord[] = [
  { userId: "u1", outcome: "confirmed", reservationId: "rsv_1", orderId: "ord_1" },
  { userId: "u2", outcome: "abandoned", reservationId: "rsv_2" },
  { userId: "u3", outcome: "confirmed", reservationId: "rsv_3", orderId: "ord_3" },
  { userId: "u4", outcome: "sold_out" },
];

const failed = (snap: StoreSnapshot, extra: Partial<CheckInput> = {}) =>
  checkStores(snap, { ...input, ...extra })
    .checks.filter((c) => !c.ok)
    .map((c) => c.name);

describe("the drop's store checks", () => {
  test("pass a drop where every seat was sold once and the walk-away hold expired on time", () => {
    const report = checkStores(cleanDrop(), { ...input, buyers });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.releaseLagMs).toMatchObject({ count: 1, max: 1500 });
  });

  test("flag a seat sold to two orders", () => {
    const snap = cleanDrop();
    snap.reservations.push({
      reservationId: "rsv_9",
      userId: "u9",
      status: "CONFIRMED",
      seatIds: ["A-1-1"],
      holdExpiresAt: NOW,
      orderId: "ord_9",
      updatedAt: NOW,
    });
    snap.orders.push({ orderId: "ord_9", reservationId: "rsv_9", userId: "u9", seatIds: ["A-1-1"] });
    const report = checkStores(snap, input);
    expect(failed(snap)).toContain("no seat sold twice");
    expect(report.checks.find((c) => c.name === "no seat sold twice")?.examples[0]).toContain("A-1-1");
  });

  test("flag a SOLD seat that no CONFIRMED order owns", () => {
    const snap = cleanDrop();
    snap.seats.push({ seatId: "A-1-3", status: "SOLD", holder: "rsv_7", updatedAt: NOW });
    expect(failed(snap)).toContain("every SOLD seat belongs to exactly one CONFIRMED order");
  });

  test("flag a SOLD seat whose order's reservation is not CONFIRMED", () => {
    const snap = cleanDrop();
    const r = snap.reservations.find((x) => x.reservationId === "rsv_1");
    if (r) r.status = "EXPIRED";
    expect(failed(snap)).toContain("every SOLD seat belongs to exactly one CONFIRMED order");
  });

  test("flag a seat still HELD past its hold time plus grace, but not one inside the grace", () => {
    const stale = cleanDrop();
    stale.seats.push({
      seatId: "A-1-3",
      status: "HELD",
      holder: "rsv_8",
      holdExpiresAt: NOW - GRACE - 1,
      updatedAt: NOW - 30_000,
    });
    expect(failed(stale, { demandExceedsSeats: false })).toEqual(["no seat HELD past its hold time + grace"]);
    const fresh = cleanDrop();
    fresh.seats.push({
      seatId: "A-1-3",
      status: "HELD",
      holder: "rsv_8",
      holdExpiresAt: NOW - GRACE + 100,
      updatedAt: NOW - 30_000,
    });
    expect(failed(fresh, { demandExceedsSeats: false })).toEqual([]);
  });

  test("flag a stale hold seen during the drop even when it is gone at the end", () => {
    expect(
      failed(cleanDrop(), {
        staleSightings: [{ seatId: "A-1-2", holder: "rsv_2", lateMs: 9000, at: NOW - 20_000 }],
      }),
    ).toEqual(["no seat HELD past its hold time + grace"]);
  });

  test("flag an expired hold released later than hold + grace", () => {
    const snap = cleanDrop();
    const h = snap.holds.find((x) => x.reservationId === "rsv_2");
    if (h) h.updatedAt = h.holdExpiresAt + GRACE + 1;
    expect(failed(snap)).toEqual(["unpaid holds released within hold + grace"]);
  });

  test("flag outcomes that do not add up: a buyer told CONFIRMED whose reservation is not, and an unknown reservation", () => {
    const snap = cleanDrop();
    snap.reservations.push({
      reservationId: "rsv_x",
      userId: "u5",
      status: "CANCELLED",
      seatIds: ["A-1-2"],
      holdExpiresAt: NOW,
      updatedAt: NOW,
    });
    const wrong: BuyerRecord[] = buyers.map((b) => (b.userId === "u2" ? { ...b, outcome: "confirmed" } : b));
    const report = checkStores(snap, { ...input, buyers: wrong });
    const adds = report.checks.find((c) => c.name === "outcome counts add up");
    expect(adds?.ok).toBe(false);
    expect(adds?.examples.join("\n")).toContain("u2 ended confirmed but rsv_2 is EXPIRED");
    expect(adds?.examples.join("\n")).toContain("rsv_x");
  });

  test("flag unsold seats when demand exceeded supply", () => {
    const snap = cleanDrop();
    snap.seats.push({ seatId: "A-1-3", status: "AVAILABLE", updatedAt: NOW });
    expect(failed(snap)).toEqual(["every seat sold (demand exceeds seats)"]);
    expect(failed(snap, { demandExceedsSeats: false })).toEqual([]);
  });
});
