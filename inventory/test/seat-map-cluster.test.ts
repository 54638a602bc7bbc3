import { afterAll, beforeAll, expect, test } from "bun:test";
import { createRedis } from "@tt/kit";
import { startTestRedisCluster, type TestRedis } from "@tt/kit/testing";
import type Redis from "ioredis";
import { RedisSeatMapCache } from "../src/adapters/seat-map.redis.ts";

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedisCluster();
  redis = createRedis(server.url, undefined, { cluster: true });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

// Redis Cluster refuses a script whose keys span hash slots (CROSSSLOT): this proves the seat
// map's keys share the event's hash tag, as ElastiCache in cluster mode needs.
test("the seat-map cache works on Redis Cluster", async () => {
  const cache = new RedisSeatMapCache(redis);
  const eventId = `evt_cluster_${Date.now()}`;
  await cache.rebuild(eventId, [{ seatId: "A-1-1", status: "AVAILABLE", updatedAt: 1 }], 1000);
  await cache.apply(eventId, [{ seatId: "A-1-1", status: "SOLD", updatedAt: 2 }]);
  const map = await cache.read(eventId);
  expect(map?.seats.get("A-1-1")?.status).toBe("SOLD");
  expect(await cache.tryLease(eventId, 1000)).toBe(true);
});
