// The moment a drop is about, on the whole real platform: many admitted buyers reaching for the
// same seats at once, and a hold whose inventory call lands after its request gave up.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { apiClient, enterSale, readStore, startBehindHoldProxy } from "./platform.ts";

const EVENT_ID = `evt_hot_${Date.now().toString(36)}`;
let stack: LocalStack;
let base: string;

// Between reservation and inventory: ReserveSeats calls held back when asked to, so they reach
// inventory after reservation's deadline.
let proxy: Awaited<ReturnType<typeof startBehindHoldProxy>>["proxy"];

beforeAll(async () => {
  ({ stack, proxy } = await startBehindHoldProxy(60, {
    base: 17000,
    env: {
      // As for a real crowd: limits on, each buyer behind its own address.
      RATE_LIMIT_ENABLED: "true",
      TRUST_PROXY: "true",
      QUEUE_ADMIT_CAP: "10000",
    },
    eventId: EVENT_ID,
    rows: 4,
    price: 150000,
  }));
  base = stack.urls.gateway;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  proxy?.stop();
});

/** A buyer behind its own address (load-test bypass token naming the buyer). */
function buyer(n: number) {
  return apiClient(base, {
    authorization: "Bearer load-test-bypass-token",
    "x-user-id": `hot-${n}`,
    "x-forwarded-for": `10.${(n >> 8) & 255}.${n & 255}.7`,
  });
}

/** Join → admitted → enter: a reservation token. */
const admitted = (b: ReturnType<typeof buyer>) => enterSale(b, EVENT_ID);

const hold = (b: ReturnType<typeof buyer>, token: string, seatIds: string[], key = crypto.randomUUID()) =>
  b(
    "POST",
    "/api/v1/reservations",
    { event_id: EVENT_ID, seat_ids: seatIds, reservation_token: token },
    { "idempotency-key": key },
  );

/** Seats HELD by no live reservation, read from the stores of record. */
const ghostSeats = () => readStore(stack, EVENT_ID, (r) => r.ghostSeats());

describe("hot seats", () => {
  test("the first hold on a freshly started platform succeeds", async () => {
    const b = buyer(0);
    const res = await hold(b, await admitted(b), ["A-4-1"]);
    expect(res.status).toBe(201);
  }, 30_000);

  test("200 buyers race for the same 2 seats: one 201, 199 × 409 naming the seats, no ghost", async () => {
    const buyers = Array.from({ length: 200 }, (_, i) => buyer(i + 1));
    const tokens = await Promise.all(buyers.map((b) => admitted(b)));
    const seats = ["A-1-1", "A-1-2"];
    const answers = await Promise.all(buyers.map((b, i) => hold(b, tokens[i] ?? "", seats)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(199);
    for (const loser of answers.filter((a) => a.status === 409)) {
      expect(loser.body.error.code).toBe("SEAT_UNAVAILABLE");
      expect(loser.body.error.message).toMatch(/A-1-[12]/);
    }
    await Bun.sleep(2000);
    expect(await ghostSeats()).toEqual([]);
  }, 90_000);

  test("a hold that reaches inventory after its deadline leaves no ghost, and the retry wins", async () => {
    const b = buyer(500);
    const token = await admitted(b);
    const key = crypto.randomUUID();
    proxy.state.delayMs = 2000;
    const late = await hold(b, token, ["A-2-1", "A-2-2"], key);
    expect(late.status).toBe(504);
    expect(late.body.error.code).toBe("UPSTREAM_TIMEOUT");
    // The delayed hold reaches inventory after the compensation; wait for it, and 2 s more.
    await Bun.sleep(1000 + 2000);
    proxy.state.delayMs = 0;
    expect(await ghostSeats()).toEqual([]);
    const retried = await hold(b, token, ["A-2-1", "A-2-2"], key);
    expect(retried.status).toBe(201);
  }, 30_000);
});
