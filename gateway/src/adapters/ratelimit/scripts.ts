import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Redis from "ioredis";
import type { BucketReply } from "../../domain/ratelimit/decision.ts";

// Bump when the script's KEYS/ARGV contract changes, so gateways of two releases never share a
// name during a rolling deploy.
const VERSION = "v1";
const DIR = join(import.meta.dir, "scripts");

/**
 * The token-bucket function `take_token(key, rate_per_sec, burst, now_ms, cost)` as Lua source.
 * Prepend it to another script (or use `expandIncludes`) to rate-limit inside that script's
 * single round trip; see includes/take-token.lua for its contract.
 */
export const TAKE_TOKEN_LUA = readFileSync(join(DIR, "includes", "take-token.lua"), "utf8");

const INCLUDES: Record<string, string> = { "take-token": TAKE_TOKEN_LUA };

/** Replaces each `--- @include "name"` line of a script with that include's source. */
export function expandIncludes(lua: string): string {
  return lua.replace(/^--- @include "([\w-]+)"\s*$/gm, (_, name: string) => {
    const source = INCLUDES[name];
    if (source === undefined) throw new Error(`unknown Lua include "${name}"`);
    return source;
  });
}

/** The rate limiter's Lua command on an ioredis client. */
export interface RateLimitCommands {
  ttRateLimit(
    key: string,
    ratePerSec: number,
    burst: number,
    nowMs: number,
    cost: number,
  ): Promise<BucketReply>;
}

/** Registers the rate-limit script on `redis` (once) and returns it typed. */
export function withRateLimitScripts(redis: Redis): Redis & RateLimitCommands {
  const typed = redis as Redis & RateLimitCommands;
  if ("ttRateLimit" in typed) return typed;
  const lua = expandIncludes(readFileSync(join(DIR, "ratelimit-1.lua"), "utf8"));
  // The versioned name is what Redis sees in SLOWLOG/MONITOR; the alias is what code calls.
  redis.defineCommand(`ttRateLimit${VERSION}`, { numberOfKeys: 1, lua });
  const command = (redis as unknown as Record<string, RateLimitCommands["ttRateLimit"]>)[
    `ttRateLimit${VERSION}`
  ];
  (typed as unknown as Record<string, unknown>).ttRateLimit = command;
  return typed;
}
