import { describe, expect, test } from "bun:test";
import { base64url, exportSPKI, SignJWT } from "jose";
import { type EdgeGateway, errorCode, manualClock } from "./edge-support.ts";
import {
  AUDIENCE,
  devAndProdForFile,
  expectUnauthenticated,
  get,
  ISSUER,
  makeKey,
  signToken,
  startTestIdp,
  type TestKey,
  type TokenOptions,
} from "./idp-support.ts";

const idp = startTestIdp();
const time = manualClock();
const nowSec = () => Math.floor(time.clock() / 1000);
let rsa: TestKey;
let ec: TestKey;
let rotated: TestKey;
let rotatedAgain: TestKey;
let stranger: TestKey;
const sign = (options: Partial<TokenOptions> = {}) => signToken(time.clock, { key: rsa, ...options });

let dev: EdgeGateway;
let prod: EdgeGateway;

devAndProdForFile(
  idp,
  time.clock,
  (gateways) => {
    ({ dev, prod } = gateways);
  },
  async () => {
    [rsa, ec, rotated, rotatedAgain, stranger] = await Promise.all([
      makeKey("idp-1", "RS256"),
      makeKey("idp-es", "ES256"),
      makeKey("idp-2", "RS256"),
      makeKey("idp-3", "ES256"),
      makeKey("idp-x", "RS256"),
    ]);
    idp.published.push(rsa.publicJwk, ec.publicJwk);
  },
);

describe("JWT verification against the identity provider's JWKS", () => {
  test("accepts RS256 and ES256 tokens from the provider and exposes the user", async () => {
    const rs = await get(dev, "/test/me", `Bearer ${await sign({ roles: ["buyer"] })}`);
    expect(rs.status).toBe(200);
    expect(await rs.json()).toEqual({ id: "alice", roles: ["buyer"] });
    const es = await get(dev, "/test/me", `Bearer ${await sign({ key: ec, sub: "bob" })}`);
    expect(await es.json()).toMatchObject({ id: "bob" });
    // The same tokens are good in production mode: there only the dev conveniences are gone.
    expect((await get(prod, "/test/me", `Bearer ${await sign()}`)).status).toBe(200);
  });

  test("refuses alg=none, HS256 signed with the public key, and an unknown signer", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const payload = base64url.encode(
      JSON.stringify({ sub: "mallory", iss: ISSUER, aud: AUDIENCE, exp: nowSec() + 600, roles: ["admin"] }),
    );
    await expectUnauthenticated(await get(dev, "/test/admin", `Bearer ${header}.${payload}.`));

    // The classic key-confusion attack: HMAC "secret" = the RSA public key everyone can fetch.
    for (const secret of [await exportSPKI(rsa.publicKey), JSON.stringify(rsa.publicJwk)]) {
      const forged = await new SignJWT({ roles: ["admin"] })
        .setProtectedHeader({ alg: "HS256", kid: rsa.kid })
        .setSubject("mallory")
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(nowSec() + 600)
        .sign(new TextEncoder().encode(secret));
      await expectUnauthenticated(await get(dev, "/test/admin", `Bearer ${forged}`));
    }
    await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${await sign({ key: stranger })}`));
  });

  test("refuses expired, not-yet-valid, wrong-issuer and wrong-audience tokens", async () => {
    await expectUnauthenticated(
      await get(dev, "/test/me", `Bearer ${await sign({ exp: nowSec() - 60 })}`),
      /expired/,
    );
    await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${await sign({ nbf: nowSec() + 120 })}`));
    await expectUnauthenticated(
      await get(dev, "/test/me", `Bearer ${await sign({ iss: "https://evil.test" })}`),
    );
    await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${await sign({ aud: "someone-else" })}`));
  });

  test("tolerates a few seconds of clock skew, no more", async () => {
    expect((await get(dev, "/test/me", `Bearer ${await sign({ nbf: nowSec() + 3 })}`)).status).toBe(200);
    expect((await get(dev, "/test/me", `Bearer ${await sign({ exp: nowSec() - 3 })}`)).status).toBe(200);
    await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${await sign({ exp: nowSec() - 10 })}`));
  });

  test("refuses garbage, other schemes and a missing token with a Bearer challenge", async () => {
    for (const authorization of ["Bearer abc.def.ghi", "Bearer not-a-jwt", "Basic YWxpY2U6cHc=", "Bearer "]) {
      await expectUnauthenticated(await get(dev, "/test/me", authorization));
    }
    await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${"x".repeat(10_000)}`));
    const missing = await get(dev, "/test/me");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="traffic-tacos"');
  });

  test("optional auth: anonymous is fine, a bad token is still 401", async () => {
    expect(await (await get(dev, "/test/maybe")).json()).toEqual({ id: null });
    expect(await (await get(dev, "/test/maybe", `Bearer ${await sign({ sub: "carol" })}`)).json()).toEqual({
      id: "carol",
    });
    await expectUnauthenticated(await get(dev, "/test/maybe", "Bearer abc.def.ghi"));
  });

  test("the admin API needs the admin role claim", async () => {
    const buyer = await get(dev, "/test/admin", `Bearer ${await sign({ roles: ["buyer"] })}`);
    expect(buyer.status).toBe(403);
    expect(await errorCode(buyer)).toBe("FORBIDDEN");
    expect((await get(dev, "/test/admin", `Bearer ${await sign({ roles: ["admin"] })}`)).status).toBe(200);
  });

  test("a rotated key is picked up by refetching the JWKS, at most once per cooldown", async () => {
    const before = idp.fetches();
    for (let i = 0; i < 5; i++) await get(dev, "/test/me", `Bearer ${await sign({ sub: `cached-${i}` })}`);
    expect(idp.fetches()).toBe(before); // the JWKS itself is cached, not fetched per token

    // An unknown kid makes jose refetch the set, once the cooldown since the last fetch is over.
    idp.published.push(rotated.publicJwk);
    await Bun.sleep(1100);
    expect((await get(dev, "/test/me", `Bearer ${await sign({ key: rotated })}`)).status).toBe(200);
    const afterRefetch = idp.fetches();
    expect(afterRefetch).toBe(before + 1);

    // Within the cooldown a forged or brand-new kid cannot make us hammer the provider.
    idp.published.push(rotatedAgain.publicJwk);
    const newest = await sign({ key: rotatedAgain });
    await expectUnauthenticated(await get(dev, "/test/me", `Bearer ${newest}`));
    expect(idp.fetches()).toBe(afterRefetch);
    await Bun.sleep(1100);
    expect((await get(dev, "/test/me", `Bearer ${newest}`)).status).toBe(200);
  });
});
