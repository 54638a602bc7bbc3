// A staging stage (#19 item 6): production's rules, plus a load-test identity whose JWTs the drop
// signs in with. The real config schema and the real auth the gateway builds; the JWTs are minted
// by the bench's own minting code, as an operator would mint them.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError, identityEnv } from "@tt/kit";
import Redis from "ioredis";
import { mintJwt, newIdentity } from "../../bench/lib/load-test-identity.ts";
import { createAuth } from "../src/auth-setup.ts";
import { gatewayConfig } from "../src/config.ts";
import { systemClock } from "../src/domain/clock.ts";

const { env: keys } = identityEnv(["gateway"]);
const loadTest = newIdentity("loadtest-test");
// The identity provider's own keys: a JWK Set file, as a mounted secret would be.
const provider = newIdentity("provider-test");
const providerFile = join(mkdtempSync(join(tmpdir(), "tt-jwks-")), "jwks.json");
writeFileSync(providerFile, JSON.stringify(provider.jwks));

const STAGING = {
  APP_ENV: "staging",
  JWKS_FILE: providerFile,
  JWT_ISSUER: "https://auth.example.com",
  JWT_AUDIENCE: "traffic-tacos",
  RESERVATION_TOKEN_SECRET: "staging-token-secret",
  PAYMENT_WEBHOOK_SECRET: "staging-hook-secret",
  SERVICE_SIGNING_KEY: keys.gateway.SERVICE_SIGNING_KEY,
  LOADTEST_JWKS: JSON.stringify(loadTest.jwks),
};
const claims = (sub: string) => ({ sub, iss: STAGING.JWT_ISSUER, aud: STAGING.JWT_AUDIENCE, ttlSec: 600 });

describe("a staging stage", () => {
  test("runs by production's rules: its secrets and a JWKS source are required, no dev default", () => {
    expect(() => gatewayConfig.load({ ...STAGING, RESERVATION_TOKEN_SECRET: undefined })).toThrow(
      "RESERVATION_TOKEN_SECRET is required in production",
    );
    expect(() => gatewayConfig.load({ ...STAGING, JWKS_FILE: undefined })).toThrow(
      "JWKS_URL or JWKS_FILE is required when APP_ENV=staging",
    );
  });

  test("production refuses a load-test identity outright", () => {
    expect(() => gatewayConfig.load({ ...STAGING, APP_ENV: "production" })).toThrow(
      "LOADTEST_JWKS is refused when APP_ENV=production",
    );
  });

  test("the load-test identity's JWTs sign buyers in beside the provider's; bypass tokens do not", async () => {
    const config = gatewayConfig.load(STAGING);
    // Staging has no dev issuer, so auth needs no Redis: a client that never connects will do.
    const redis = new Redis({ lazyConnect: true });
    try {
      const { authenticator, devIssuer } = await createAuth(config, redis, systemClock);
      expect(devIssuer).toBeUndefined();
      const buyer = await authenticator.authenticate(
        `Bearer ${mintJwt(loadTest, claims("buyer-00042"))}`,
        null,
      );
      expect(buyer?.id).toBe("buyer-00042");
      const real = await authenticator.authenticate(`Bearer ${mintJwt(provider, claims("alice"))}`, null);
      expect(real?.id).toBe("alice");
      // A key nobody trusts, and the local stack's bypass token, are refused.
      const stranger = newIdentity("loadtest-test");
      for (const token of [mintJwt(stranger, claims("mallory")), "load-test-bypass-token"]) {
        const refused = await authenticator
          .authenticate(`Bearer ${token}`, "mallory")
          .catch((e: unknown) => e);
        expect(refused instanceof AppError && refused.code).toBe("UNAUTHENTICATED");
      }
    } finally {
      redis.disconnect();
    }
  });
});
