import { AppError } from "@tt/kit";
import type { AuthUser } from "./user.ts";
import type { TokenVerifier } from "./verifier.ts";

/** User ids a person may pick (dev login, X-User-Id): safe inside Redis keys, logs and URLs. */
export const USER_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$";
const USER_ID = new RegExp(USER_ID_PATTERN);

/**
 * Development bypass tokens (outside production only). `dev-super-key-local-testing` is an admin
 * for poking the admin API by hand; `load-test-bypass-token` has no roles. Either may name its
 * user with `X-User-Id`, because a load test needs many distinct buyers (per-user rate limits and
 * one queue place per user would otherwise collapse them into one).
 */
const BYPASS_TOKENS: ReadonlyMap<string, AuthUser> = new Map([
  ["dev-super-key-local-testing", { id: "dev-user", roles: ["admin"] }],
  ["load-test-bypass-token", { id: "load-test-user", roles: [] }],
]);

/** Turns an Authorization header into a user: bearer JWTs, plus bypass tokens outside production. */
export class Authenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly allowBypassTokens: boolean,
  ) {}

  /**
   * The caller, or undefined when no credentials were sent. Credentials that were sent but are bad
   * always fail (401), even on routes that allow anonymous callers: a client that believes it
   * is signed in must learn that it is not.
   */
  async authenticate(
    authorization: string | null,
    claimedUserId: string | null,
  ): Promise<AuthUser | undefined> {
    if (authorization === null || authorization === "") return undefined;
    const token = bearerToken(authorization);
    const bypass = this.allowBypassTokens ? BYPASS_TOKENS.get(token) : undefined;
    if (bypass)
      return claimedUserId === null ? bypass : { id: checkedUserId(claimedUserId), roles: bypass.roles };
    return this.verifier.verify(token);
  }
}

function bearerToken(authorization: string): string {
  const space = authorization.indexOf(" ");
  const scheme = authorization.slice(0, space).toLowerCase();
  const token = authorization.slice(space + 1).trim();
  if (space < 0 || scheme !== "bearer" || token === "") {
    throw new AppError("UNAUTHENTICATED", "Authorization must be 'Bearer <token>'");
  }
  return token;
}

function checkedUserId(id: string): string {
  if (!USER_ID.test(id)) throw new AppError("UNAUTHENTICATED", "X-User-Id is not a valid user id");
  return id;
}
