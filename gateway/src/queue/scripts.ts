import { readFileSync } from "node:fs";
import { join } from "node:path";
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

/** Negative results of the enter script. */
export enum EnterResult {
  Ok = 1,
  UnknownToken = -1,
  StillWaiting = -2,
  NotAdmitted = -3,
  OtherUser = -4,
}

/** The join script's answer for an anonymous caller whose address holds too many places. */
export const PLACES_FULL = "!places";

/** The join script's answer when a new place needs a solved challenge ("!challenge|<difficulty>"). */
export const CHALLENGE_NEEDED = "!challenge";

/** The join script's answer for a challenge whose nonce was spent already. */
export const CHALLENGE_SPENT = "!spent";

const LIMIT_CALLER = readFileSync(join(import.meta.dir, "scripts", "includes", "limit-caller.lua"), "utf8");
// The queue's own include; expandIncludes then brings in the rate limiter's take-token.
const withLimitCaller = (lua: string) => lua.replace(/^--- @include "limit-caller"\s*$/m, LIMIT_CALLER);

/** The rate-limit verdict every limited queue script returns first (see scripts/includes/limit-caller.lua). */
export interface LimitReply {
  /** allowed (1|0), remaining, ms until full, ms until retry: a bucket script's reply. */
  bucket: [number, number, number, number];
  scope: "ip" | "user" | "off";
}

const VERDICT_FIELDS = 5;

/**
 * Splits a limited script's flat reply ("allowed|remaining|full_ms|retry_ms|scope|…"): the
 * verdict, then the script's own fields (none when the caller was refused).
 */
export function splitLimited(reply: string): { limit: LimitReply; fields: string[] } {
  const all = reply.split("|");
  return {
    limit: {
      bucket: [Number(all[0]), Number(all[1]), Number(all[2]), Number(all[3])],
      scope: all[4] as LimitReply["scope"],
    },
    fields: all.slice(VERDICT_FIELDS),
  };
}

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
