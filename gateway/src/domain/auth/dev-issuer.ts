import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { Clock } from "../clock.ts";

/**
 * Where the dev issuer keeps its private key. Sharing it (in the local Redis) means every gateway
 * process signs with the same key, and tokens survive a `bun --watch` restart.
 */
export interface DevKeyStore {
  /** The stored private JWK (JSON), if any. */
  load(): Promise<string | null>;
  /** Stores `candidate` unless another process got there first; returns whichever is stored. */
  claim(candidate: string): Promise<string>;
}

/** What the dev issuer puts into its tokens. */
export interface DevIssuerOptions {
  issuer: string;
  audience: string;
  tokenTtlSec: number;
  clock: Clock;
}

/** A signed access token and how long it lives. */
export interface IssuedToken {
  token: string;
  expiresInSec: number;
}

const ALG = "RS256";
const PRIVATE_PARTS = new Set(["d", "p", "q", "dp", "dq", "qi"]);

/** The local stack's own identity provider: an RS256 key, its public JWKS, and a token minter. */
export class DevIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    /** The public half, with `kid`, as served at /.well-known/jwks.json. */
    readonly publicJwk: JWK & { kid: string },
    private readonly options: DevIssuerOptions,
  ) {}

  /** Loads the shared key from `store`, or generates one (and shares it when a store is given). */
  static async create(store: DevKeyStore | undefined, options: DevIssuerOptions): Promise<DevIssuer> {
    let serialized = await store?.load();
    if (!serialized) {
      const { privateKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
      const candidate = JSON.stringify(await exportJWK(privateKey));
      serialized = store ? await store.claim(candidate) : candidate;
    }
    const privateJwk = JSON.parse(serialized) as JWK;
    const key = (await importJWK(privateJwk, ALG)) as CryptoKey;
    const publicPart = Object.fromEntries(
      Object.entries(privateJwk).filter(([name]) => !PRIVATE_PARTS.has(name)),
    ) as JWK;
    const kid = `dev-${await calculateJwkThumbprint(publicPart)}`;
    return new DevIssuer(key, { ...publicPart, kid, alg: ALG, use: "sig" }, options);
  }

  /** The key id that marks tokens from this issuer. */
  get kid(): string {
    return this.publicJwk.kid;
  }

  /** The JWK Set to publish. */
  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** Mints an access token for `userId` with the given roles. */
  async issue(userId: string, roles: readonly string[] = []): Promise<IssuedToken> {
    const { issuer, audience, tokenTtlSec, clock } = this.options;
    const nowSec = Math.floor(clock() / 1000);
    const token = await new SignJWT({ roles: [...roles] })
      .setProtectedHeader({ alg: ALG, kid: this.kid, typ: "JWT" })
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(nowSec)
      .setNotBefore(nowSec)
      .setExpirationTime(nowSec + tokenTtlSec)
      .sign(this.privateKey);
    return { token, expiresInSec: tokenTtlSec };
  }
}
