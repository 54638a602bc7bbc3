import { readFileSync } from "node:fs";
import { join } from "node:path";
import { redisError } from "@tt/kit";
import type Redis from "ioredis";
import { expandIncludes } from "../ratelimit/scripts.ts";

// Bump when a script's KEYS/ARGV contract or the token record's format changes, so old and new
// gateways never share a name during a rolling deploy.
const VERSION = "v11";

const SCRIPTS = {
  join: "join-n.lua",
  status: "status-n.lua",
  enter: "enter-5.lua",
  leave: "leave-5.lua",
  admit: "admit-7.lua",
  lease: "lease-1.lua",
  settings: "settings-1.lua",
} as const;

type Reply = Promise<unknown>;

/** The waiting room's Lua commands on an ioredis client (EVALSHA, falling back to EVAL after SCRIPT FLUSH). */
export interface QueueCommands {
  ttqJoin(...args: (string | number)[]): Reply;
  ttqStatus(...args: (string | number)[]): Reply;
  ttqEnter(...args: (string | number)[]): Reply;
  ttqLeave(...args: (string | number)[]): Reply;
  ttqAdmit(...args: (string | number)[]): Reply;
  ttqLease(...args: (string | number)[]): Reply;
  ttqSettings(...args: (string | number)[]): Reply;
}

const LIMIT_CALLER = readFileSync(join(import.meta.dir, "scripts", "includes", "limit-caller.lua"), "utf8");
// The queue's own include; expandIncludes then brings in the rate limiter's take-token.
const withLimitCaller = (lua: string) => lua.replace(/^--- @include "limit-caller"\s*$/m, LIMIT_CALLER);

const capitalized = (name: string) => name[0]?.toUpperCase() + name.slice(1);

/** Registers every waiting-room script on `redis` (idempotent) and returns it typed. */
export function withQueueScripts(redis: Redis): Redis & QueueCommands {
  const typed = redis as Redis & QueueCommands;
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const command = `ttq${capitalized(name)}`;
    if (command in typed) continue;
    const lua = expandIncludes(withLimitCaller(readFileSync(join(import.meta.dir, "scripts", file), "utf8")));
    // "name-<keys>.lua" takes that many keys; "name-n.lua" is told its key count on each call.
    const keys = file.match(/-(\d+)\.lua$/)?.[1];
    // The versioned name is what Redis sees in SLOWLOG/MONITOR; the alias is what code calls.
    redis.defineCommand(`${command}${VERSION}`, keys ? { numberOfKeys: Number(keys), lua } : { lua });
    (typed as unknown as Record<string, unknown>)[command] = (
      redis as unknown as Record<string, (...a: unknown[]) => Reply>
    )[`${command}${VERSION}`];
  }
  return typed;
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
