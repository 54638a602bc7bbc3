/**
 * Service credentials, the caller's side: short-lived EdDSA JWTs (`iss` = the calling service,
 * `aud` = the callee, `usr` = the buyer the call acts for, if any), signed once and reused until
 * shortly before they expire, so the callee verifies each one once (verifier.ts).
 */
import { importJWK, type JWK, SignJWT } from "jose";

/** What a client needs to call another service: a bearer token per audience and buyer. */
export interface Credentials {
  /** The issuer the tokens name (the calling service). */
  readonly issuer: string;
  /** A token for a call to `audience`, acting for `user` when given. */
  token(audience: string, user?: string): Promise<string>;
}

/** How long tokens live and how they are reused. */
export interface CredentialOptions {
  /** Lifetime of a token (default 60 s): short, so a leaked one is soon worthless. */
  ttlSec?: number;
  /** A token is replaced once less than this is left (default 20 s), so none expires in flight. */
  renewBeforeSec?: number;
  /** Tokens kept (one per audience and buyer); the oldest are dropped past this (default 10,000). */
  maxCached?: number;
  now?: () => number;
}

interface Cached {
  token: Promise<string>;
  renewAt: number;
}

/** Signs credentials as `issuer` with one private key, caching each (audience, buyer) token. */
export class ServiceCredentials implements Credentials {
  private key: Promise<CryptoKey> | undefined;
  private readonly cache = new Map<string, Cached>();
  private readonly ttlSec: number;
  private readonly renewBeforeSec: number;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(
    readonly issuer: string,
    private readonly privateJwk: JWK,
    options: CredentialOptions = {},
  ) {
    this.ttlSec = options.ttlSec ?? 60;
    this.renewBeforeSec = Math.min(options.renewBeforeSec ?? 20, this.ttlSec / 2);
    this.maxCached = options.maxCached ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  token(audience: string, user?: string): Promise<string> {
    const slot = user ? `${audience}\n${user}` : audience;
    const now = this.now();
    const hit = this.cache.get(slot);
    if (hit && hit.renewAt > now) return hit.token;
    const token = this.sign(audience, user, now);
    // Concurrent calls for the same slot share one signature; a failed one is not kept.
    token.catch(() => this.cache.delete(slot));
    this.cache.delete(slot);
    this.cache.set(slot, { token, renewAt: now + (this.ttlSec - this.renewBeforeSec) * 1000 });
    if (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return token;
  }

  /** A fresh token with explicit times, bypassing the cache (tests of expiry). */
  async sign(
    audience: string,
    user: string | undefined,
    now = this.now(),
    ttlSec = this.ttlSec,
  ): Promise<string> {
    this.key ??= importJWK(this.privateJwk, "EdDSA") as Promise<CryptoKey>;
    const iat = Math.floor(now / 1000);
    return new SignJWT(user ? { usr: user } : {})
      .setProtectedHeader({ alg: "EdDSA", kid: this.privateJwk.kid ?? "", typ: "JWT" })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSec)
      .sign(await this.key);
  }
}
