import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { DevIssuer } from "./dev-issuer.ts";

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
