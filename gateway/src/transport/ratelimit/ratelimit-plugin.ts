import { AppError, type Logger } from "@tt/kit";
import { Elysia } from "elysia";
import type { RedisRateLimiter } from "../../adapters/ratelimit/rate-limiter.redis.ts";
import {
  type RateDecision,
  type RateLimitPolicy,
  type RateScope,
  rateLimitHeaders,
} from "../../domain/ratelimit/decision.ts";
import type { Identify } from "../auth/auth-plugin.ts";

/** A route's `rateLimit` option: `true` for the default policy, or the route's own rate and burst. */
export type RateLimitOption = true | { perSec: number; burst: number; name?: string };

/** What the rate-limit guard needs. */
export interface RateLimitPluginOptions {
  limiter: RedisRateLimiter;
  identify: Identify;
  /** The request's client address, as the buckets key it. */
  clientIpOf(request: Request): string;
  defaultPolicy: RateLimitPolicy;
  /** False only for benchmarks; routes then carry no X-RateLimit-* headers. */
  enabled: boolean;
  /** `ratelimit_dropped_total{scope}`. */
  dropped: { inc(labels: { scope: RateScope }): void };
  log: Logger;
}

/** The policy a route option stands for; a custom rate gets its own buckets unless it names a shared one. */
export function policyOf(option: RateLimitOption, fallback: RateLimitPolicy): RateLimitPolicy {
  if (option === true) return fallback;
  return {
    name: option.name ?? `r${option.perSec}b${option.burst}`,
    perSec: option.perSec,
    burst: option.burst,
  };
}

// While Redis is unreachable, say so at most this often rather than once per request.
const WARN_EVERY_MS = 10_000;

/**
 * Takes a token per request under `policy` from the client IP's bucket and, when signed in, the
 * user's; throws 429 RATE_LIMITED with Retry-After when either is empty and puts the X-RateLimit-*
 * headers into `headers` either way. For the `rateLimit` route option, and for routes that must
 * limit before a lookup of their own (a join for an event the gateway has not seen lately).
 */
export function rateGate(options: RateLimitPluginOptions) {
  let lastWarnAt = 0;
  return async (request: Request, headers: Record<string, unknown>, policy = options.defaultPolicy) => {
    if (!options.enabled) return;
    const ip = options.clientIpOf(request);
    // A bad token is the auth guard's 401 to give; for the limiter the caller is anonymous.
    const user = await options.identify(request).catch(() => undefined);
    let decision: RateDecision;
    try {
      decision = await options.limiter.take({ ip, userId: user?.id }, policy);
    } catch (error) {
      // Fail open: the limiter protects the back end, but a Redis hiccup should not turn
      // every route into an error; routes that need Redis will report it themselves.
      if (Date.now() - lastWarnAt > WARN_EVERY_MS) {
        lastWarnAt = Date.now();
        options.log.warn("rate limiter unavailable; letting requests through", { err: error });
      }
      return;
    }
    Object.assign(headers, rateLimitHeaders(decision));
    if (!decision.allowed) {
      options.dropped.inc({ scope: decision.scope });
      throw new AppError("RATE_LIMITED", `Too many requests; retry in ${decision.retryAfterSec} s`, {
        retryAfterSec: decision.retryAfterSec,
        metadata: { scope: decision.scope },
      });
    }
  };
}

/** A gate as `rateGate` builds it. */
export type RateGate = ReturnType<typeof rateGate>;

/**
 * Route option `rateLimit: true | { perSec, burst, name? }` (see `rateGate`). Runs as a resolve
 * step so it comes before the idempotency guard: a refused request never claims an Idempotency-Key.
 */
export function rateLimitPlugin(options: RateLimitPluginOptions, gate: RateGate = rateGate(options)) {
  return new Elysia({ name: "gateway.ratelimit" }).macro({
    rateLimit: (option: RateLimitOption) => {
      const policy = policyOf(option, options.defaultPolicy);
      return {
        async resolve({ request, set }) {
          await gate(request, set.headers, policy);
          return {};
        },
      };
    },
  });
}
