import type { Logger, Metrics } from "@tt/kit";
import { Elysia } from "elysia";
import type Redis from "ioredis";
import { RedisRateLimiter } from "../adapters/ratelimit/rate-limiter.redis.ts";
import type { Authenticator } from "../domain/auth/authenticator.ts";
import type { Clock } from "../domain/clock.ts";
import { authPlugin, requestIdentifier } from "./auth/auth-plugin.ts";
import { idempotencyPlugin } from "./idempotency-plugin.ts";
import { clientIp } from "./ratelimit/client-ip.ts";
import { rateGate, rateLimitPlugin } from "./ratelimit/ratelimit-plugin.ts";

/** What can tell a request's socket address (Bun's server). */
export interface ClientAddressSource {
  requestIP(request: Request): { address: string } | null;
}

/** The config the guards read (see `edgeFields` in config.ts). */
export interface GuardsConfig {
  rateLimitEnabled: boolean;
  rateLimitPerSec: number;
  rateLimitBurst: number;
  trustProxy: boolean;
  trustProxyHops: number;
}

/** What the guards are built from. */
export interface GuardsDeps {
  config: GuardsConfig;
  redis: Redis;
  clock: Clock;
  authenticator: Authenticator;
  metrics: Metrics;
  log: Logger;
  /**
   * The listening server, for client addresses (null before it listens). Passed in rather than
   * read from Elysia's `server` context: naming that in a handler makes Elysia define a getter on
   * every request's context, which measurably slows the hot queue routes.
   */
  server(): ClientAddressSource | null | undefined;
}

/**
 * One plugin carrying every route-option guard: `auth: "required" | "admin"`,
 * `optionalAuth: true`, `rateLimit: true | {perSec, burst}` and `idempotent: true`. A routes
 * plugin `.use(guards)` and declares what each route needs; handlers read `user`.
 */
export function gatewayGuards(deps: GuardsDeps) {
  const { config, metrics } = deps;
  const identify = requestIdentifier(deps.authenticator);
  const rateLimiter = new RedisRateLimiter(deps.redis, deps.clock);
  const dropped = metrics.counter("ratelimit_dropped_total", "Requests refused by a rate limit", ["scope"]);
  const ipOptions = { trustProxy: config.trustProxy, trustedHops: config.trustProxyHops };
  /** The rate-limit address of a request (for scripts that limit inside their own round trip). */
  const clientIpOf = (request: Request) =>
    clientIp(request.headers.get("x-forwarded-for"), deps.server()?.requestIP(request)?.address, ipOptions);
  const limits = {
    limiter: rateLimiter,
    identify,
    clientIpOf,
    defaultPolicy: { name: "default", perSec: config.rateLimitPerSec, burst: config.rateLimitBurst },
    enabled: config.rateLimitEnabled,
    dropped,
    log: deps.log,
  };
  /** The general limit, for a route to take a token itself (before a lookup it is about to make). */
  const limit = rateGate(limits);
  const guards = new Elysia({ name: "gateway.guards" })
    .use(authPlugin(identify))
    .use(rateLimitPlugin(limits, limit))
    .use(idempotencyPlugin());
  return { guards, identify, clientIpOf, rateLimiter, limit, ratelimitDropped: dropped };
}

/** The guards plugin's type, for routes plugins that take it as a parameter. */
export type Guards = ReturnType<typeof gatewayGuards>["guards"];
