// A private redis-server and a client to it for one test file: started before its tests, stopped after.
import { afterAll, beforeAll } from "bun:test";
import type Redis from "ioredis";
import { createRedis } from "../src/redis.ts";
import { startTestRedis, type TestRedis } from "../src/testing.ts";

/** The file's client, readable once its tests run (`redis()`). */
export function useTestRedis(): () => Redis {
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    server = await startTestRedis();
    client = createRedis(server.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });
  return () => {
    if (!client) throw new Error("the test Redis is not started yet");
    return client;
  };
}
