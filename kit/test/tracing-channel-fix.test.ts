import { afterAll, beforeAll, expect, test } from "bun:test";
import type Redis from "ioredis";
import { createRedis } from "../src/redis.ts";
import { startTestRedis, type TestRedis } from "../src/testing.ts";
import { tracingChannel } from "../src/tracing-channel-fix.ts";

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startTestRedis();
  redis = createRedis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

test("a tracing channel says whether anyone listens, as on Node", () => {
  const channel = tracingChannel("tt:test:listeners");
  expect(channel.hasSubscribers).toBe(false);
  const listeners = { asyncEnd() {} };
  channel.subscribe(listeners);
  expect(channel.hasSubscribers).toBe(true);
  channel.unsubscribe(listeners);
  expect(channel.hasSubscribers).toBe(false);
});

test("ioredis commands are still traced for a subscriber", async () => {
  const seen: string[] = [];
  const listeners = {
    start(message: unknown) {
      seen.push(String((message as { command?: string }).command));
    },
  };
  tracingChannel("ioredis:command").subscribe(listeners);
  try {
    await redis.set("tt:trace:probe", "1");
  } finally {
    tracingChannel("ioredis:command").unsubscribe(listeners);
  }
  expect(seen).toContain("set");
  await redis.get("tt:trace:probe");
  expect(seen.filter((c) => c === "get")).toEqual([]);
});
