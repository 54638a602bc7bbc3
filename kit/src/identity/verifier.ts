/**
 * Service credentials, the callee's side: checks the signature (a key its issuer owns), the
 * audience (this service), the expiry and the call graph, and remembers each token it accepted
 * until it expires — a caller reuses one token for most of a minute, so after the first call
 * the check is one map lookup (docs/architecture.md, "Service identity").
 */
import { decodeProtectedHeader, errors, importJWK, type JWK, jwtVerify } from "jose";
import { AppError } from "../errors.ts";
import { DEVELOPER } from "./call-graph.ts";
import type { TrustedKeys } from "./keys.ts";

/** Who is calling: the verified issuer, and the buyer it acts for (if any). */
export interface Caller {
  service: string;
  user?: string;
}

/** What a verifier accepts. */
export interface VerifierOptions {
  /** This service: the `aud` every credential must name (a test double may answer to several). */
  audience: string | readonly string[];
  /** Issuers allowed to call this service (its place in the call graph). */
  callers: readonly string[];
  /** Public keys of those issuers, several per issuer while one is rotated. */
  trusted: TrustedKeys;
  /** Outside production only: the developer key (any issuer; `developer` may call anything). */
  developerKey?: JWK;
  /** Longest lifetime a credential may claim (default 300 s): a credential is short-lived. */
  maxLifetimeSec?: number;
  /** Accepted credentials remembered at once (default 10,000). */
  maxCached?: number;
  now?: () => number;
}

interface TrustedKey {
  /** The issuer the key belongs to; undefined for the developer key, which may sign as anyone. */
  issuer: string | undefined;
  key: Promise<CryptoKey>;
}

interface Accepted {
  caller: Caller;
  expiresAt: number;
}

const BEARER = /^Bearer\s+(\S+)$/i;
const CLOCK_TOLERANCE_SEC = 5;

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message);

/** Verifies service credentials for one service; `verify` throws 401/403 AppErrors. */
export class CredentialVerifier {
  private readonly keys = new Map<string, TrustedKey>();
  private readonly accepted = new Map<string, Accepted>();
  private readonly callers: Set<string>;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(private readonly options: VerifierOptions) {
    this.callers = new Set(options.callers);
    this.maxCached = options.maxCached ?? 10_000;
    this.now = options.now ?? Date.now;
    for (const [issuer, jwks] of Object.entries(options.trusted)) {
      for (const jwk of jwks) this.trust(jwk, issuer);
    }
    if (options.developerKey) this.trust(options.developerKey, undefined);
  }

  private trust(jwk: JWK, issuer: string | undefined): void {
    const { d: _private, ...pub } = jwk;
    const key = importJWK(pub, "EdDSA") as Promise<CryptoKey>;
    key.catch(() => undefined); // reported on first use
    this.keys.set(jwk.kid ?? "", { issuer, key });
  }

  /**
   * The caller named by an `Authorization: Bearer <credential>` header. Synchronous for a
   * credential seen before (the hot path), a promise otherwise.
   */
  verify(authorization: string | null | undefined): Caller | Promise<Caller> {
    const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    if (!token) throw unauthenticated("This call needs a service credential (Authorization: Bearer …)");
    const hit = this.accepted.get(token);
    if (hit && hit.expiresAt > this.now()) return hit.caller;
    return this.check(token);
  }

  private async check(token: string): Promise<Caller> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw unauthenticated("The service credential is not a JWT");
    }
    const trusted = this.keys.get(kid ?? "");
    if (!trusted)
      throw unauthenticated("The service credential is signed with a key this service does not trust");
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, await trusted.key, {
        audience: this.options.audience as string | string[],
        algorithms: ["EdDSA"],
        clockTolerance: CLOCK_TOLERANCE_SEC,
        maxTokenAge: this.options.maxLifetimeSec ?? 300,
        requiredClaims: ["iss", "exp", "iat"],
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated("The service credential has expired");
      if (error instanceof errors.JWTClaimValidationFailed) {
        throw unauthenticated(`The service credential is not valid here (${error.claim})`);
      }
      throw unauthenticated("The service credential's signature does not verify");
    }
    const service = String(payload.iss);
    // A service key speaks only for its own service; the developer key for whoever it names.
    if (trusted.issuer !== undefined && trusted.issuer !== service) {
      throw unauthenticated(`The service credential's key does not belong to ${service}`);
    }
    const developer = trusted.issuer === undefined && service === DEVELOPER;
    if (!developer && !this.callers.has(service)) {
      throw new AppError("FORBIDDEN", `${service} may not call ${[this.options.audience].flat().join("/")}`);
    }
    const usr = payload.usr;
    if (usr !== undefined && (typeof usr !== "string" || usr === "")) {
      throw unauthenticated("The service credential's usr claim must be a user id");
    }
    const caller: Caller = usr ? { service, user: usr } : { service };
    this.remember(token, caller, (payload.exp ?? 0) * 1000);
    return caller;
  }

  private remember(token: string, caller: Caller, expiresAt: number): void {
    this.accepted.set(token, { caller, expiresAt });
    if (this.accepted.size <= this.maxCached) return;
    // Past the bound, drop the oldest entries (insertion order) along with every expired one seen.
    const now = this.now();
    for (const [old, entry] of this.accepted) {
      if (this.accepted.size <= this.maxCached && entry.expiresAt > now) break;
      this.accepted.delete(old);
    }
  }
}
