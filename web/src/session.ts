import type { KeyValueStorage } from "./queue/place-store.ts";

/** A signed-in buyer: the name shown, the bearer token sent, and when it stops working. */
export interface Session {
  userId: string;
  token: string;
  /** Epoch ms; the app signs out a little before the token expires rather than fail mid-purchase. */
  expiresAt: number;
  /** The token's `roles` claim, when it has any (`admin` opens the operator console). */
  roles?: string[];
}

/** Whether the session may use the admin API (the gateway checks again on every call). */
export function isOperator(session: Session | undefined): boolean {
  return session?.roles?.includes("admin") === true;
}

/** The gateway's user id rule (gateway/src/domain/auth/authenticator.ts), checked before a dev login. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

const KEY = "tt.session";
const EARLY_EXPIRY_MS = 30_000;

/** The stored session, unless absent, unreadable or (nearly) expired. */
export function loadSession(storage: KeyValueStorage, nowMs: number): Session | undefined {
  try {
    const raw = storage.getItem(KEY);
    const s = raw === null ? undefined : (JSON.parse(raw) as Session);
    if (!s || typeof s.token !== "string" || typeof s.userId !== "string") return undefined;
    return s.expiresAt - EARLY_EXPIRY_MS > nowMs ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the session for later visits. */
export function saveSession(storage: KeyValueStorage, session: Session): void {
  try {
    storage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage refused (private mode): the session lives until the page is closed.
  }
}

/** Forgets the session. */
export function clearSession(storage: KeyValueStorage): void {
  try {
    storage.removeItem(KEY);
  } catch {
    // See saveSession.
  }
}

/** The claims the app reads from a JWT. */
type Claims = { sub?: unknown; exp?: unknown; roles?: unknown };

/** The claims of a JWT, read without verifying (the gateway verifies; the app needs sub, exp and roles). */
export function jwtClaims(token: string): Claims | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const b64 = payload
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
  } catch {
    return undefined;
  }
}

/** A session from a bare token: its `sub` names the buyer and its `exp` bounds it. */
export function sessionFromToken(token: string, fallbackTtlSec: number, nowMs: number): Session | undefined {
  const claims = jwtClaims(token);
  if (!claims || typeof claims.sub !== "string") return undefined;
  const expiresAt = typeof claims.exp === "number" ? claims.exp * 1000 : nowMs + fallbackTtlSec * 1000;
  const roles = rolesOf(token);
  return { userId: claims.sub, token, expiresAt, ...(roles.length > 0 ? { roles } : {}) };
}

/** The string entries of a JWT's `roles` claim (none when it has no such claim). */
export function rolesOf(token: string): string[] {
  const roles = jwtClaims(token)?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
}
