/**
 * The drop's buyers against a stage that takes no bypass tokens (staging: production's rules,
 * docs/spec.md "Authentication"): JWTs minted by a load-test identity whose public keys the
 * stage's gateway trusts (LOADTEST_JWKS, Terraform's `load_test_jwks`). ES256, signed with
 * node:crypto, so the bench needs no JWT library; `mint-jwts.ts` writes them, the drop reads them.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";

/** A load-test identity: its key, and the JWK Set a gateway trusts it by. */
export interface LoadTestIdentity {
  privateKey: KeyObject;
  kid: string;
  jwks: { keys: Array<Record<string, unknown>> };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A fresh P-256 key named `kid`. */
export function newIdentity(kid = `loadtest-${Date.now().toString(36)}`): LoadTestIdentity {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privateKey,
    kid,
    jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" }] },
  };
}

/** The identity from a private JWK file (with its `kid`), as `mint-jwts` writes it. */
export function identityFromFile(path: string): LoadTestIdentity {
  const jwk = JSON.parse(readFileSync(path, "utf8")) as { kid: string } & Record<string, unknown>;
  const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  return {
    privateKey,
    kid: jwk.kid,
    jwks: {
      keys: [
        { ...createPublicKey(privateKey).export({ format: "jwk" }), kid: jwk.kid, alg: "ES256", use: "sig" },
      ],
    },
  };
}

/** One signed JWT for `sub` (the gateway reads `sub` as the buyer and `roles` as the roles). */
export function mintJwt(
  id: LoadTestIdentity,
  claims: { sub: string; iss: string; aud: string; ttlSec: number; roles?: string[] },
): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "ES256", typ: "JWT", kid: id.kid });
  const body = b64({
    sub: claims.sub,
    iss: claims.iss,
    aud: claims.aud,
    iat: now,
    exp: now + claims.ttlSec,
    ...(claims.roles ? { roles: claims.roles } : {}),
  });
  const signature = sign("sha256", Buffer.from(`${head}.${body}`), {
    key: id.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${head}.${body}.${signature.toString("base64url")}`;
}

/** The JWTs of a file, one per line. */
export function readJwts(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/** A JWT's `sub`, unverified (the bench only names its own buyers by it). */
export function subjectOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString()) as {
    sub?: unknown;
  };
  if (typeof payload.sub !== "string") throw new Error("a load-test JWT without a sub");
  return payload.sub;
}

/** A JWT given as itself, or the first of the file it names. */
export function jwtOrFile(value: string): string {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value) ? value : (readJwts(value)[0] ?? "");
}
