import { afterAll, beforeAll, expect, test } from "bun:test";
import { createRedis, readReservationToken } from "@tt/kit";
import { startTestRedisCluster, type TestRedis } from "@tt/kit/testing";
import type Redis from "ioredis";
import { WaitingRoom } from "../src/adapters/queue/waiting-room.redis.ts";
import { testRoomOptions } from "./support.ts";

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

// Redis Cluster refuses any script whose keys span hash slots (CROSSSLOT), so this proves every
// waiting-room script keeps one event's keys under one hash tag, as ElastiCache needs.
test("the waiting room works on Redis Cluster: every script's keys share the event's hash slot", async () => {
  const room = new WaitingRoom(redis, { ...testRoomOptions, rateLimit: { perSec: 100, burst: 100 } });
  const eventId = `evt_cluster_${Date.now()}`;
  const caller = { ip: "10.0.0.1" };
  const a = await room.join(eventId, { userId: "alice", idempotencyKey: crypto.randomUUID() }, caller);
  const b = await room.join(eventId, {}, caller);
  expect((await room.status(b.token, caller)).position).toBe(2);
  expect((await room.admitTick(eventId)).admitted).toBe(2);
  const { reservationToken } = await room.enter(a.token, "alice", caller);
  expect(readReservationToken(reservationToken, testRoomOptions.reservationTokenSecret)?.userId).toBe(
    "alice",
  );
  await room.leave(b.token);
  expect(await room.tryLease(eventId, "me", 1000)).toBe(true);
});
