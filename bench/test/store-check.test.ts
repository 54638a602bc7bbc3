import { describe, expect, test } from "bun:test";
import type { BuyerRecord } from "../drop/buyer.ts";
import { describeDlqMessage } from "../drop/dlq-read.ts";
import { type CheckInput, checkStores, type DlqContents, type StoreSnapshot } from "../drop/store-check.ts";

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
      { orderId: "ord_1", reservationId: "rsv_1", userId: "u1", seatIds: ["A-1-1"], paymentIntentId: "pi_1" },
      { orderId: "ord_3", reservationId: "rsv_3", userId: "u3", seatIds: ["A-1-2"], paymentIntentId: "pi_3" },
    ],
    // u3's first card was declined, the second approved; u2 walked away without paying.
    payments: [
      { intentId: "pi_1", reservationId: "rsv_1", status: "APPROVED", amount: 5000, updatedAt: NOW - 50_500 },
      { intentId: "pi_3x", reservationId: "rsv_3", status: "FAILED", amount: 5000, updatedAt: NOW - 25_000 },
      { intentId: "pi_3", reservationId: "rsv_3", status: "APPROVED", amount: 5000, updatedAt: NOW - 20_500 },
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
    snap.orders.push({
      orderId: "ord_9",
      reservationId: "rsv_9",
      userId: "u9",
      seatIds: ["A-1-1"],
      paymentIntentId: "pi_9",
    });
    snap.payments.push({
      intentId: "pi_9",
      reservationId: "rsv_9",
      status: "APPROVED",
      amount: 5000,
      updatedAt: NOW,
    });
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

  test("accept an expired hold whose buyer never got the answer, but not one that is still held or sold", () => {
    const snap = cleanDrop();
    const ghost = {
      reservationId: "rsv_lost",
      userId: "u6",
      status: "EXPIRED" as const,
      seatIds: ["A-1-2"],
      holdExpiresAt: NOW - 30_000,
      updatedAt: NOW - 29_000,
    };
    snap.reservations.push(ghost);
    const lost: BuyerRecord[] = [
      ...buyers,
      { userId: "u6", outcome: "error", reason: "hold: 503 UPSTREAM_UNAVAILABLE" },
    ];
    expect(failed(snap, { buyers: lost })).toEqual([]);
    // The same reservation for a buyer whose error came later is one nobody was told about.
    const other: BuyerRecord[] = [
      ...buyers,
      { userId: "u6", outcome: "error", reason: "payment intent: 503" },
    ];
    expect(failed(snap, { buyers: other })).toEqual(["outcome counts add up"]);
  });

  test("a declined buyer who walked away left the hold to expire; one whose hold was released at once is flagged", () => {
    const snap = cleanDrop();
    const declined: BuyerRecord[] = buyers.map((b) =>
      b.userId === "u2" ? { ...b, outcome: "payment_failed" } : b,
    );
    snap.payments.push({
      intentId: "pi_2",
      reservationId: "rsv_2",
      status: "FAILED",
      amount: 5000,
      updatedAt: NOW,
    });
    expect(failed(snap, { buyers: declined })).toEqual([]);
    const r = snap.reservations.find((x) => x.reservationId === "rsv_2");
    if (r) r.status = "CANCELLED";
    const report = checkStores(snap, { ...input, buyers: declined });
    expect(report.checks.find((c) => c.name === "outcome counts add up")?.examples).toContain(
      "u2 ended payment_failed but rsv_2 is CANCELLED",
    );
  });

  test("flag unsold seats when demand exceeded supply", () => {
    const snap = cleanDrop();
    snap.seats.push({ seatId: "A-1-3", status: "AVAILABLE", updatedAt: NOW });
    expect(failed(snap)).toEqual(["every seat sold (demand exceeds seats)"]);
    expect(failed(snap, { demandExceedsSeats: false })).toEqual([]);
  });

  test("count the event's payment intents by status", () => {
    expect(checkStores(cleanDrop(), input).paymentCounts).toEqual({ APPROVED: 2, FAILED: 1 });
  });
});

describe("the money check", () => {
  const MONEY = "every approved payment is one order or a refund";
  const money = (snap: StoreSnapshot) => checkStores(snap, input).checks.find((c) => c.name === MONEY);

  test("passes an APPROVED intent whose reservation expired once it is refunded", () => {
    const snap = cleanDrop();
    snap.payments.push({
      intentId: "pi_2",
      reservationId: "rsv_2",
      status: "REFUNDED",
      amount: 5000,
      updatedAt: NOW,
    });
    expect(failed(snap)).toEqual([]);
  });

  test("passes a reservation paid twice whose second approval was refunded, flags one that kept both", () => {
    const snap = cleanDrop();
    const twice = {
      intentId: "pi_1b",
      reservationId: "rsv_1",
      status: "REFUNDED",
      amount: 5000,
      updatedAt: NOW,
    };
    snap.payments.push(twice);
    expect(failed(snap)).toEqual([]);
    twice.status = "APPROVED";
    expect(failed(snap)).toEqual([MONEY]);
    expect(money(snap)?.examples).toContain(
      "reservation rsv_1 keeps 2 APPROVED payments (one at most, others refunded)",
    );
  });

  test("flags an APPROVED intent with no order and no refund", () => {
    const snap = cleanDrop();
    snap.payments.push({
      intentId: "pi_2",
      reservationId: "rsv_2",
      status: "APPROVED",
      amount: 5000,
      updatedAt: NOW,
    });
    expect(failed(snap)).toEqual([MONEY]);
    expect(money(snap)?.examples).toEqual([
      "APPROVED pi_2 (reservation rsv_2, 5000) has no order and was not refunded",
    ]);
  });

  test("flags one APPROVED intent paying for two orders", () => {
    const snap = cleanDrop();
    const second = snap.orders.find((o) => o.orderId === "ord_3");
    if (second) second.paymentIntentId = "pi_1";
    const check = money(snap);
    expect(check?.ok).toBe(false);
    expect(check?.examples.join("\n")).toContain("APPROVED pi_1 pays for 2 orders: ord_1, ord_3");
  });

  test("flags a REFUNDED intent that still pays for an order", () => {
    const snap = cleanDrop();
    const p = snap.payments.find((x) => x.intentId === "pi_1");
    if (p) p.status = "REFUNDED";
    expect(failed(snap)).toEqual([MONEY]);
    expect(money(snap)?.examples).toEqual(["order ord_1: its payment intent pi_1 is REFUNDED"]);
  });

  test("flags an order whose intent FAILED, and one whose intent is missing", () => {
    const snap = cleanDrop();
    const [first, second] = snap.orders;
    if (first) first.paymentIntentId = "pi_3x";
    if (second) second.paymentIntentId = "pi_gone";
    const examples = money(snap)?.examples.join("\n") ?? "";
    expect(examples).toContain("order ord_1: its payment intent pi_3x is FAILED");
    expect(examples).toContain("order ord_3: its payment intent pi_gone is missing");
  });

  test("flags an order paid with another reservation's money", () => {
    const snap = cleanDrop();
    const p = snap.payments.find((x) => x.intentId === "pi_3");
    if (p) p.reservationId = "rsv_2";
    expect(money(snap)?.examples).toEqual([
      "order ord_3 (reservation rsv_3) is paid by pi_3, an intent for rsv_2",
    ]);
  });
});

describe("the lingering-HOLD check", () => {
  const LINGER = "no reservation in HOLD past its hold + grace";
  const held = (holdExpiresAt: number): StoreSnapshot => {
    const snap = cleanDrop();
    snap.reservations.push({
      reservationId: "rsv_8",
      userId: "u8",
      status: "HOLD",
      seatIds: ["A-1-3"],
      holdExpiresAt,
      updatedAt: NOW - 30_000,
    });
    return snap;
  };

  test("flags a reservation still HOLD past its hold + grace", () => {
    const snap = held(NOW - GRACE - 1);
    // The older HELD-seat check lists HOLD reservations too; this one names them on their own.
    expect(failed(snap)).toContain(LINGER);
    const check = checkStores(snap, input).checks.find((c) => c.name === LINGER);
    expect(check?.examples).toEqual([
      `rsv_8 (u8, seats A-1-3) HOLD ${GRACE + 1} ms past its expiry (grace 5 s)`,
    ]);
  });

  test("passes a HOLD still inside its grace", () => {
    expect(failed(held(NOW - GRACE + 100))).toEqual([]);
  });
});

describe("the dead-letter queue check", () => {
  const DLQ = "nothing in the dead-letter queue that no check accounts for";
  const approved = JSON.stringify({
    id: "evt-1",
    type: "payment.approved",
    source: "payment",
    time: "2026-01-01T00:00:00.000Z",
    detail: { payment_intent_id: "pi_7", reservation_id: "rsv_7", user_id: "u7" },
  });
  const dlqCheck = (dlq: DlqContents) =>
    checkStores(cleanDrop(), { ...input, dlq }).checks.find((c) => c.name === DLQ);

  test("is not run when the DLQ was not read", () => {
    expect(checkStores(cleanDrop(), input).checks.map((c) => c.name)).not.toContain(DLQ);
  });

  test("passes an empty DLQ", () => {
    expect(dlqCheck({ approximateCount: 0, approximateInFlight: 0, messages: [] })?.ok).toBe(true);
  });

  test("flags each message with its type and ids", () => {
    const check = dlqCheck({
      approximateCount: 2,
      approximateInFlight: 0,
      messages: [describeDlqMessage("m1", approved), describeDlqMessage("m2", "not json")],
    });
    expect(check?.ok).toBe(false);
    expect(check?.violations).toBe(2);
    expect(check?.examples).toEqual([
      "payment.approved reservation rsv_7, payment pi_7 (event evt-1)",
      "not an event envelope (message m2): not json",
    ]);
  });

  test("flags messages the queue counts even when the read returned none", () => {
    const check = dlqCheck({ approximateCount: 3, approximateInFlight: 1, messages: [] });
    expect(check?.violations).toBe(4);
    expect(check?.examples).toEqual(["4 more messages that the queue counts but the read did not return"]);
  });
});
