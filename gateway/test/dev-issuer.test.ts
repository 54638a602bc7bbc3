import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "@tt/kit";
import { createLocalJWKSet, type JWK, jwtVerify } from "jose";
import { buildGateway } from "../src/app.ts";
import { gatewayFields } from "../src/config.ts";
import { type EdgeGateway, errorCode, manualClock, startEdgeGateway } from "./edge-support.ts";
import {
  AUDIENCE,
  devAndProdForFile,
  expectUnauthenticated,
  get,
  ISSUER,
  startTestIdp,
  whoAmIRoutes,
} from "./idp-support.ts";

// Both gateways also trust a (keyless) provider: production refuses to start without one.
const idp = startTestIdp();
const time = manualClock();
let dev: EdgeGateway;
let prod: EdgeGateway;
let redisUrl = "";
devAndProdForFile(idp, time.clock, (gateways) => {
  ({ dev, prod, redisUrl } = gateways);
});

describe("the local dev issuer", () => {
  test("dev login returns a bearer token that the gateway and its published JWKS both accept", async () => {
    const login = await fetch(`${dev.url}/api/v1/auth/dev-login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_id: "erin", roles: ["admin"] }),
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(60);
    expect(await (await get(dev, "/test/admin", `Bearer ${body.access_token}`)).json()).toEqual({
      id: "erin",
    });

    const jwks = (await (await fetch(`${dev.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    expect(jwks.keys[0]).not.toHaveProperty("d"); // public half only
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(time.clock()),
    });
    expect(payload.sub).toBe("erin");
  });

  test("dev tokens expire with the gateway's clock, cached or not", async () => {
    const { access_token } = (await (
      await fetch(`${dev.url}/api/v1/auth/dev-login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user_id: "frank" }),
      })
    ).json()) as { access_token: string };
    expect((await get(dev, "/test/me", `Bearer ${access_token}`)).status).toBe(200);
    time.advance(66_000);
    try {
      await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${access_token}`), /expired/);
    } finally {
      time.advance(-66_000);
    }
  });

  test("dev login validates the user id", async () => {
    const bad = await fetch(`${dev.url}/api/v1/auth/dev-login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_id: "{evil}" }),
    });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("VALIDATION_FAILED");
  });

  test("bypass tokens work outside production, optionally naming the user", async () => {
    expect(await (await get(dev, "/test/admin", "Bearer dev-super-key-local-testing")).json()).toEqual({
      id: "dev-user",
    });
    expect(await (await get(dev, "/test/me", "Bearer load-test-bypass-token")).json()).toEqual({
      id: "load-test-user",
      roles: [],
    });
    const named = await get(dev, "/test/me", "Bearer load-test-bypass-token", { "x-user-id": "buyer-42" });
    expect(await named.json()).toEqual({ id: "buyer-42", roles: [] });
    await expectUnauthenticated(
      await get(dev, "/test/me", "Bearer load-test-bypass-token", { "x-user-id": "no spaces" }),
    );
    expect((await get(dev, "/test/admin", "Bearer load-test-bypass-token")).status).toBe(403);
  });

  test("another gateway process on the same Redis trusts the same dev tokens", async () => {
    const other = await startEdgeGateway(redisUrl, idp.env, whoAmIRoutes, time.clock);
    try {
      expect(other.gateway.devIssuer?.kid).toBe(dev.gateway.devIssuer?.kid);
    } finally {
      await other.stop();
    }
  });
});

describe("production mode", () => {
  test("has no dev login or JWKS route (404)", async () => {
    const login = await fetch(`${prod.url}/api/v1/auth/dev-login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_id: "erin" }),
    });
    expect(login.status).toBe(404);
    expect((await fetch(`${prod.url}/.well-known/jwks.json`)).status).toBe(404);
    expect(prod.gateway.devIssuer).toBeUndefined();
  });

  test("refuses bypass tokens and dev-issued tokens (401)", async () => {
    await expectUnauthenticated(await get(prod, "/test/me", "Bearer dev-super-key-local-testing"));
    await expectUnauthenticated(
      await get(prod, "/test/me", "Bearer load-test-bypass-token", { "x-user-id": "buyer-42" }),
    );
    const devToken = await dev.gateway.devIssuer?.issue("erin", ["admin"]);
    await expectUnauthenticated(await get(prod, "/test/admin", `Bearer ${devToken?.token}`));
  });

  test("will not start without a JWKS source", async () => {
    const config = loadConfig(gatewayFields(), {
      APP_ENV: "production",
      REDIS_URL: redisUrl,
      RESERVATION_TOKEN_SECRET: "prod-test-secret",
      PAYMENT_WEBHOOK_SECRET: "prod-hook-secret",
    });
    await expect(buildGateway({ config, redis: dev.redis })).rejects.toBeInstanceOf(ConfigError);
  });

  test("will not start without a reservation-token secret (no dev default in production)", () => {
    expect(() =>
      loadConfig(gatewayFields(), {
        ...idp.env,
        APP_ENV: "production",
        REDIS_URL: redisUrl,
        PAYMENT_WEBHOOK_SECRET: "prod-hook-secret",
      }),
    ).toThrow("RESERVATION_TOKEN_SECRET is required in production");
  });
});
