import { join } from "node:path";
import { defineScripts } from "@tt/kit";
import type Redis from "ioredis";
import type { BucketReply } from "../../domain/ratelimit/decision.ts";

const DIR = join(import.meta.dir, "scripts");

/**
 * The token-bucket function `take_token(key, rate_per_sec, burst, now_ms, cost)`: include it
 * (`--- @include "take-token"`) to rate-limit inside another script's single round trip; see
 * includes/take-token.lua for its contract.
 */
export const TAKE_TOKEN = { "take-token": join(DIR, "includes", "take-token.lua") };

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

/** Registers the rate-limit script on `redis` (once) and returns it typed (kit/src/redis-scripts.ts). */
export function withRateLimitScripts(redis: Redis): Redis & RateLimitCommands {
  // Bump the version when the script's KEYS/ARGV contract changes.
  return defineScripts<RateLimitCommands>(redis, {
    version: "v1",
    scripts: { ttRateLimit: join(DIR, "ratelimit-1.lua") },
    includes: TAKE_TOKEN,
  });
}
