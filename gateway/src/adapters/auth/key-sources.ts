import { ConfigError } from "@tt/kit";
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import type { DevIssuer } from "../../domain/auth/dev-issuer.ts";

/** Where the identity provider's public keys come from. */
export interface ProviderKeyOptions {
  jwksUrl?: string | undefined;
  jwksFile?: string | undefined;
  cacheMaxAgeMs: number;
  cooldownMs: number;
  timeoutMs: number;
}

/** The identity provider's keys (remote JWKS, else a JWK Set file), or undefined when neither is set. */
export async function providerKeys(options: ProviderKeyOptions): Promise<JWTVerifyGetKey | undefined> {
  if (options.jwksUrl) {
    // jose fetches on first use, keeps the set for cacheMaxAge, and refetches early on an
    // unknown kid (key rotation) but at most once per cooldown.
    return createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.cacheMaxAgeMs,
      cooldownDuration: options.cooldownMs,
      timeoutDuration: options.timeoutMs,
    });
  }
  if (options.jwksFile) {
    return createLocalJWKSet(await Bun.file(options.jwksFile).json());
  }
  return undefined;
}

/**
 * Sends tokens whose `kid` names the dev issuer's key to that key, and all others to the
 * provider (if any): a local stack may trust both its own dev logins and a real IdP.
 */
export function withDevIssuer(dev: DevIssuer, provider: JWTVerifyGetKey | undefined): JWTVerifyGetKey {
  const devKeys = createLocalJWKSet(dev.jwks);
  return (header, token) =>
    header.kid === dev.kid || !provider ? devKeys(header, token) : provider(header, token);
}

/** A load-test identity's JWK Set from its JSON (LOADTEST_JWKS); every key needs a `kid`. */
export function loadTestKeys(json: string): JSONWebKeySet {
  let set: JSONWebKeySet;
  try {
    set = JSON.parse(json) as JSONWebKeySet;
  } catch {
    throw new ConfigError(['LOADTEST_JWKS: is not JSON (a JWK Set: {"keys":[…]})']);
  }
  if (!Array.isArray(set?.keys) || set.keys.length === 0 || set.keys.some((k) => typeof k.kid !== "string")) {
    throw new ConfigError(["LOADTEST_JWKS: needs a JWK Set whose every key has a kid"]);
  }
  return set;
}

/**
 * Sends tokens signed by a load-test key (by `kid`) to that set and all others to `next`: on a
 * staging stage the drop's buyers sign in with JWTs a bench minted, beside the real provider's.
 */
export function withLoadTestKeys(set: JSONWebKeySet, next: JWTVerifyGetKey | undefined): JWTVerifyGetKey {
  const kids = new Set(set.keys.map((k) => k.kid));
  const local = createLocalJWKSet(set);
  return (header, token) => (kids.has(header.kid) || !next ? local(header, token) : next(header, token));
}
