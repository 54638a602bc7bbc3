import { AppError } from "@tt/kit";
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Clock } from "../clock.ts";
import type { TokenCache } from "./token-cache.ts";
import type { AuthUser } from "./user.ts";

/**
 * The only signature algorithms accepted. Pinning them is what defeats `alg: none` and the
 * HS256-signed-with-the-public-key trick: jose refuses any other `alg` before touching a key.
 */
export const ALLOWED_ALGORITHMS = ["RS256", "ES256"];

// Real access tokens are well under 2 KiB; a cap keeps hostile headers out of the cache and parser.
const MAX_TOKEN_LENGTH = 8192;
const MAX_SUBJECT_LENGTH = 256;

/** What a verifier checks tokens against. */
export interface VerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  clockToleranceSec: number;
  cache: TokenCache;
  clock: Clock;
  /**
   * Longest a verified token is trusted from the cache regardless of its `exp`, so that a key
   * withdrawn from the JWKS stops opening doors within this long.
   */
  maxCacheMs: number;
}

/** Verifies bearer JWTs (signature, alg allow-list, iss, aud, exp, nbf) and caches the verdicts. */
export class TokenVerifier {
  constructor(private readonly options: VerifierOptions) {}

  /** The user a token speaks for; throws UNAUTHENTICATED when it is not trusted. */
  async verify(token: string): Promise<AuthUser> {
    const { cache, clock } = this.options;
    const now = clock();
    const cached = cache.get(token, now);
    if (cached) return cached;
    if (token.length > MAX_TOKEN_LENGTH) throw invalid("Token is too long");

    const payload = await this.#verifySignatureAndClaims(token, now);
    const user = userFromClaims(payload);
    // `exp` is required by the check above; the cache never outlives it.
    const expMs = (payload.exp as number) * 1000;
    cache.set(token, user, Math.min(expMs, now + this.options.maxCacheMs), now);
    return user;
  }

  async #verifySignatureAndClaims(token: string, now: number): Promise<JWTPayload> {
    const { keys, issuer, audience, clockToleranceSec } = this.options;
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer,
        audience,
        clockTolerance: clockToleranceSec,
        currentDate: new Date(now),
        requiredClaims: ["exp", "sub"],
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw invalid("Token has expired", error);
      // A JWKS endpoint that cannot be reached or answers nonsense is our outage, not the
      // caller's bad token: 503 tells the client to retry rather than to sign in again.
      const keysUnavailable = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid;
      if (error instanceof errors.JOSEError && !keysUnavailable) {
        throw invalid("Token is not valid or not trusted", error);
      }
      throw new AppError("UPSTREAM_UNAVAILABLE", "Cannot check the token right now", {
        cause: error,
        retryAfterSec: 1,
      });
    }
  }
}

function invalid(message: string, cause?: unknown): AppError {
  return new AppError("UNAUTHENTICATED", message, { cause });
}

/** Maps verified claims to a user: `sub` is the id, `roles` (array of strings) the roles. */
export function userFromClaims(payload: JWTPayload): AuthUser {
  const id = payload.sub;
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_SUBJECT_LENGTH) {
    throw invalid("Token has no usable subject");
  }
  const raw = payload.roles;
  const roles = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === "string") : [];
  return Object.freeze({ id, roles: Object.freeze(roles) });
}
