import { mkdirSync } from "node:fs";
import { Redis } from "ioredis";
import type { Supervisor } from "./processes.ts";
import { waitUntil } from "./wait.ts";

/** True when the Redis at `url` answers PING. */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  // One short-lived client per probe: no reconnect loop, no queued commands left behind.
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Waits until the Redis at `url` answers PING. */
export function waitForRedis(url: string, timeoutMs: number, abort?: () => Error | undefined): Promise<void> {
  return waitUntil(`Redis at ${url}`, () => redisAnswers(url), { timeoutMs, ...(abort ? { abort } : {}) });
}

/**
 * Starts a private redis-server on 127.0.0.1:port and waits for PING. Returns its URL. With
 * `dir` it keeps its data there as an append-only file synced every second (no RDB snapshots), so
 * a restarted Redis comes back with what it held, as a replicated ElastiCache node fails over with
 * its data; the stack's directory lives as long as the stack, so every `npm start` begins clean.
 * Without `dir` it keeps nothing (tests).
 */
export async function startRedis(
  sup: Supervisor,
  opts: { port: number; dir?: string; timeoutMs?: number; abort?: () => Error | undefined },
): Promise<string> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  sup.spawn({
    name: "redis",
    cmd: [
      "redis-server",
      "--port",
      String(opts.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...(opts.dir
        ? ["--dir", opts.dir, "--appendonly", "yes", "--appendfsync", "everysec"]
        : ["--appendonly", "no"]),
    ],
  });
  const url = `redis://127.0.0.1:${opts.port}`;
  await waitForRedis(url, opts.timeoutMs ?? 15_000, opts.abort);
  return url;
}
