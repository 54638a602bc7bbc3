import { ConfigError, productionLike } from "@tt/kit";
import type Redis from "ioredis";
import { redisDevKeyStore } from "./adapters/auth/dev-key-store.redis.ts";
import { loadTestKeys, providerKeys, withDevIssuer, withLoadTestKeys } from "./adapters/auth/key-sources.ts";
import { Authenticator } from "./domain/auth/authenticator.ts";
import { DevIssuer } from "./domain/auth/dev-issuer.ts";
import { TokenCache } from "./domain/auth/token-cache.ts";
import { TokenVerifier } from "./domain/auth/verifier.ts";
import type { Clock } from "./domain/clock.ts";

/** The config auth reads (see `edgeFields` in config.ts). */
export interface AuthConfig {
  appEnv: "development" | "test" | "staging" | "production";
  /** A load-test identity's JWK Set (JSON), trusted beside the provider's; refused in production. */
  loadTestJwks: string | undefined;
  jwksUrl: string | undefined;
  jwksFile: string | undefined;
  jwksCacheMaxAgeSec: number;
  jwksCooldownSec: number;
  jwksTimeoutMs: number;
  jwtIssuer: string;
  jwtAudience: string;
  jwtClockToleranceSec: number;
  authCacheMaxEntries: number;
  devTokenTtlSec: number;
}

/** The auth pieces the gateway wires: the authenticator, and the dev issuer outside production. */
export interface AuthSetup {
  authenticator: Authenticator;
  /** Absent in production: no dev login, no JWKS route, no bypass tokens. */
  devIssuer: DevIssuer | undefined;
}

/** Builds auth from config; in production a JWKS source is mandatory (ConfigError otherwise). */
export async function createAuth(config: AuthConfig, redis: Redis, clock: Clock): Promise<AuthSetup> {
  const production = productionLike(config.appEnv);
  const provider = await providerKeys({
    jwksUrl: config.jwksUrl,
    jwksFile: config.jwksFile,
    cacheMaxAgeMs: config.jwksCacheMaxAgeSec * 1000,
    cooldownMs: config.jwksCooldownSec * 1000,
    timeoutMs: config.jwksTimeoutMs,
  });
  if (production && !provider) {
    throw new ConfigError(["JWKS_URL or JWKS_FILE is required when APP_ENV=production"]);
  }
  const devIssuer = production ? undefined : await createDevIssuer(config, redis, clock);
  const loadTest = config.loadTestJwks ? loadTestKeys(config.loadTestJwks) : undefined;
  if (loadTest && config.appEnv === "production") {
    throw new ConfigError(["LOADTEST_JWKS is refused when APP_ENV=production (staging only)"]);
  }
  const issued = devIssuer ? withDevIssuer(devIssuer, provider) : provider;
  const keys = loadTest ? withLoadTestKeys(loadTest, issued) : issued;
  if (!keys) throw new ConfigError(["no JWT keys configured"]);
  const verifier = new TokenVerifier({
    keys,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    clockToleranceSec: config.jwtClockToleranceSec,
    cache: new TokenCache(config.authCacheMaxEntries),
    clock,
    // Same horizon as the JWKS cache: a withdrawn key stops working as soon as jose would notice.
    maxCacheMs: config.jwksCacheMaxAgeSec * 1000,
  });
  return { authenticator: new Authenticator(verifier, !production), devIssuer };
}

async function createDevIssuer(config: AuthConfig, redis: Redis, clock: Clock): Promise<DevIssuer> {
  const options = {
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    tokenTtlSec: config.devTokenTtlSec,
    clock,
  };
  try {
    return await DevIssuer.create(redisDevKeyStore(redis), options);
  } catch (error) {
    // ioredis only says "max retries reached"; say what we were doing and why it matters.
    throw new Error("dev issuer: cannot share its signing key through Redis (is REDIS_URL reachable?)", {
      cause: error,
    });
  }
}
