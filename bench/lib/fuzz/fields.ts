/**
 * Plausible values for the fields the platform's REST bodies and Connect messages name, built
 * around the fuzz platform's real ids: a request that names a real event or hold gets past
 * validation into the services' own code, where the interesting failures live.
 */
import { EVENT_ID_PATTERN } from "@tt/kit/limits";
import fc from "fast-check";
import type { FuzzFixtures } from "./stack.ts";
import { anyNumber, anyString, type FuzzJson, objectOf, RawNumber } from "./values.ts";

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const isoDate = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "0000-01-01T00:00:00Z",
      "+275760-09-13T00:00:00.000Z",
      "9999-12-31T23:59:59.999999999Z",
      "2030-02-30T10:00:00Z",
      "2030-12-31T10:00:00+99:00",
      "yesterday",
    ),
  },
);
const text = fc.oneof(
  { weight: 10, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: anyString },
);
const int = (min: number, max: number) => fc.integer({ min, max }).map((n) => new RawNumber(String(n)));
const numberOr = (plausible: fc.Arbitrary<RawNumber>) =>
  fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: anyNumber });

/** Field generators by JSON name (snake_case REST names and camelCase proto JSON names alike). */
export function fieldGenerators(fx: FuzzFixtures): Record<string, fc.Arbitrary<FuzzJson>> {
  const eventId = fc.oneof(
    { weight: 4, arbitrary: fc.constant(fx.eventId) },
    { weight: 1, arbitrary: fc.constant("evt_missing") },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/).map((s) => `evt_${s}`) },
    { weight: 1, arbitrary: fc.stringMatching(new RegExp(EVENT_ID_PATTERN)) },
  );
  const reservationId = fc.oneof(
    { weight: 3, arbitrary: fc.constant(fx.reservationId) },
    { weight: 2, arbitrary: hex(32).map((h) => `rsv_${h}`) },
  );
  const seatId = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 30 })).map(([r, n]) => `A-${r}-${n}`),
    fc.constantFrom("VIP-1-1", "A-1-1", "A--1", "-", "A-1-1-1"),
  );
  const section = objectOf({
    section_id: fc.constantFrom("A", "B", "VIP"),
    name: text,
    price: int(0, 1_000_000),
    // Small maps: every generated event writes each of its seats to the store.
    rows: int(1, 4),
    seats_per_row: int(1, 4),
  });
  const base: Record<string, fc.Arbitrary<FuzzJson>> = {
    event_id: eventId,
    user_id: fc.oneof(fc.constant(fx.userId), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/)),
    roles: fc.array(fc.constantFrom("admin", "buyer", ""), { maxLength: 3 }),
    seat_ids: fc.array(seatId, { maxLength: 12 }),
    quantity: numberOr(int(0, 12)),
    section_id: fc.constantFrom("A", "B", "", "VIP"),
    reservation_token: fc.oneof(fc.constant("rt1.e30.AAAA"), anyString),
    waiting_token: fc.oneof(
      fc.string({ minLength: 22, maxLength: 22 }).map((s) => `${fx.eventId}.${s}`),
      anyString,
    ),
    payment_intent_id: hex(32).map((h) => `pi_${h}`),
    reservation_id: reservationId,
    order_id: hex(32).map((h) => `ord_${h}`),
    amount: numberOr(int(1, 200_000)),
    currency: fc.oneof(
      { weight: 4, arbitrary: fc.constant("KRW") },
      { weight: 1, arbitrary: fc.constantFrom("USD", "krw", "KRWW", "") },
    ),
    scenario: fc.constantFrom("approve", "fail", "delay", "random", "APPROVE", ""),
    name: text,
    venue: text,
    starts_at: isoDate,
    sale_opens_at: isoDate,
    sale_closes_at: isoDate,
    opens_at: fc.oneof(isoDate, fc.constant(null)),
    sections: fc.array(section, { minLength: 1, maxLength: 2 }),
    pre_queue: fc.boolean(),
    rate: numberOr(int(0, 1000)),
    cap: numberOr(int(0, 10_000)),
    page_size: numberOr(int(0, 200)),
    page_token: anyString,
    include_seats: fc.boolean(),
    idempotency_key: fc.uuid(),
    webhook_url: fc.constantFrom("http://127.0.0.1:1/hook", "not a url", ""),
    reason: anyString,
    service: fc.constantFrom("", "inventory.v1.InventoryService", "nope"),
  };
  // Proto JSON names are the camelCase of the same fields.
  const camel = Object.fromEntries(
    Object.entries(base).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
  return { ...base, ...camel };
}

/** The body fields of each REST route that takes one, by `METHOD path` (path as OpenAPI writes it). */
export const REST_BODY_FIELDS: Record<string, string[]> = {
  "POST /api/v1/auth/dev-login": ["user_id", "roles"],
  "POST /api/v1/queue/join": ["event_id", "user_id"],
  "POST /api/v1/queue/enter": ["waiting_token"],
  "POST /api/v1/reservations": ["event_id", "seat_ids", "quantity", "section_id", "reservation_token"],
  "POST /api/v1/reservations/{id}/confirm": ["payment_intent_id"],
  "POST /api/v1/payments/intent": ["reservation_id", "amount", "currency", "scenario"],
  "POST /api/v1/admin/events": [
    "event_id",
    "name",
    "venue",
    "starts_at",
    "sale_opens_at",
    "sale_closes_at",
    "currency",
    "sections",
    "pre_queue",
  ],
  "PATCH /api/v1/admin/events/{id}/queue": ["rate", "cap", "opens_at"],
  "POST /v1/reservations": ["event_id", "seat_ids", "quantity", "section_id", "reservation_token"],
  "POST /v1/reservations/{id}/confirm": ["payment_intent_id"],
};
