import { afterAll, beforeAll, expect, test } from "bun:test";
import { createLogger, createRedis, Metrics } from "@tt/kit";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import type Redis from "ioredis";
import { WaitingRoom } from "../src/adapters/queue/waiting-room.redis.ts";
import { AdmissionTicker } from "../src/domain/queue/ticker.ts";
import { testRoomOptions } from "./support.ts";

let server: TestRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startTestRedis();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

// Each "gateway process" has its own Redis connection, waiting room and ticker.
function gatewayProcess(leaseMs: number) {
  const redis = createRedis(server.url);
  clients.push(redis);
  const room = new WaitingRoom(redis, testRoomOptions);
  const ticker = new AdmissionTicker(
    room,
    { tickMs: 50, leaseMs, refreshEventsMs: 0 },
    createLogger("t", "error"),
    new Metrics("gateway"),
  );
  return { room, ticker };
}

test("two gateway processes run exactly one ticker per event, and the other takes over when it stops", async () => {
  const a = gatewayProcess(400);
  const b = gatewayProcess(400);
  const eventId = `evt_lease_${Date.now()}`;
  for (let i = 0; i < 50; i++) await a.room.join(eventId);

  for (let round = 0; round < 5; round++) {
    await Promise.all([a.ticker.tick(), b.ticker.tick()]);
    const leaders = [a, b].filter((p) => p.ticker.leading.has(eventId));
    expect(leaders).toHaveLength(1);
    await Bun.sleep(50);
  }
  const leader = a.ticker.leading.has(eventId) ? a : b;
  const follower = leader === a ? b : a;

  // The leader stops ticking (crash or shutdown); its lease runs out and the follower admits.
  await Bun.sleep(450);
  await follower.ticker.tick();
  expect(follower.ticker.leading.has(eventId)).toBe(true);
  const stats = await follower.room.stats(eventId);
  expect(stats.admitted).toBeGreaterThan(0);
});

test("the running ticker admits on its own, at the configured rate", async () => {
  const p = gatewayProcess(2000);
  const eventId = `evt_run_${Date.now()}`;
  await p.room.updateSettings(eventId, { rate: 20 });
  for (let i = 0; i < 100; i++) await p.room.join(eventId);
  p.ticker.start();
  await Bun.sleep(1100);
  await p.ticker.stop();
  const { admitted } = await p.room.stats(eventId);
  // One second of credit at start plus ~1.1 s of ticking at 20/s.
  expect(admitted).toBeGreaterThanOrEqual(20);
  expect(admitted).toBeLessThanOrEqual(45);
});

test("the last-tick metric moves with every completed tick and stands still while ticks fail (the stall alert's signal)", async () => {
  const redis = createRedis(server.url);
  clients.push(redis);
  const metrics = new Metrics("gateway");
  const ticker = new AdmissionTicker(
    new WaitingRoom(redis, testRoomOptions),
    { tickMs: 50, refreshEventsMs: 0 },
    createLogger("t", "error"),
    metrics,
  );
  const lastTick = async () =>
    Number(/^queue_ticker_last_tick_seconds\{[^}]*\} (\S+)$/m.exec(await metrics.render())?.[1]);
  const born = await lastTick();
  expect(born).toBeGreaterThan(Date.now() / 1000 - 5);

  await Bun.sleep(20);
  await ticker.tick();
  const ticked = await lastTick();
  expect(ticked).toBeGreaterThan(born);

  // Redis gone: the pass fails, and the metric keeps the last good tick.
  redis.disconnect();
  await Bun.sleep(20);
  await expect(ticker.tick()).rejects.toThrow();
  expect(await lastTick()).toBe(ticked);
});
