// Starts a real gateway (buildGateway) on a free port for the auth, rate-limit and idempotency tests.
import { createRedis, type Env, loadConfig } from "@tt/kit";
import { freePort } from "@tt/kit/testing";
import type Redis from "ioredis";
import type { EventDirectory } from "../src/adapters/upstream/event-directory.connect.ts";
import { buildGateway, type Gateway } from "../src/app.ts";
import { gatewayFields } from "../src/config.ts";
import type { Clock } from "../src/domain/clock.ts";
import { MemoryQueueSettings } from "../src/domain/queue/settings-store.ts";

/** A listening gateway and what tests poke at. */
/**
 * The headers of a WebSocket upgrade made by hand with fetch: what a client without WebSocket
 * support sends, so a test can read the refusal's status and body.
 */
export function upgradeHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    upgrade: "websocket",
    connection: "Upgrade",
    "sec-websocket-version": "13",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  };
}

export interface EdgeGateway {
  url: string;
  gateway: Gateway;
  redis: Redis;
  stop(): Promise<void>;
}

/** A clock tests move by hand; starts at the real time so issued tokens look normal. */
export function manualClock(start = Date.now()) {
  let now = start;
  const clock: Clock = () => now;
  return {
    clock,
    advance(ms: number) {
      now += ms;
    },
  };
}

/**
 * Builds the gateway from `env` (quiet, loopback, a free port), lets the test add its own routes
 * (they `.use(gateway.guards)` like real route plugins), and listens.
 */
export async function startEdgeGateway(
  redisUrl: string,
  env: Env = {},
  addRoutes: (gateway: Gateway) => void = () => {},
  clock?: Clock,
  events?: EventDirectory,
): Promise<EdgeGateway> {
  const config = loadConfig(gatewayFields(), {
    HOST: "127.0.0.1",
    PORT: String(freePort()),
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    APP_ENV: "test",
    SHUTDOWN_GRACE_MS: "1000",
    REDIS_URL: redisUrl,
    ...env,
  });
  const redis = createRedis(config.redisUrl);
  // As main.ts wires it: the waiting room on its own client, without auto-pipelining.
  const queueRedis = createRedis(config.redisUrl, undefined, { autoPipelining: false });
  const gateway = await buildGateway({
    config,
    redis,
    queueRedis,
    ...(clock ? { clock } : {}),
    ...(events ? { events } : {}),
    // No inventory behind these gateways: the operator's settings are kept in the process.
    queueSettings: new MemoryQueueSettings(),
  });
  addRoutes(gateway);
  const server = await gateway.start({ handleSignals: false });
  return {
    url: `http://127.0.0.1:${server?.port}`,
    gateway,
    redis,
    stop: async () => {
      await gateway.stop();
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}

/** Reads an error body's code. */
export async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code;
}
