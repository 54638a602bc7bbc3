// A stand-in identity provider for the auth tests: key pairs, a JWKS endpoint that counts its
// fetches, a token signer on the tests' clock, and routes that show who the gateway thinks you are.
import { afterAll, beforeAll, expect } from "bun:test";
import { generateSigningKey } from "@tt/kit";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import { Elysia } from "elysia";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type { Gateway } from "../src/app.ts";
import type { Clock } from "../src/domain/clock.ts";
import { type EdgeGateway, startEdgeGateway } from "./edge-support.ts";

/** The issuer the test gateways expect. */
export const ISSUER = "https://idp.test";
/** The audience the test gateways expect. */
export const AUDIENCE = "tt-gateway";

/** One signing key of the test IdP. */
export interface TestKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh key pair with its public JWK. */
export async function makeKey(kid: string, alg: "RS256" | "ES256"): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** Serves `published` as a JWKS and counts the fetches. */
export function startTestIdp() {
  const published: JWK[] = [];
  let fetches = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => {
      fetches++;
      return Response.json({ keys: published });
    },
  });
  return {
    published,
    fetches: () => fetches,
    /** Gateway settings that trust this IdP (cooldown 1 s so rotation tests stay short). */
    env: {
      JWKS_URL: `http://127.0.0.1:${server.port}/jwks.json`,
      JWKS_COOLDOWN_SEC: "1",
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_CLOCK_TOLERANCE_SEC: "5",
      DEV_TOKEN_TTL_SEC: "60",
    },
    stop: () => server.stop(true),
  };
}

/** Claims a test token may bend. */
export interface TokenOptions {
  key: TestKey;
  sub?: string;
  roles?: string[];
  iss?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
}

/** Signs a token dated by `clock`; valid for 10 minutes unless told otherwise. */
export function signToken(clock: Clock, options: TokenOptions): Promise<string> {
  const now = Math.floor(clock() / 1000);
  return new SignJWT({ roles: options.roles ?? [] })
    .setProtectedHeader({ alg: options.key.alg, kid: options.key.kid })
    .setSubject(options.sub ?? "alice")
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(options.nbf ?? now)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(options.key.privateKey);
}

/** `/test/me` (signed in), `/test/admin` (admin role), `/test/maybe` (optional). */
export function whoAmIRoutes(gateway: Gateway) {
  gateway.app.use(
    new Elysia()
      .use(gateway.guards)
      .get("/test/me", ({ user }) => ({ id: user.id, roles: user.roles }), { auth: "required" })
      .get("/test/admin", ({ user }) => ({ id: user.id }), { auth: "admin" })
      .get("/test/maybe", ({ user }) => ({ id: user?.id ?? null }), { optionalAuth: true }),
  );
}

/** GET with an optional Authorization header. */
export const get = (
  gw: EdgeGateway,
  path: string,
  authorization?: string,
  headers: Record<string, string> = {},
) => fetch(`${gw.url}${path}`, { headers: { ...(authorization ? { authorization } : {}), ...headers } });

/** Asserts a 401 UNAUTHENTICATED with a Bearer challenge (and a message, when given). */
export async function expectUnauthenticated(response: Response, message?: RegExp) {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toStartWith("Bearer");
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("UNAUTHENTICATED");
  if (message) expect(body.error.message).toMatch(message);
}

/** Production settings besides the identity provider that a production gateway needs to start. */
export const PRODUCTION_ENV = {
  APP_ENV: "production",
  RESERVATION_TOKEN_SECRET: "prod-test-secret",
  PAYMENT_WEBHOOK_SECRET: "prod-hook-secret",
  // The gateway signs its calls to the services behind it with its own key.
  SERVICE_SIGNING_KEY: JSON.stringify(generateSigningKey("gateway-prod-test").privateJwk),
};

/** A development and a production gateway trusting the same provider, on one Redis. */
export interface DevAndProd {
  dev: EdgeGateway;
  prod: EdgeGateway;
  redisUrl: string;
}

/**
 * For one test file: after `prepare` (keys the provider publishes, say), a Redis and the two
 * gateways start before its tests and are handed to `use`; after them all stop, `idp` too.
 */
export function devAndProdForFile(
  idp: { env: Record<string, string>; stop(): void },
  clock: Clock,
  use: (gateways: DevAndProd) => void,
  prepare: () => Promise<void> = async () => undefined,
): void {
  let redis: TestRedis | undefined;
  let gateways: Partial<DevAndProd> = {};
  beforeAll(async () => {
    await prepare();
    redis = await startTestRedis();
    const [dev, prod] = await Promise.all([
      startEdgeGateway(redis.url, idp.env, whoAmIRoutes, clock),
      startEdgeGateway(redis.url, { ...idp.env, ...PRODUCTION_ENV }, whoAmIRoutes, clock),
    ]);
    gateways = { dev, prod };
    use({ dev, prod, redisUrl: redis.url });
  });
  afterAll(async () => {
    await Promise.all([gateways.dev?.stop(), gateways.prod?.stop()]);
    await redis?.stop();
    idp.stop();
  });
}
