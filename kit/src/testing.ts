// Helpers for tests of services built on the kit: real listeners on free ports, quiet config.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseFields, type Env } from "./config.ts";
import { type BaseConfig, loadConfig } from "./index.ts";
import { redisAnswers } from "./local/redis.ts";

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

/** Base config for a service under test: loopback, a free port, quiet logs. */
export function testConfig(overrides: Env = {}): BaseConfig {
  return loadConfig(baseFields(freePort()), {
    HOST: "127.0.0.1",
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    APP_ENV: "test",
    SHUTDOWN_GRACE_MS: "2000",
    ...overrides,
  });
}

/** Polls `fn` until it returns true or `timeoutMs` passes. */
export async function eventually(fn: () => Promise<boolean> | boolean, timeoutMs = 5000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await Bun.sleep(everyMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** A private redis-server for one test file; `stop` kills it. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a redis-server with `extraArgs` on a free port and waits until it answers. */
async function spawnRedis(extraArgs: string[] = [], cleanup: () => Promise<void> = async () => {}) {
  const port = freePort();
  const proc = Bun.spawn(
    ["redis-server", "--port", String(port), "--save", "", "--appendonly", "no", ...extraArgs],
    { stdout: "ignore", stderr: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await eventually(() => redisAnswers(url, 200), 10_000);
  return {
    url,
    port,
    stop: async () => {
      proc.kill();
      await proc.exited;
      await cleanup();
    },
  };
}

/** Starts a throwaway redis-server on a free port and waits until it answers. */
export function startTestRedis(): Promise<TestRedis> {
  return spawnRedis();
}

/**
 * A throwaway one-node Redis Cluster (every slot on one node). It still refuses commands and
 * scripts whose keys span hash slots (CROSSSLOT), which is what tests of key design need.
 */
export async function startTestRedisCluster(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), "tt-redis-cluster-"));
  const redis = await spawnRedis(
    // A lone node does not know its own address; clients need it in CLUSTER SLOTS.
    ["--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1", "--dir", dir],
    () => rm(dir, { recursive: true, force: true }),
  );
  const cli = (...args: string[]) =>
    Bun.spawn(["redis-cli", "-p", String(redis.port), ...args], { stdout: "pipe" });
  await cli("cluster", "addslotsrange", "0", "16383").exited;
  await eventually(
    async () => (await new Response(cli("cluster", "info").stdout).text()).includes("cluster_state:ok"),
    10_000,
  );
  return redis;
}
