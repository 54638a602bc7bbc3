/**
 * Lua scripts on an ioredis client: the one loader every service's scripts go through.
 *
 * - A script file says how many keys it takes in its name: `name-<keys>.lua`, or `name-n.lua`
 *   when each call passes the count first (a batch whose keys vary). Its header documents its
 *   KEYS and ARGV, and what it returns.
 * - A line `--- @include "name"` is replaced by that include's source (a shared Lua function,
 *   such as the token bucket), so a script can use it inside its own single round trip.
 * - Each script is registered under its command name plus the set's version: the name Redis
 *   shows in SLOWLOG and MONITOR, bumped whenever a script's KEYS/ARGV contract changes, so two
 *   releases never share one during a rolling deploy. Code calls the plain command name.
 *   ioredis sends EVALSHA and falls back to EVAL after a SCRIPT FLUSH or a failover.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type Redis from "ioredis";

/** A service's scripts, registered together. */
export interface ScriptSet {
  /** Appended to each command's name in Redis ("v3"). */
  version: string;
  /** Command name the code calls → the script's file. */
  scripts: Record<string, string>;
  /** Include name → its file. */
  includes?: Record<string, string>;
}

const INCLUDE = /^--- @include "([\w-]+)"\s*$/gm;

/** Replaces each `--- @include "name"` line of `lua` with `includes[name]` (its Lua source). */
export function expandIncludes(lua: string, includes: Record<string, string>): string {
  return lua.replace(INCLUDE, (_, name: string) => {
    const source = includes[name];
    if (source === undefined) throw new Error(`unknown Lua include "${name}"`);
    return source;
  });
}

/** The key count a script's file name declares; undefined for `-n` (passed on each call). */
export function keyCountOf(file: string): number | undefined {
  const match = basename(file).match(/-(n|\d+)\.lua$/);
  if (!match) throw new Error(`${file}: a script's name ends in -<keys>.lua or -n.lua`);
  return match[1] === "n" ? undefined : Number(match[1]);
}

/** Registers every script of `set` on `redis` (once per client) and returns the client typed with them. */
export function defineScripts<Commands extends object>(redis: Redis, set: ScriptSet): Redis & Commands {
  const includes = Object.fromEntries(
    Object.entries(set.includes ?? {}).map(([name, file]) => [name, readFileSync(file, "utf8")]),
  );
  const client = redis as unknown as Record<string, unknown>;
  for (const [command, file] of Object.entries(set.scripts)) {
    if (command in client) continue;
    const lua = expandIncludes(readFileSync(file, "utf8"), includes);
    const numberOfKeys = keyCountOf(file);
    const versioned = `${command}${set.version}`;
    redis.defineCommand(versioned, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
    client[command] = client[versioned];
  }
  return redis as Redis & Commands;
}
