import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type Redis from "ioredis";
import { createRedis } from "../src/redis.ts";
import { defineScripts, expandIncludes, keyCountOf } from "../src/redis-scripts.ts";
import { startTestRedis, type TestRedis } from "../src/testing.ts";

const DIR = join(import.meta.dir, "fixtures", "lua");
const SET = {
  version: "v7",
  scripts: { testIncrTwice: join(DIR, "incr-by-twice-1.lua"), testSum: join(DIR, "sum-n.lua") },
  includes: { add: join(DIR, "includes-add.lua") },
};
interface TestCommands {
  testIncrTwice(key: string, step: number): Promise<number>;
  testSum(keyCount: number, ...keys: string[]): Promise<number>;
}

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

describe("the kit's Lua script loader", () => {
  test("a script runs with its include, under the plain name the code calls", async () => {
    const scripts = defineScripts<TestCommands>(redis, SET);
    expect(await scripts.testIncrTwice("s:count", 5)).toBe(10);
  });

  test("the key count comes from the file name; -n scripts are told it on each call", async () => {
    const scripts = defineScripts<TestCommands>(redis, SET);
    await redis.set("s:a", "2");
    await redis.set("s:b", "3");
    expect(await scripts.testSum(2, "s:a", "s:b")).toBe(5);
    expect(keyCountOf("x/enter-5.lua")).toBe(5);
    expect(keyCountOf("x/join-n.lua")).toBeUndefined();
    expect(() => keyCountOf("x/unversioned.lua")).toThrow(/-<keys>\.lua/);
  });

  test("Redis sees the versioned name, so two releases never share one", async () => {
    defineScripts<TestCommands>(redis, SET);
    const client = redis as unknown as Record<string, unknown>;
    expect(typeof client.testIncrTwicev7).toBe("function");
    expect(client.testIncrTwice).toBe(client.testIncrTwicev7);
  });

  test("a script still runs after SCRIPT FLUSH (EVALSHA falls back to EVAL)", async () => {
    const scripts = defineScripts<TestCommands>(redis, SET);
    await redis.del("s:flush");
    await redis.script("FLUSH");
    expect(await scripts.testIncrTwice("s:flush", 1)).toBe(2);
  });

  test("an unknown include is refused when the script is loaded", () => {
    expect(() => expandIncludes('--- @include "nope"\nreturn 1', {})).toThrow(/unknown Lua include "nope"/);
  });
});
