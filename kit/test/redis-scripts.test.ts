import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { defineScripts, expandIncludes, keyCountOf } from "../src/redis-scripts.ts";
import { useTestRedis } from "./redis-support.ts";

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

const redisOf = useTestRedis();

describe("the kit's Lua script loader", () => {
  test("a script runs with its include, under the plain name the code calls", async () => {
    const scripts = defineScripts<TestCommands>(redisOf(), SET);
    expect(await scripts.testIncrTwice("s:count", 5)).toBe(10);
  });

  test("the key count comes from the file name; -n scripts are told it on each call", async () => {
    const scripts = defineScripts<TestCommands>(redisOf(), SET);
    await redisOf().set("s:a", "2");
    await redisOf().set("s:b", "3");
    expect(await scripts.testSum(2, "s:a", "s:b")).toBe(5);
    expect(keyCountOf("x/enter-5.lua")).toBe(5);
    expect(keyCountOf("x/join-n.lua")).toBeUndefined();
    expect(() => keyCountOf("x/unversioned.lua")).toThrow(/-<keys>\.lua/);
  });

  test("Redis sees the versioned name, so two releases never share one", async () => {
    defineScripts<TestCommands>(redisOf(), SET);
    const client = redisOf() as unknown as Record<string, unknown>;
    expect(typeof client.testIncrTwicev7).toBe("function");
    expect(client.testIncrTwice).toBe(client.testIncrTwicev7);
  });

  test("a script still runs after SCRIPT FLUSH (EVALSHA falls back to EVAL)", async () => {
    const scripts = defineScripts<TestCommands>(redisOf(), SET);
    await redisOf().del("s:flush");
    await redisOf().script("FLUSH");
    expect(await scripts.testIncrTwice("s:flush", 1)).toBe(2);
  });

  test("an unknown include is refused when the script is loaded", () => {
    expect(() => expandIncludes('--- @include "nope"\nreturn 1', {})).toThrow(/unknown Lua include "nope"/);
  });
});
