// Starts gateway instances for tests: the kit service with the queue routes, on a free port.
import { createRedis, createService, type Metrics } from "@tt/kit";
import { testConfig } from "@tt/kit/testing";
import type Redis from "ioredis";
import { LiveQueue } from "../src/queue/live-queue.ts";
import { WaitingRoom, type WaitingRoomOptions } from "../src/queue/waiting-room.ts";
import { queueRoutes } from "../src/transport/queue-routes.ts";

/** Waiting-room options for tests: default rate 10/s, generous timeouts. */
export const testRoomOptions: WaitingRoomOptions = {
  heartbeatTimeoutMs: 300_000,
  admittedTtlMs: 600_000,
  reservationTokenTtlSec: 30,
  reservationTokenSecret: "test-secret",
  defaultRate: 10,
  defaultCap: 1000,
};

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
 * A gateway with the queue routes. Identity is a stand-in for the JWT plugin: the bearer value
 * is the user id — the auth tests cover real JWTs; these tests are about the queue.
 */
export async function startQueueGateway(redisUrl: string): Promise<TestGateway> {
  const redis = createRedis(redisUrl);
  const service = createService({ name: "gateway", description: "queue test gateway", config: testConfig() });
  const room = new WaitingRoom(redis, testRoomOptions);
  const live = new LiveQueue(redis, room, service.log, service.metrics, { heartbeatEveryMs: 1000 });
  service.app.use(
    queueRoutes({
      room,
      live,
      events: { exists: async (id) => id !== "evt_missing" },
      identify: async (request) => {
        const bearer = request.headers.get("authorization")?.replace(/^Bearer /, "");
        return bearer ? { id: bearer, roles: [] } : undefined;
      },
    }),
  );
  const server = await service.start({ handleSignals: false });
  const url = `http://127.0.0.1:${server?.port}`;
  return {
    url,
    wsUrl: url.replace("http", "ws"),
    room,
    live,
    metrics: service.metrics,
    redis,
    stop: async () => {
      await live.close();
      await service.stop();
      redis.disconnect();
    },
  };
}
