import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { events } from "@tt/contracts";
import { decodeEvent, EVENT_TYPES, EventCodecError, encodeEvent, newEvent } from "../src/events.ts";

const created = () =>
  newEvent(
    "reservation",
    {
      case: "reservationCreated",
      value: create(events.ReservationCreatedSchema, {
        reservationId: "rsv_1",
        eventId: "evt_1",
        userId: "u1",
        seatIds: ["A-1-1"],
        totalAmount: 50_000n,
        currency: "KRW",
        holdExpiresAt: timestampFromMs(Date.UTC(2026, 0, 1, 0, 1)),
      }),
    },
    new Date(Date.UTC(2026, 0, 1)),
  );

describe("event envelope codec", () => {
  test("knows every event type of events.proto", () => {
    expect([...EVENT_TYPES].sort()).toEqual([
      "payment.approved",
      "payment.failed",
      "payment.refunded",
      "reservation.cancelled",
      "reservation.confirmed",
      "reservation.created",
      "reservation.expired",
      "reservation.hold_due",
    ]);
  });

  test("writes the documented wire shape: snake_case detail, ISO time, type from the detail", () => {
    const wire = JSON.parse(encodeEvent(created()));
    expect(Object.keys(wire)).toEqual(["id", "type", "source", "time", "trace_id", "traceparent", "detail"]);
    expect(wire).toMatchObject({
      type: "reservation.created",
      source: "reservation",
      time: "2026-01-01T00:00:00.000Z",
    });
    expect(wire.detail).toEqual({
      reservation_id: "rsv_1",
      event_id: "evt_1",
      user_id: "u1",
      seat_ids: ["A-1-1"],
      total_amount: "50000",
      currency: "KRW",
      hold_expires_at: "2026-01-01T00:01:00Z",
    });
  });

  test("reads back what it wrote", () => {
    const original = created();
    const decoded = decodeEvent(encodeEvent(original));
    expect(decoded.id).toBe(original.id);
    expect(decoded.detail.case).toBe("reservationCreated");
    expect(decoded.detail.value).toEqual(original.detail.value);
  });

  test("tolerates detail fields it does not know (a newer producer)", () => {
    const wire = JSON.parse(encodeEvent(created()));
    wire.detail.added_later = true;
    expect(decodeEvent(JSON.stringify(wire)).type).toBe("reservation.created");
  });

  test("refuses malformed messages with EventCodecError", () => {
    const good = JSON.parse(encodeEvent(created()));
    for (const bad of [
      "not json",
      "[]",
      JSON.stringify({ ...good, type: "reservation.teleported" }),
      JSON.stringify({ ...good, id: "" }),
      JSON.stringify({ ...good, time: "yesterday" }),
      JSON.stringify({ ...good, detail: { seat_ids: "A-1-1" } }),
    ]) {
      expect(() => decodeEvent(bad)).toThrow(EventCodecError);
    }
  });
});
