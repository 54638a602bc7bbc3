// Starts gateway instances for the queue tests: the real gateway (buildGateway) on a free port.
import { afterAll, beforeAll } from "bun:test";
import { AppError, createRedis, type Metrics } from "@tt/kit";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import type Redis from "ioredis";
import type { LiveQueue } from "../src/adapters/queue/live-queue.redis.ts";
import type { WaitingRoom, WaitingRoomOptions } from "../src/adapters/queue/waiting-room.redis.ts";
import { startEdgeGateway } from "./edge-support.ts";

/** Waiting-room options for tests that build a room directly: default rate 10/s, generous timeouts. */
export const testRoomOptions: WaitingRoomOptions = {
  heartbeatTimeoutMs: 300_000,
  admittedTtlMs: 600_000,
  reservationTokenTtlSec: 30,
  reservationTokenSecret: "test-secret",
  defaultRate: 10,
  defaultCap: 1000,
};

/** Signs a request in as `userId` with the dev bypass token (the auth tests cover real JWTs). */
export const as = (userId: string) => ({
  authorization: "Bearer dev-super-key-local-testing",
  "x-user-id": userId,
});

/**
 * A private Redis for one test file: started before its tests, its client handed to `use` (the
 * file keeps it in its own variable), both stopped after them.
 */
export function redisForFile(use: (redis: Redis, url: string) => void): void {
  let server: TestRedis | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await startTestRedis();
    redis = createRedis(server.url);
    use(redis, server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
}

/** The catalogue code a call was refused with, or what it did instead. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof AppError ? error.code : `no AppError (${String(error)})`;
}

/** A running gateway instance (its own Redis connections, fan-out and HTTP listener). */
export interface TestGateway {
  url: string;
  wsUrl: string;
  room: WaitingRoom;
  live: LiveQueue;
  metrics: Metrics;
  redis: Redis;
  stop(): Promise<void>;
}

/**
 * The real gateway with its admission ticker off, so tests drive admission tick by tick, and
 * the rate limiter off (it has its own tests). Inventory is replaced by a directory in which
 * every event exists except `evt_missing`.
 */
export async function startQueueGateway(redisUrl: string): Promise<TestGateway> {
  const edge = await startEdgeGateway(
    redisUrl,
    {
      QUEUE_TICKER_ENABLED: "false",
      QUEUE_ADMIT_RATE: "10",
      RATE_LIMIT_ENABLED: "false",
    },
    undefined,
    undefined,
    { exists: async (id) => id !== "evt_missing" },
  );
  const { gateway } = edge;
  return {
    url: edge.url,
    wsUrl: edge.url.replace("http", "ws"),
    room: gateway.room,
    live: gateway.live,
    metrics: gateway.metrics,
    redis: edge.redis,
    stop: edge.stop,
  };
}

/**
 * The commands clients send to Redis while `fn` runs (MONITOR), lower-cased, leaving out the
 * ones a script runs inside Redis: those are part of the same round trip.
 */
export async function clientCommands(redis: Redis, fn: () => Promise<unknown>): Promise<string[]> {
  const monitor = await redis.monitor();
  const seen: string[] = [];
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (!source.includes("lua")) seen.push((args[0] ?? "").toLowerCase());
  });
  await Bun.sleep(50);
  await fn();
  await Bun.sleep(50);
  monitor.disconnect();
  return seen;
}
