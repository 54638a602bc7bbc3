import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { events } from "@tt/contracts";
import { type EventDetail, newEvent } from "@tt/kit";
import { EventHandler, StillHeld } from "../../src/domain/event-handler.ts";
import {
  type Payments,
  Refusal,
  type Reservations,
  type ReservationView,
  type SaleOrders,
  type Told,
} from "../../src/domain/ports.ts";

const NOW = 1_700_000_000_000;

/** Reservations fake: answers confirm with `confirmAnswer` and get with `view`. */
function fakes(confirmAnswer?: Error, view: Partial<ReservationView> = {}) {
  const refunds: string[] = [];
  const told: Told[] = [];
  const expired: string[] = [];
  const reservations: Reservations = {
    confirm: async (req) => {
      if (confirmAnswer) throw confirmAnswer;
      return `ord_${req.reservationId}`;
    },
    expire: async ({ reservationId }) => {
      expired.push(reservationId);
      return { changed: true };
    },
    get: async () => ({ status: "HOLD", paymentIntentId: "", holdExpiresAt: NOW + 10_000, ...view }),
  };
  const payments: Payments = { refund: async (id) => void refunds.push(id) };
  const buyers = { tell: async (t: Told) => void told.push(t) };
  return {
    handler: new EventHandler(reservations, payments, () => NOW, buyers),
    reservations,
    payments,
    buyers,
    refunds,
    told,
    expired,
  };
}

const approved = newEvent("payment", {
  case: "paymentApproved",
  value: create(events.PaymentApprovedSchema, { paymentIntentId: "pi_1", reservationId: "r1", userId: "u1" }),
} as EventDetail);

describe("payment.approved", () => {
  test("confirms the reservation", async () => {
    expect(await fakes().handler.handle(approved)).toBe("confirmed");
  });

  test("refunds when the hold has passed, even before the expiry timer ran", async () => {
    const { handler, refunds } = fakes(new Refusal("RESERVATION_EXPIRED", "late"), {
      holdExpiresAt: NOW - 1,
    });
    expect(await handler.handle(approved)).toBe("refunded");
    expect(refunds).toEqual(["pi_1"]);
  });

  test("refunds a payment for a reservation confirmed with another payment or cancelled", async () => {
    for (const view of [
      { status: "CONFIRMED", paymentIntentId: "pi_other" },
      { status: "CANCELLED" },
    ] as const) {
      const { handler, refunds } = fakes(new Refusal("INVALID_STATE", "no"), view);
      expect(await handler.handle(approved)).toBe("refunded");
      expect(refunds).toEqual(["pi_1"]);
    }
  });

  test("is a no-op when this very payment already confirmed it", async () => {
    const { handler, refunds } = fakes(new Refusal("RESERVATION_ALREADY_CONFIRMED", "dup"), {
      status: "CONFIRMED",
      paymentIntentId: "pi_1",
    });
    expect(await handler.handle(approved)).toBe("noop");
    expect(refunds).toEqual([]);
  });

  test("retries while the hold is live (another confirm may be finishing), and on transient errors", async () => {
    await expect(fakes(new Refusal("INVALID_STATE", "busy")).handler.handle(approved)).rejects.toBeInstanceOf(
      StillHeld,
    );
    await expect(fakes(new Error("upstream down")).handler.handle(approved)).rejects.toThrow("upstream down");
  });

  test("refunds a payment that can never confirm (unknown reservation, wrong amount)", async () => {
    const { handler, refunds } = fakes(new Refusal("PAYMENT_NOT_APPROVED", "amount differs"));
    expect(await handler.handle(approved)).toBe("refunded");
    expect(refunds).toEqual(["pi_1"]);
  });
});

describe("other events", () => {
  test("events the worker has no job for are acknowledged as ignored", async () => {
    const created = newEvent("reservation", {
      case: "reservationCreated",
      value: create(events.ReservationCreatedSchema, { reservationId: "r1" }),
    } as EventDetail);
    expect(await fakes().handler.handle(created)).toBe("ignored");
  });
});

describe("reservation.confirmed", () => {
  const confirmed = (reservationId: string) =>
    newEvent("reservation", {
      case: "reservationConfirmed",
      value: create(events.ReservationConfirmedSchema, { reservationId, eventId: "evt_1", orderId: "o" }),
    } as EventDetail);

  test("counts the order under its event once, however often the fact is delivered", async () => {
    const seen = new Set<string>();
    const counted: string[] = [];
    const orders: SaleOrders = {
      count: async (eventId, reservationId) => {
        if (seen.has(reservationId)) return false;
        seen.add(reservationId);
        counted.push(`${eventId}/${reservationId}`);
        return true;
      },
    };
    const { reservations, payments, buyers } = fakes();
    const handler = new EventHandler(reservations, payments, () => NOW, buyers, undefined, orders);
    expect(await handler.handle(confirmed("r1"))).toBe("counted");
    expect(await handler.handle(confirmed("r1"))).toBe("noop");
    expect(await handler.handle(confirmed("r2"))).toBe("counted");
    expect(counted).toEqual(["evt_1/r1", "evt_1/r2"]);
  });

  test("a count that could not be written is retried; without a counter the fact is ignored", async () => {
    const { reservations, payments, buyers } = fakes();
    const down: SaleOrders = { count: async () => Promise.reject(new Error("redis down")) };
    const handler = new EventHandler(reservations, payments, () => NOW, buyers, undefined, down);
    await expect(handler.handle(confirmed("r1"))).rejects.toThrow("redis down");
    expect(await fakes().handler.handle(confirmed("r1"))).toBe("ignored");
  });
});

const failed = newEvent("payment", {
  case: "paymentFailed",
  value: create(events.PaymentFailedSchema, { paymentIntentId: "pi_2", reservationId: "r2", userId: "u1" }),
} as EventDetail);
const due = (reservationId: string) =>
  newEvent("reservation.timer", {
    case: "reservationHoldDue",
    value: create(events.ReservationHoldDueSchema, { reservationId, eventId: "e" }),
  } as EventDetail);

describe("payment.failed", () => {
  test("leaves the hold standing and tells the buyer to pay again", async () => {
    const f = fakes();
    expect(await f.handler.handle(failed)).toBe("declined");
    expect(f.told).toEqual([{ reservationId: "r2", status: "DECLINED", paymentIntentId: "pi_2" }]);
  });

  test("tells nothing once the hold is no longer payable: confirmed by another payment, ended, or past its time", async () => {
    for (const view of [
      { status: "CONFIRMED", paymentIntentId: "pi_other" },
      { status: "EXPIRED" },
      { status: "CANCELLED" },
      { status: "HOLD", holdExpiresAt: NOW - 1 },
    ] as const) {
      const f = fakes(undefined, view);
      expect(await f.handler.handle(failed)).toBe("noop");
      expect(f.told).toEqual([]);
    }
  });
});

describe("telling the buyer", () => {
  test("each outcome the worker makes is told to the buyer, with the order", async () => {
    const f = fakes();
    await f.handler.handle(approved);
    await f.handler.handle(failed);
    await f.handler.handle(due("r3"));
    expect(f.told).toEqual([
      { reservationId: "r1", status: "CONFIRMED", orderId: "ord_r1" },
      { reservationId: "r2", status: "DECLINED", paymentIntentId: "pi_2" },
      { reservationId: "r3", status: "EXPIRED" },
    ]);
  });

  test("nothing is told when the worker changed nothing", async () => {
    const f = fakes(new Refusal("PAYMENT_NOT_APPROVED", "no"));
    await f.handler.handle(approved);
    expect(f.told).toEqual([]);
  });
});

describe("reservation.hold_due", () => {
  test("expires the hold", async () => {
    const f = fakes();
    expect(await f.handler.handle(due("r9"))).toBe("expired");
    expect(f.expired).toEqual(["r9"]);
  });

  test("a reservation this worker confirmed is not asked again when its timer fires", async () => {
    const f = fakes();
    await f.handler.handle(approved);
    expect(await f.handler.handle(due("r1"))).toBe("noop");
    expect(await f.handler.handle(due("r3"))).toBe("expired");
    expect(f.expired).toEqual(["r3"]);
  });

  test("a hold whose payment was declined is still expired by its timer", async () => {
    const f = fakes();
    await f.handler.handle(failed);
    expect(await f.handler.handle(due("r2"))).toBe("expired");
  });
});
