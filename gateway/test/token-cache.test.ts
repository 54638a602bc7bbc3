import { beforeAll, describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey, SignJWT } from "jose";
import { TokenCache } from "../src/domain/auth/token-cache.ts";
import { TokenVerifier } from "../src/domain/auth/verifier.ts";
import { manualClock } from "./edge-support.ts";

let privateKey: CryptoKey;
let keys: JWTVerifyGetKey;
let keyLookups = 0;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  const local = createLocalJWKSet({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256" }],
  });
  // Every real verification looks up the key once; cache hits never do.
  keys = (header, token) => {
    keyLookups++;
    return local(header, token);
  };
});

function setup(maxCacheMs = 600_000) {
  const time = manualClock(1_700_000_000_000);
  const verifier = new TokenVerifier({
    keys,
    issuer: "iss",
    audience: "aud",
    clockToleranceSec: 5,
    cache: new TokenCache(100),
    clock: time.clock,
    maxCacheMs,
  });
  const sign = (sub: string, ttlSec: number) =>
    new SignJWT({ roles: ["buyer"] })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setSubject(sub)
      .setIssuer("iss")
      .setAudience("aud")
      .setExpirationTime(Math.floor(time.clock() / 1000) + ttlSec)
      .sign(privateKey);
  return { time, verifier, sign };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

describe("verified-token cache", () => {
  test("a repeat token is answered from the cache without verifying again", async () => {
    const { verifier, sign } = setup();
    const token = await sign("alice", 60);
    const before = keyLookups;
    expect(await verifier.verify(token)).toEqual({ id: "alice", roles: ["buyer"] });
    expect(await verifier.verify(token)).toEqual({ id: "alice", roles: ["buyer"] });
    expect(await verifier.verify(token)).toEqual({ id: "alice", roles: ["buyer"] });
    expect(keyLookups).toBe(before + 1);
  });

  test("a cached token is refused once it expires", async () => {
    const { verifier, sign, time } = setup();
    const token = await sign("bob", 60);
    await verifier.verify(token);
    time.advance(59_000);
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    time.advance(1_000 + 6_000); // past exp and past the clock tolerance
    expect(await codeOf(verifier.verify(token))).toBe("UNAUTHENTICATED");
  });

  test("entries are re-verified after the cache horizon even if the token lives longer", async () => {
    const { verifier, sign, time } = setup(10_000);
    const token = await sign("carol", 3600);
    await verifier.verify(token);
    const before = keyLookups;
    time.advance(11_000);
    await verifier.verify(token);
    expect(keyLookups).toBe(before + 1);
  });

  test("stays within its bound, dropping the least recently used token", () => {
    const cache = new TokenCache(2);
    const user = (id: string) => ({ id, roles: [] });
    cache.set("a", user("a"), 10_000, 0);
    cache.set("b", user("b"), 10_000, 0);
    cache.get("a", 1); // a is now more recent than b
    cache.set("c", user("c"), 10_000, 0);
    expect(cache.size).toBe(2);
    expect(cache.get("b", 1)).toBeUndefined();
    expect(cache.get("a", 1)?.id).toBe("a");
    expect(cache.get("c", 1)?.id).toBe("c");
    cache.set("d", user("d"), 5, 10); // already expired: never stored
    expect(cache.get("d", 10)).toBeUndefined();
  });
});
