import { expect, test } from "bun:test";
import { tracingChannel } from "../src/tracing-channel-fix.ts";
import { useTestRedis } from "./redis-support.ts";

const redisOf = useTestRedis();

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
    await redisOf().set("tt:trace:probe", "1");
  } finally {
    tracingChannel("ioredis:command").unsubscribe(listeners);
  }
  expect(seen).toContain("set");
  await redisOf().get("tt:trace:probe");
  expect(seen.filter((c) => c === "get")).toEqual([]);
});
