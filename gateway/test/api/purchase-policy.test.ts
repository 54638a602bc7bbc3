// One admission, one purchase, through the gateway on the whole real platform: the purchase
// policy set through the admin API and refused on the REST hold route.
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

/** A signed-in buyer (load-test bypass token naming the buyer). */
const buyer = (userId: string) =>
  apiClient(base, { authorization: "Bearer load-test-bypass-token", "x-user-id": userId });
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
