/**
 * Service keys: each service signs its credentials with its own Ed25519 private key
 * (`SERVICE_SIGNING_KEY`, a JWK with a `kid`) and knows the platform's public keys
 * (`SERVICE_TRUSTED_KEYS`, `{"<issuer>": [JWK, …]}` — several per issuer while a key is rotated);
 * the call graph, not the key list, decides who may call (so a known service calling where it may
 * not is told 403, not 401). The local launcher and the tests make a fresh set per run with
 * `identityEnv`.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from "node:crypto";
import type { JWK } from "jose";
import { ConfigError } from "../config.ts";

/** Public keys of the callers a service trusts, by issuer (service name). */
export type TrustedKeys = Record<string, JWK[]>;

/** A fresh Ed25519 key pair as JWKs sharing a `kid`. */
export function generateSigningKey(kid: string = randomUUID()): { privateJwk: JWK; publicJwk: JWK } {
  const { privateKey } = generateKeyPairSync("ed25519");
  const privateJwk = { ...(privateKey.export({ format: "jwk" }) as JWK), kid, alg: "EdDSA" };
  return { privateJwk, publicJwk: publicJwkOf(privateJwk) };
}

/** The public half of a private JWK (same `kid`). */
export function publicJwkOf(privateJwk: JWK): JWK {
  const pub = createPublicKey(createPrivateKey({ key: privateJwk as never, format: "jwk" }));
  return { ...(pub.export({ format: "jwk" }) as JWK), kid: privateJwk.kid, alg: "EdDSA" };
}

function isEd25519(jwk: unknown, needPrivate: boolean): jwk is JWK {
  const k = jwk as JWK | null;
  return (
    typeof k === "object" &&
    k !== null &&
    k.kty === "OKP" &&
    k.crv === "Ed25519" &&
    typeof k.x === "string" &&
    typeof k.kid === "string" &&
    k.kid !== "" &&
    (!needPrivate || typeof k.d === "string")
  );
}

// Keys may also come as PEM (Terraform's tls_private_key makes those): their kid is then the
// RFC 7638 thumbprint of the public key, which signer and verifier compute alike.
const isPem = (raw: string) => raw.trimStart().startsWith("-----BEGIN");

function withThumbprint(jwk: JWK): JWK {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return { ...jwk, kid: createHash("sha256").update(canonical).digest("base64url"), alg: "EdDSA" };
}

function fromPem(variable: string, pem: string, needPrivate: boolean): JWK {
  try {
    const key = needPrivate ? createPrivateKey(pem) : createPublicKey(pem);
    return withThumbprint(key.export({ format: "jwk" }) as JWK);
  } catch {
    throw new ConfigError([`${variable} holds a PEM key that cannot be read`]);
  }
}

function parseJson(variable: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError([`${variable} must be JSON`]);
  }
}

/** Reads `SERVICE_SIGNING_KEY`: one Ed25519 private JWK with a `kid`, or a PKCS#8 PEM. */
export function parseSigningKey(raw: string, variable = "SERVICE_SIGNING_KEY"): JWK {
  const jwk = isPem(raw) ? fromPem(variable, raw, true) : parseJson(variable, raw);
  if (!isEd25519(jwk, true)) {
    throw new ConfigError([
      `${variable} must be an Ed25519 private JWK with a kid (kty OKP, crv Ed25519, d, x)`,
    ]);
  }
  return jwk;
}

/** Reads `SERVICE_TRUSTED_KEYS`: `{"<issuer>": [public JWK with kid, or PEM, …]}`; kids are unique. */
export function parseTrustedKeys(raw: string, variable = "SERVICE_TRUSTED_KEYS"): TrustedKeys {
  const value = parseJson(variable, raw);
  const problem = `${variable} must map each issuer to a list of Ed25519 public JWKs with unique kids`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError([problem]);
  const kids = new Set<string>();
  const out: TrustedKeys = {};
  for (const [issuer, keys] of Object.entries(value)) {
    if (!Array.isArray(keys)) throw new ConfigError([problem]);
    out[issuer] = keys.map((entry: unknown) => {
      const k = typeof entry === "string" && isPem(entry) ? fromPem(variable, entry, false) : entry;
      if (!isEd25519(k, false) || kids.has(k.kid ?? "")) throw new ConfigError([problem]);
      kids.add(k.kid ?? "");
      // A private part pasted by mistake is dropped: a verifier never needs it.
      const { d: _private, ...pub } = k;
      return pub;
    });
  }
  return out;
}

/** The environment variables of one service's identity. */
export type IdentityEnv = {
  SERVICE_SIGNING_KEY: string;
  SERVICE_TRUSTED_KEYS: string;
};

/**
 * A fresh key per service and the public keys of all of them, one set for every service (public
 * keys are no secret): what the local launcher passes to its children, and what tests start
 * services with.
 */
export function identityEnv<N extends string>(
  names: readonly N[],
): { env: Record<N, IdentityEnv>; keys: Record<N, JWK> } {
  const pairs = Object.fromEntries(
    names.map((n) => [n, generateSigningKey(`${n}-${randomUUID()}`)]),
  ) as Record<N, ReturnType<typeof generateSigningKey>>;
  const trusted: TrustedKeys = Object.fromEntries(names.map((n) => [n, [pairs[n].publicJwk]]));
  const env = {} as Record<N, IdentityEnv>;
  for (const name of names) {
    env[name] = {
      SERVICE_SIGNING_KEY: JSON.stringify(pairs[name].privateJwk),
      SERVICE_TRUSTED_KEYS: JSON.stringify(trusted),
    };
  }
  const keys = Object.fromEntries(names.map((n) => [n, pairs[n].privateJwk])) as Record<N, JWK>;
  return { env, keys };
}
