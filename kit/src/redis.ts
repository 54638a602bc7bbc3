import Redis from "ioredis";
import { AppError } from "./errors.ts";
import type { ReadinessCheck } from "./http/health.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";
import { currentOrigin } from "./origin.ts";
import { fixTracingChannelSubscribers } from "./tracing-channel-fix.ts";

fixTracingChannelSubscribers();

/** How to reach Redis: a single node, or a cluster (ElastiCache in cluster mode). */
export interface RedisOptions {
  /** Use the cluster client; the URL names any node (e.g. the configuration endpoint). */
  cluster?: boolean;
  /**
   * Auto-pipelining (default on) gathers one event-loop turn's commands into one write, one turn
   * later. Off for a client whose callers already batch their own calls: each command is then
   * written at once, and the wait for the extra turn is gone.
   */
  autoPipelining?: boolean;
}

const TUNING = {
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 1000,
  retryStrategy: (times: number) => Math.min(50 * times, 1000),
};

/**
 * An ioredis client tuned for hot paths: auto-pipelining (~1.5× throughput, docs/architecture.md,
 * "Measured facts"),
 * and short timeouts with a single retry so a dead Redis fails requests fast instead of queueing
 * them. In cluster mode every multi-key script relies on the callers' hash tags ({evt_…}); the
 * cluster client is typed as a plain client because the code uses only commands both have.
 */
export function createRedis(url: string, log?: Logger, options: RedisOptions = {}): Redis {
  const tuning = { ...TUNING, enableAutoPipelining: options.autoPipelining ?? true };
  const redis = options.cluster ? clusterClient(url, tuning) : new Redis(url, tuning);
  return watched(redis, log);
}

/**
 * A second connection with the same settings (a subscriber, a blocking reader), watched like the
 * first: `duplicate()` copies options but no listeners, and an ioredis client without an error
 * listener reports every reconnect attempt as an unhandled error (seen in the chaos drop).
 */
export function duplicateRedis(redis: Redis, log?: Logger, overrides: Partial<RedisOptionsOf> = {}): Redis {
  return watched(redis.duplicate(overrides), log);
}

type RedisOptionsOf = NonNullable<Parameters<Redis["duplicate"]>[0]>;

// ioredis emits an error per reconnect attempt; one line per outage is enough.
function watched(redis: Redis, log?: Logger): Redis {
  let down = false;
  redis.on("error", (error) => {
    if (!down) log?.warn("redis connection error", { err: error.message });
    down = true;
  });
  redis.on("ready", () => {
    if (down) log?.info("redis connection restored");
    down = false;
  });
  return redis;
}

function clusterClient(url: string, tuning: typeof TUNING): Redis {
  const u = new URL(url);
  const tls = u.protocol === "rediss:";
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const cluster = new Redis.Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
    ...tuning,
    // ElastiCache's TLS certificates name the hosts, so nodes must be dialled by name.
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: {
      ...(tls ? { tls: {} } : {}),
      ...(password ? { password } : {}),
      connectTimeout: tuning.connectTimeout,
    },
    slotsRefreshTimeout: 2000,
  });
  return cluster as unknown as Redis;
}

/** Readiness: Redis answers PING. */
export function redisCheck(redis: Redis): ReadinessCheck {
  return { name: "redis", check: () => redis.ping() };
}

/**
 * Translates an ioredis failure into the catalogue: a timed-out command is UPSTREAM_TIMEOUT, any
 * other failure to reach Redis UPSTREAM_UNAVAILABLE (503 with Retry-After), never a 500.
 * Domain errors pass through unchanged.
 */
export function redisError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out/i.test(message))
    return new AppError("UPSTREAM_TIMEOUT", "Redis did not answer in time", { cause: error });
  return new AppError("UPSTREAM_UNAVAILABLE", "Redis is unavailable", { cause: error, retryAfterSec: 1 });
}

/**
 * Counts the commands `redis` sends into `dependency_requests_total` (dependency "redis", by
 * command and the work they served). A script call is one command however much it does; with
 * auto-pipelining several commands may share one round trip, so this is an upper bound on
 * round trips.
 */
export function instrumentRedis(redis: Redis, metrics: Metrics): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    metrics.dependencyRequests.inc({ origin: currentOrigin(), dependency: "redis", operation: command.name });
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof redis.sendCommand;
}
