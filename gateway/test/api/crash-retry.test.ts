// A buyer whose hold request died with the reservation process retries at once, on the whole
// real platform. The hold landed in inventory for a reservation never stored (a ghost of the
// buyer's own), and its timer will not look for seconds. The retry must get the seats, not lose
// to that ghost: before, it was refused 409 SEAT_UNAVAILABLE until the ghost's look freed them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { apiClient, enterSale, readStore, startBehindHoldProxy } from "./platform.ts";

const EVENT_ID = `evt_retry_${Date.now().toString(36)}`;
const SEATS = ["A-1-1", "A-1-2"];
// The gateway gives each create 8 s, so the ghost's first look comes 8 s after it started: long
// after the retry below.
const CREATE_BUDGET_MS = 8_000;
let stack: LocalStack;
let proxy: Awaited<ReturnType<typeof startBehindHoldProxy>>["proxy"];

beforeAll(async () => {
  ({ stack, proxy } = await startBehindHoldProxy(30, {
    base: 25000,
    eventId: EVENT_ID,
    serviceEnv: { gateway: { RESERVATION_TIMEOUT_MS: String(CREATE_BUDGET_MS) } },
  }));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  proxy?.stop();
});

const heldSeats = () =>
  readStore(stack, EVENT_ID, async (r) =>
    (await r.snapshot()).seats.filter((s) => s.status === "HELD").map((s) => s.seatId),
  );

test("a retry right after the reservation process died mid-create gets the seats its own ghost held", async () => {
  const b = apiClient(stack.urls.gateway, {
    authorization: "Bearer load-test-bypass-token",
    "x-user-id": "retry-1",
  });
  const token = await enterSale(b, EVENT_ID);
  const body = { event_id: EVENT_ID, seat_ids: SEATS, reservation_token: token };
  const key = { "idempotency-key": crypto.randomUUID() };
  proxy.state.delayMs = 1_000;
  const started = Date.now();
  const first = b("POST", "/api/v1/reservations", body, key);
  await Bun.sleep(300);
  process.kill(stack.pidOf("reservation") as number, "SIGKILL");
  expect((await first).status).toBeGreaterThanOrEqual(500);
  proxy.state.delayMs = 0;
  // The held-back hold lands after the kill: the buyer's seats, held by a ghost.
  await eventually(async () => (await heldSeats()).length === SEATS.length, 5_000, 100);

  // The buyer retries the same request while reservation comes back (503 meanwhile).
  let retry = await b("POST", "/api/v1/reservations", body, key);
  while (retry.status >= 500 && Date.now() - started < 6_000) {
    await Bun.sleep(200);
    retry = await b("POST", "/api/v1/reservations", body, key);
  }
  expect(retry.status).toBe(201);
  expect([...retry.body.seat_ids].sort()).toEqual(SEATS);
  // Well before the ghost's own look would have freed the seats.
  expect(Date.now() - started).toBeLessThan(CREATE_BUDGET_MS);
}, 60_000);
