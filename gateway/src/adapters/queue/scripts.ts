import { join } from "node:path";
import { defineScripts, redisError } from "@tt/kit";
import type Redis from "ioredis";
import { TAKE_TOKEN } from "../ratelimit/scripts.ts";

const DIR = join(import.meta.dir, "scripts");

type Reply = Promise<unknown>;

/** The waiting room's Lua commands on an ioredis client. */
export interface QueueCommands {
  ttqJoin(...args: (string | number)[]): Reply;
  ttqStatus(...args: (string | number)[]): Reply;
  ttqEnter(...args: (string | number)[]): Reply;
  ttqLeave(...args: (string | number)[]): Reply;
  ttqAdmit(...args: (string | number)[]): Reply;
  ttqLease(...args: (string | number)[]): Reply;
  ttqSettings(...args: (string | number)[]): Reply;
}

/** Registers every waiting-room script on `redis` (once) and returns it typed (kit/src/redis-scripts.ts). */
export function withQueueScripts(redis: Redis): Redis & QueueCommands {
  const file = (name: string) => join(DIR, name);
  return defineScripts<QueueCommands>(redis, {
    // Bump when a script's KEYS/ARGV contract or the token record's format changes.
    version: "v11",
    scripts: {
      ttqJoin: file("join-n.lua"),
      ttqStatus: file("status-n.lua"),
      ttqEnter: file("enter-5.lua"),
      ttqLeave: file("leave-5.lua"),
      ttqAdmit: file("admit-7.lua"),
      ttqLease: file("lease-1.lua"),
      ttqSettings: file("settings-1.lua"),
    },
    // The caller's two buckets, taken with the rate limiter's bucket (both included by the scripts that limit).
    includes: { ...TAKE_TOKEN, "limit-caller": file("includes/limit-caller.lua") },
  });
}

/**
 * The client seen through a proxy that turns every Redis failure into a catalogue error
 * (503/504), so callers never see a storage exception, only a code from the error catalogue.
 */
export function translated<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result instanceof Promise
          ? result.catch((error: unknown) => Promise.reject(redisError(error)))
          : result;
      };
    },
  });
}
