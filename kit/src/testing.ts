// Helpers for tests of services built on the kit: real listeners on free ports, quiet config.

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "./aws/clients.ts";
import { ensureTables } from "./aws/provision.ts";
import { baseFields, ConfigError, type ConfigSchema, type Env, type Field } from "./config.ts";
import { fromConnectError } from "./connect/error-detail.ts";
import { ServiceCredentials } from "./identity/credentials.ts";
import { identityEnv } from "./identity/keys.ts";
import { type BaseConfig, loadConfig } from "./index.ts";
import { startDynamo } from "./local/dynamodb.ts";
import type { Supervisor } from "./local/processes.ts";
import { redisAnswers } from "./local/redis.ts";
import { DEV_RESERVATION_TOKEN_SECRET, newJti, signReservationToken } from "./reservation-token.ts";

// Linux gives every outgoing connection a source port from ip_local_port_range (32768–60999 by
// default), and a server cannot bind a port a connection holds. A test port picked inside that
// range (binding port 0 picks one) can be taken by any connection opened before its server
// binds — a child process takes a while to start — and the server dies with "address in use".
// So test ports come from below the range, above the fixed blocks of the platform tests (18xxx,
// 19xxx, 21xxx).
const POOL_LOW = 22_000;
const POOL_HIGH = Math.min(32_000, ephemeralLow());
// Handed out by this process and maybe not bound yet: never handed out twice.
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768; // not Linux
  }
}

/** True when nothing holds the port on 127.0.0.1 (a reusePort listener counts as holding it). */
function canBind(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first of `count` consecutive free TCP ports on 127.0.0.1, outside the range the kernel
 * hands to outgoing connections, and never handed out before by this process.
 */
export function freePortBlock(count: number): number {
  const choices = POOL_HIGH - POOL_LOW - count;
  if (choices < 1_000) {
    throw new Error(
      `no room for test ports below the ephemeral range (ip_local_port_range starts at ${POOL_HIGH})`,
    );
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = POOL_LOW + Math.floor(Math.random() * choices);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.every((p) => !handedOut.has(p) && canBind(p))) {
      for (const p of ports) handedOut.add(p);
      return base;
    }
  }
  throw new Error(`no ${count} consecutive free ports between ${POOL_LOW} and ${POOL_HIGH}`);
}

/** A free TCP port on 127.0.0.1 (see freePortBlock). */
export function freePort(): number {
  return freePortBlock(1);
}

/**
 * The environment of a service under test: loopback, a free port, quiet logs. Load a service's
 * own schema from it (`inventoryConfig.load({ ...testEnv(), STAGE: … })`) to build the service
 * as its main.ts does.
 */
export function testEnv(overrides: Env = {}): Env {
  return {
    HOST: "127.0.0.1",
    PORT: String(freePort()),
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    APP_ENV: "test",
    SHUTDOWN_GRACE_MS: "2000",
    ...overrides,
  };
}

/** Base config for a service under test (`testEnv`). */
export function testConfig(overrides: Env = {}): BaseConfig {
  return loadConfig(baseFields(0), testEnv(overrides));
}

/**
 * Notes the name of every command `client` sends from now on (`GetItemCommand`, …) in the array
 * it returns: what a test wants to count of what goes over the wire, the client still sending it.
 */
export function recordCommands(client: { send: (...args: never[]) => unknown }): string[] {
  const names: string[] = [];
  const send = client.send.bind(client) as (...args: unknown[]) => unknown;
  client.send = ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
    names.push(command.constructor.name);
    return send(command, ...rest);
  }) as typeof client.send;
  return names;
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

/** A private DynamoDB Local with the platform's tables, under a stage no other test uses. */
export interface TestDynamo {
  dynamo: DynamoDBClient;
  dynamoEndpoint: string;
  stage: string;
}

/**
 * Starts DynamoDB Local on a free port under `sup` (never the dev stack's) and creates every
 * table under a random stage; stopping `sup` stops it, `dynamo.destroy()` closes the client.
 */
export async function startTestDynamo(sup: Supervisor): Promise<TestDynamo> {
  const dynamoEndpoint = await startDynamo(sup, { port: freePort() });
  const stage = `t${Math.random().toString(36).slice(2, 8)}`;
  const dynamo = createDynamoClient({
    region: "us-east-1",
    endpoint: dynamoEndpoint,
    requestTimeoutMs: 10_000,
  });
  await ensureTables(dynamo, stage);
  return { dynamo, dynamoEndpoint, stage };
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
    // A lone node does not know its own address; clients need it in CLUSTER SLOTS. The bus port
    // is named too: its default, port + 10000, would lie in the ephemeral range (see above).
    [
      "--cluster-enabled",
      "yes",
      "--cluster-announce-ip",
      "127.0.0.1",
      "--cluster-port",
      String(freePort()),
      "--dir",
      dir,
    ],
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

/**
 * A reservation token as the waiting room signs it on `enter` (with the dev secret every
 * service defaults to outside production), for tests that call the reservation service directly.
 */
export function admissionToken(userId: string, eventId: string, ttlSec = 30): string {
  const grant = { userId, eventId, jti: newJti(), exp: Math.floor(Date.now() / 1000) + ttlSec };
  return signReservationToken(grant, DEV_RESERVATION_TOKEN_SECRET);
}

/**
 * Service keys for one test file, as the launcher makes them: `env[service]` for the service under
 * test (its key and the platform's public keys) and `as(issuer)` to call it as any of them.
 */
export function testIdentities() {
  const names = ["gateway", "reservation", "inventory", "payment", "worker"] as const;
  const { env, keys } = identityEnv(names);
  return {
    env,
    /** Each service's private key (to forge with in tests). */
    keys,
    /** Credentials signed with `issuer`'s own key. */
    as: (issuer: (typeof names)[number]) => new ServiceCredentials(issuer, keys[issuer]),
  };
}

/** How a call was answered: "ok", or the catalogue code it was refused with. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return fromConnectError(error).code;
  }
}

/**
 * What `schema` answers when each of its secrets in turn is left out of `productionEnv` (an
 * environment it starts with): the ConfigError's message per variable, or "started".
 */
export function withoutEachSecret<S extends Record<string, Field<unknown>>>(
  schema: ConfigSchema<S>,
  productionEnv: Env,
): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const name of schema.secrets()) {
    const { [name]: _left, ...rest } = productionEnv;
    try {
      schema.load(rest);
      answers[name] = "started";
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      answers[name] = error.message;
    }
  }
  return answers;
}
