// The operator's live view (GET /admin/events/{id}/live) on the real gateway against a real
// Redis, with inventory's seat counts played by the test; the rate and quantile arithmetic is in
// live-figures.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError, createRedis, loadConfig } from "@tt/kit";
import { freePort, startTestRedis, type TestRedis } from "@tt/kit/testing";
import type Redis from "ioredis";
import { buildGateway, type Gateway } from "../src/app.ts";
import { gatewayFields } from "../src/config.ts";
import type { Stock } from "../src/domain/queue/sale.ts";
import { MemoryQueueSettings } from "../src/domain/queue/settings-store.ts";

let redisServer: TestRedis;
let redis: Redis;
let gateway: Gateway;
let url: string;
/** What "inventory" answers next, per event; an Error is thrown instead. */
const stock = new Map<string, Stock | Error>();

beforeAll(async () => {
  redisServer = await startTestRedis();
  const config = loadConfig(gatewayFields(), {
    HOST: "127.0.0.1",
    PORT: String(freePort()),
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    APP_ENV: "test",
    REDIS_URL: redisServer.url,
    QUEUE_TICKER_ENABLED: "false",
    RATE_LIMIT_ENABLED: "false",
  });
  redis = createRedis(config.redisUrl);
  gateway = await buildGateway({
    config,
    redis,
    queueSettings: new MemoryQueueSettings(),
    stock: async (eventId) => {
      const answer = stock.get(eventId) ?? new AppError("EVENT_NOT_FOUND", `no event ${eventId}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  const server = await gateway.start({ handleSignals: false });
  url = `http://127.0.0.1:${server?.port}`;
});
afterAll(async () => {
  await gateway.stop();
  redis.disconnect();
  await redisServer.stop();
});

const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };
const live = (eventId: string, headers: Record<string, string> = ADMIN) =>
  fetch(`${url}/api/v1/admin/events/${eventId}/live`, { headers });
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const body = async (res: Response): Promise<any> => res.json();
let n = 0;
const freshEvent = () => `evt_live_${++n}_${Math.random().toString(36).slice(2, 8)}`;

describe("the operator's live view", () => {
  test("is for the admin role only", async () => {
    const eventId = freshEvent();
    stock.set(eventId, { available: 1, held: 0, sold: 0 });
    expect((await live(eventId, {})).status).toBe(401);
    const buyer = { authorization: "Bearer load-test-bypass-token", "x-user-id": "someone" };
    expect((await live(eventId, buyer)).status).toBe(403);
  });

  test("shows the line, the seats, the sale state and the settings", async () => {
    const eventId = freshEvent();
    await Promise.all([1, 2, 3].map(() => gateway.room.join(eventId)));
    await gateway.room.updateSettings(eventId, { rate: 7, cap: 40, paused: true });
    stock.set(eventId, { available: 0, held: 3, sold: 97 });
    const res = await live(eventId);
    expect(res.status).toBe(200);
    const view = await body(res);
    expect(view).toMatchObject({
      event_id: eventId,
      sale: "sold_out",
      waiting: 3,
      active_buyers: 0,
      served: 0,
      admitted_per_sec: 0,
      seats: { available: 0, held: 3, sold: 97 },
      settings: { rate: 7, cap: 40, paused: true, opens_at: null },
    });
    expect(Date.parse(view.as_of)).toBeGreaterThan(Date.now() - 5000);
  });

  test("works out seats sold per second from successive reads", async () => {
    const eventId = freshEvent();
    stock.set(eventId, { available: 50, held: 0, sold: 0 });
    expect((await body(await live(eventId))).sold_per_sec).toBeNull();
    await Bun.sleep(1100);
    stock.set(eventId, { available: 39, held: 0, sold: 11 });
    const rate = (await body(await live(eventId))).sold_per_sec;
    expect(rate).toBeGreaterThan(8);
    expect(rate).toBeLessThanOrEqual(10);
  });

  test("gives the p95 of this gateway's hold calls from its own histogram", async () => {
    const eventId = freshEvent();
    stock.set(eventId, { available: 1, held: 0, sold: 0 });
    const hist = gateway.metrics.backendDuration;
    for (let i = 0; i < 100; i++) {
      hist.observe({ service: "reservation", method: "CreateReservation", code: "ok" }, 0.02);
      // Other calls do not count.
      hist.observe({ service: "reservation", method: "GetReservation", code: "ok" }, 3);
    }
    // 100 holds in the (10 ms, 25 ms] bucket: the 95th is 95 % of the way through it.
    expect((await body(await live(eventId))).hold_p95_ms).toBeCloseTo(24.3, 1);
  });

  test("keeps showing the line while inventory cannot say, and an unknown event is 404", async () => {
    const eventId = freshEvent();
    await gateway.room.join(eventId);
    stock.set(eventId, new AppError("UPSTREAM_UNAVAILABLE", "inventory is down"));
    const view = await body(await live(eventId));
    expect(view).toMatchObject({ waiting: 1, seats: null, sale: null, sold_per_sec: null });
    const missing = await live("evt_nowhere");
    expect(missing.status).toBe(404);
    expect((await body(missing)).error.code).toBe("EVENT_NOT_FOUND");
  });
});
