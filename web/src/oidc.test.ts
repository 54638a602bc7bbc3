import { afterAll, describe, expect, test } from "bun:test";
import { InMemoryWebStorage } from "oidc-client-ts";
import { completeSignIn, oidcClient, signInUrl } from "./oidc.ts";

const SITE = "https://tickets.example.com";
const b64url = (bytes: ArrayBuffer | string) => Buffer.from(bytes as ArrayBuffer).toString("base64url");
const accessToken = `${b64url(JSON.stringify({ alg: "RS256" }))}.${b64url(JSON.stringify({ sub: "buyer-1" }))}.sig`;

/**
 * A stand-in for the identity provider on a real listener: discovery, and a token endpoint that
 * trades a code only for the verifier whose S256 hash came with the authorize request (RFC 7636),
 * once. The authorize step itself is the test, playing the provider's login page.
 */
const issued = new Map<string, { challenge: string; redirectUri: string }>();
const exchanges: URLSearchParams[] = [];
const provider = Bun.serve({
  port: 0,
  async fetch(request): Promise<Response> {
    const url = new URL(request.url);
    const issuer = url.origin;
    if (url.pathname === "/.well-known/openid-configuration") {
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (url.pathname === "/token" && request.method === "POST") {
      const form = new URLSearchParams(await request.text());
      exchanges.push(form);
      const grant = issued.get(form.get("code") ?? "");
      issued.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const hashed = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
      if (!grant || hashed !== grant.challenge || form.get("redirect_uri") !== grant.redirectUri) {
        return Response.json({ error: "invalid_grant" }, { status: 400 });
      }
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: issuer, sub: "buyer-1", aud: "tickets-web", iat: now, exp: now + 900 };
      const idToken = `${b64url(JSON.stringify({ alg: "RS256" }))}.${b64url(JSON.stringify(claims))}.sig`;
      return Response.json({
        access_token: accessToken,
        id_token: idToken,
        token_type: "Bearer",
        expires_in: 900,
      });
    }
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => provider.stop(true));

const settings = () => ({
  authority: `http://127.0.0.1:${provider.port}`,
  clientId: "tickets-web",
  scope: "openid",
});

/** The provider's side of the redirect: the buyer signed in, a code goes back with the state. */
function approve(authorizeUrl: string, code: string): string {
  const asked = new URL(authorizeUrl).searchParams;
  issued.set(code, {
    challenge: asked.get("code_challenge") ?? "",
    redirectUri: asked.get("redirect_uri") ?? "",
  });
  return `${asked.get("redirect_uri")}?code=${code}&state=${asked.get("state")}`;
}

describe("sign-in with the identity provider (authorization code + PKCE)", () => {
  test("sends the buyer to the provider with a S256 challenge and no token in any URL", async () => {
    const client = oidcClient(settings(), SITE, new InMemoryWebStorage());
    const asked = new URL(await signInUrl(client, "/events/e1"));
    expect(asked.pathname).toBe("/authorize");
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "tickets-web",
      redirect_uri: `${SITE}/signin/callback`,
      code_challenge_method: "S256",
      scope: "openid",
    });
    expect(asked.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(asked.searchParams.get("state")).toBeTruthy();
  });

  test("the callback trades the code with this tab's verifier and returns where the buyer was going", async () => {
    const storage = new InMemoryWebStorage();
    const client = oidcClient(settings(), SITE, storage);
    const callback = approve(await signInUrl(client, "/events/e1/queue"), "code-1");
    const signedIn = await completeSignIn(client, callback);
    expect(signedIn).toEqual({ token: accessToken, expiresInSec: 900, next: "/events/e1/queue" });
    const form = exchanges.at(-1);
    expect(form?.get("grant_type")).toBe("authorization_code");
    expect(form?.get("code_verifier")?.length).toBeGreaterThanOrEqual(43);
    // The verifier was spent with the state: nothing of the sign-in is left in the tab.
    expect(storage.length).toBe(0);
  });

  test("a callback replayed, from another tab, or with a forged state signs nobody in", async () => {
    const client = oidcClient(settings(), SITE, new InMemoryWebStorage());
    const callback = approve(await signInUrl(client, "/"), "code-2");
    await completeSignIn(client, callback);
    await expect(completeSignIn(client, callback)).rejects.toThrow();

    // Another tab (its own storage) holds no verifier for this state.
    const elsewhere = oidcClient(settings(), SITE, new InMemoryWebStorage());
    const stolen = approve(await signInUrl(client, "/"), "code-3");
    await expect(completeSignIn(elsewhere, stolen)).rejects.toThrow();

    const forged = `${SITE}/signin/callback?code=code-4&state=made-up`;
    await expect(completeSignIn(client, forged)).rejects.toThrow();
  });

  test("a provider's refusal, or a code traded without the right verifier, is a failed sign-in", async () => {
    const client = oidcClient(settings(), SITE, new InMemoryWebStorage());
    const asked = new URL(await signInUrl(client, "/"));
    const denied = `${SITE}/signin/callback?error=access_denied&state=${asked.searchParams.get("state")}`;
    await expect(completeSignIn(client, denied)).rejects.toThrow("access_denied");

    // A code issued for someone else's challenge: the token endpoint refuses the exchange.
    const mine = new URL(await signInUrl(client, "/"));
    issued.set("code-5", { challenge: "someone-elses-challenge", redirectUri: `${SITE}/signin/callback` });
    const intercepted = `${SITE}/signin/callback?code=code-5&state=${mine.searchParams.get("state")}`;
    await expect(completeSignIn(client, intercepted)).rejects.toThrow("invalid_grant");
  });
});
