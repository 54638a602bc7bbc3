/**
 * Attestations: a fact one service signs for another to act on later without asking again
 * (payment's approval, carried in `payment.approved`, read by reservation's confirm). Signed with
 * the service's own key (keys.ts), as a JWT whose `iss` is the service, `aud` the reader and `sub`
 * the thing it is about; the reader accepts it only from a key of that very issuer (or, outside
 * production, the developer key). Anything that does not verify reads as "no attestation", never
 * as an error: the reader then asks the issuer, as it would without one.
 */
import { decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { TrustedKeys } from "./keys.ts";

/** Signs statements as one service. */
export interface Attester {
  /** A statement about `subject` for `audience`, valid `ttlSec`; "" when this service cannot sign. */
  sign(audience: string, subject: string, claims: Record<string, string>, ttlSec: number): Promise<string>;
}

/** Reads statements addressed to one service. */
export interface AttestationReader {
  /** The claims of `token` if `issuer` signed it for this service and it is still valid, else undefined. */
  read(token: string, issuer: string): Promise<JWTPayload | undefined>;
}

/** An attester that signs with `key` as `issuer`; without a key it signs nothing. */
export function keyAttester(issuer: string, key: JWK | undefined): Attester {
  const imported = key ? (importJWK(key, "EdDSA") as Promise<CryptoKey>) : undefined;
  return {
    async sign(audience, subject, claims, ttlSec) {
      if (!imported || !key) return "";
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "EdDSA", kid: key.kid ?? "" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${ttlSec}s`)
        .sign(await imported);
    },
  };
}

/** Reads attestations for `audience` signed by the trusted keys (and the developer key, if given). */
export function keyAttestationReader(
  audience: string,
  trusted: TrustedKeys,
  developerKey?: JWK,
  now: () => number = Date.now,
): AttestationReader {
  // kid → the issuer owning it (undefined: the developer key, which may sign as anyone) and key.
  const keys = new Map<string, { issuer: string | undefined; key: Promise<CryptoKey> }>();
  const trust = (jwk: JWK, issuer: string | undefined) => {
    const { d: _private, ...pub } = jwk;
    const key = importJWK(pub, "EdDSA") as Promise<CryptoKey>;
    key.catch(() => undefined); // a bad key only fails the reads that need it
    keys.set(jwk.kid ?? "", { issuer, key });
  };
  for (const [issuer, jwks] of Object.entries(trusted)) for (const jwk of jwks) trust(jwk, issuer);
  if (developerKey) trust(developerKey, undefined);
  return {
    async read(token, issuer) {
      try {
        const trustedKey = keys.get(decodeProtectedHeader(token).kid ?? "");
        if (!trustedKey || (trustedKey.issuer !== undefined && trustedKey.issuer !== issuer))
          return undefined;
        const { payload } = await jwtVerify(token, await trustedKey.key, {
          issuer,
          audience,
          algorithms: ["EdDSA"],
          requiredClaims: ["sub", "exp", "iat"],
          currentDate: new Date(now()),
        });
        return payload;
      } catch {
        return undefined;
      }
    },
  };
}
