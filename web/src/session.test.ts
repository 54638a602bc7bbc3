import { describe, expect, test } from "bun:test";
import { authConfigFrom } from "./config.ts";
import { isOperator, loadSession, saveSession, sessionFromToken } from "./session.ts";

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const jwt = (claims: unknown) => `${b64url({ alg: "ES256" })}.${b64url(claims)}.sig`;

describe("sessions", () => {
  test("survive a reload until shortly before the token expires", () => {
    const storage = memory();
    saveSession(storage, { userId: "alice", token: "t", expiresAt: 100_000 });
    expect(loadSession(storage, 50_000)?.userId).toBe("alice");
    expect(loadSession(storage, 90_000)).toBeUndefined();
  });

  test("take the buyer's name and expiry from a provider's token", () => {
    const token = jwt({ sub: "user-7", exp: 2_000 });
    expect(sessionFromToken(token, 60, 0)).toEqual({ userId: "user-7", token, expiresAt: 2_000_000 });
    expect(sessionFromToken("not-a-jwt", 60, 0)).toBeUndefined();
  });

  test("know an operator by the admin role in the token, and nobody else", () => {
    const admin = sessionFromToken(jwt({ sub: "ops", exp: 2_000, roles: ["admin", 7] }), 60, 0);
    expect(admin?.roles).toEqual(["admin"]);
    expect(isOperator(admin)).toBe(true);
    expect(isOperator(sessionFromToken(jwt({ sub: "bob", exp: 2_000, roles: ["buyer"] }), 60, 0))).toBe(
      false,
    );
    expect(isOperator(undefined)).toBe(false);
  });
});

describe("auth configuration", () => {
  test("defaults to the local dev login and switches to OIDC when built for production", () => {
    expect(authConfigFrom({}).mode).toBe("dev");
    expect(authConfigFrom({ PROD: true }).mode).toBe("oidc");
    expect(authConfigFrom({ PROD: true, VITE_AUTH_MODE: "dev" }).mode).toBe("dev");
    const prod = authConfigFrom({
      VITE_AUTH_MODE: "oidc",
      VITE_OIDC_AUTHORITY: "https://idp.example",
      VITE_OIDC_CLIENT_ID: "tickets-web",
    });
    expect(prod).toMatchObject({
      mode: "oidc",
      provider: { authority: "https://idp.example", clientId: "tickets-web", scope: "openid" },
    });
    // Half a provider is none: the page says sign-in is not configured rather than fail at the provider.
    expect(
      authConfigFrom({ PROD: true, VITE_OIDC_AUTHORITY: "https://idp.example" }).provider,
    ).toBeUndefined();
  });
});
