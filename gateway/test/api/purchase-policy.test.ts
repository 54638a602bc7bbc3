// One admission, one purchase, through the gateway on the whole real platform: the purchase
// policy set through the admin API and refused on the REST hold route, one live reservation
// token per buyer, and anonymous places capped per client address.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { ADMIN, apiClient, createOnSaleEvent, startApiPlatform } from "./platform.ts";

const EVENT_ID = `evt_policy_${Date.now().toString(36)}`;
let stack: LocalStack;
let base: string;
const idem = () => ({ "idempotency-key": crypto.randomUUID() });

beforeAll(async () => {
  stack = await startApiPlatform(60, {
    base: 14000,
    // Limits on, as in production (each test client behind its own address), with a small cap
    // on anonymous places per address.
    env: { RATE_LIMIT_ENABLED: "true", TRUST_PROXY: "true", QUEUE_MAX_PLACES_PER_CLIENT: "2" },
    // An operator's change reaches holds at once here (production reuses a read for 1 s).
    serviceEnv: { reservation: { PURCHASE_POLICY_CACHE_MS: "0" } },
  });
  base = stack.urls.gateway;
  expect(
    await createOnSaleEvent(base, EVENT_ID, "Policy night", [
      { section_id: "A", name: "Floor", price: 50000, rows: 4, seats_per_row: 10 },
    ]),
  ).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

let addresses = 0;
const nextAddress = () => `10.77.${Math.floor(++addresses / 250)}.${addresses % 250}`;

/** A signed-in buyer (load-test bypass token naming the buyer), behind an address of its own. */
const buyer = (userId: string) =>
  apiClient(base, {
    authorization: "Bearer load-test-bypass-token",
    "x-user-id": userId,
    "x-forwarded-for": nextAddress(),
  });
type Buyer = ReturnType<typeof buyer>;

/** Join → admitted → enter: the buyer's waiting token and a reservation token. */
async function admitted(b: Buyer) {
  const joined = await b("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
  expect(joined.status).toBe(202);
  const waiting: string = joined.body.waiting_token;
  await eventually(
    async () =>
      (await b("GET", `/api/v1/queue/status?token=${encodeURIComponent(waiting)}`)).body.ready_for_entry,
  );
  const entered = await b("POST", "/api/v1/queue/enter", { waiting_token: waiting });
  expect(entered.status).toBe(200);
  return { waiting, token: entered.body.reservation_token as string };
}

const holdWith = (b: Buyer, token: string, seatIds: string[]) =>
  b(
    "POST",
    "/api/v1/reservations",
    { event_id: EVENT_ID, seat_ids: seatIds, reservation_token: token },
    idem(),
  );

describe("the purchase policy through the admin API", () => {
  test("only an admin reads and changes it; bad values are 400; null gives the default back", async () => {
    const path = `/api/v1/admin/events/${EVENT_ID}/purchase-policy`;
    expect((await buyer("not-ops")("GET", path)).status).toBe(403);
    const admin = apiClient(base, ADMIN);
    expect((await admin("GET", path)).body).toEqual({
      event_id: EVENT_ID,
      max_live_reservations: null,
      max_seats_per_user: null,
      version: 0,
    });
    const changed = await admin("PATCH", path, { max_live_reservations: 2, max_seats_per_user: 3 });
    expect(changed.body).toMatchObject({ max_live_reservations: 2, max_seats_per_user: 3, version: 1 });
    for (const bad of [
      { max_live_reservations: 0 },
      { max_live_reservations: 11 },
      { max_seats_per_user: 1.5 },
    ]) {
      const refused = await admin("PATCH", path, bad);
      expect([refused.status, refused.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    }
    const back = await admin("PATCH", path, { max_live_reservations: null, max_seats_per_user: null });
    expect(back.body).toMatchObject({ max_live_reservations: null, max_seats_per_user: null, version: 2 });
    const unknown = await admin("GET", "/api/v1/admin/events/evt_never_made/purchase-policy");
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "EVENT_NOT_FOUND"]);
  });
});

describe("holds through the gateway", () => {
  test("a second live hold is 409 RESERVATION_LIMIT in the standard body; the first still stands", async () => {
    const b = buyer("pp-second");
    const { waiting, token } = await admitted(b);
    const first = await holdWith(b, token, ["A-1-1"]);
    expect(first.status).toBe(201);
    const again = await b("POST", "/api/v1/queue/enter", { waiting_token: waiting });
    const second = await holdWith(b, again.body.reservation_token, ["A-1-2"]);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: "RESERVATION_LIMIT",
      details: { max_live_reservations: "1", reservation_id: first.body.reservation_id },
    });
    expect(second.body.error.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const seats = (await b("GET", `/api/v1/events/${EVENT_ID}/availability`)).body.seats;
    expect([seats["A-1-1"], seats["A-1-2"]]).toEqual(["HELD", "AVAILABLE"]);
  });
});

describe("one live reservation token per buyer", () => {
  test("enter again replaces the token: the old one is refused, the new one holds, a repeat is still answered", async () => {
    const b = buyer("pp-reenter");
    const { waiting, token: first } = await admitted(b);
    const second = (await b("POST", "/api/v1/queue/enter", { waiting_token: waiting })).body
      .reservation_token;
    const stale = await holdWith(b, first, ["A-2-1"]);
    expect([stale.status, stale.body.error.code]).toEqual([403, "RESERVATION_TOKEN_INVALID"]);
    const key = idem();
    const body = { event_id: EVENT_ID, seat_ids: ["A-2-1"], reservation_token: second };
    const held = await b("POST", "/api/v1/reservations", body, key);
    expect(held.status).toBe(201);
    // Entering yet again replaces that token too, but the request it paid for is still answered.
    expect((await b("POST", "/api/v1/queue/enter", { waiting_token: waiting })).status).toBe(200);
    const repeat = await b("POST", "/api/v1/reservations", body, key);
    expect([repeat.status, repeat.headers.get("x-idempotency-replayed")]).toEqual([201, "true"]);
    expect(repeat.body.reservation_id).toBe(held.body.reservation_id);
  });
});

describe("anonymous places per client address", () => {
  test("a third anonymous place from one address is 429 QUEUE_CLIENT_LIMIT; another address joins", async () => {
    const from = (ip: string) => apiClient(base, { "x-forwarded-for": ip });
    const join = (ip: string) => from(ip)("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    expect((await join("10.99.0.1")).status).toBe(202);
    expect((await join("10.99.0.1")).status).toBe(202);
    const third = await join("10.99.0.1");
    expect([third.status, third.body.error.code]).toEqual([429, "QUEUE_CLIENT_LIMIT"]);
    expect(third.body.error.details).toEqual({ max_places_per_client: "2" });
    expect((await join("10.99.0.2")).status).toBe(202);
  });
});
