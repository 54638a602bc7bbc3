/**
 * Sign-in with the identity provider: the authorization code flow with PKCE, through
 * oidc-client-ts (maintained, certified flows). The buyer leaves for the provider's authorize URL
 * carrying a `code_challenge`; the provider sends back a one-time `code`, which the page trades,
 * with the verifier only this tab holds, for the tokens. Nothing usable ever sits in the URL.
 */
import { OidcClient, WebStorageStateStore } from "oidc-client-ts";
import type { OidcProvider } from "./config.ts";
import { paths } from "./router.ts";

/** A client for one provider; `storage` keeps the PKCE verifier and state across the redirect. */
export function oidcClient(provider: OidcProvider, origin: string, storage: Storage): OidcClient {
  return new OidcClient({
    authority: provider.authority,
    client_id: provider.clientId,
    redirect_uri: `${origin}${paths.signinCallback}`,
    response_type: "code",
    scope: provider.scope,
    // The verifier must survive the trip to the provider, and no longer than the tab.
    stateStore: new WebStorageStateStore({ store: storage, prefix: "tt.oidc." }),
    loadUserInfo: false,
  });
}

/** The provider's authorize URL for this sign-in; `next` comes back with the answer. */
export async function signInUrl(client: OidcClient, next: string): Promise<string> {
  const request = await client.createSigninRequest({ state: { next } });
  return request.url;
}

/** What a completed sign-in gives the app. */
export interface SignedIn {
  /** Sent as the Bearer (the gateway verifies it against the provider's JWKS). */
  token: string;
  /** Seconds the provider says the token lasts (when its `exp` cannot be read). */
  expiresInSec: number | undefined;
  /** Where the buyer was going (unchecked; pass it through `safeNext`). */
  next: string;
}

/**
 * Finishes a sign-in from the callback URL: checks its state against this tab's, trades the code
 * and the PKCE verifier for tokens. Rejects on a provider error, an unknown or replayed state,
 * or a refused exchange; the stored state is spent either way.
 */
export async function completeSignIn(client: OidcClient, url: string): Promise<SignedIn> {
  const response = await client.processSigninResponse(url);
  const token = response.access_token;
  if (!token) throw new Error("the provider answered without an access token");
  const state = response.userState as { next?: unknown } | undefined;
  return {
    token,
    expiresInSec: response.expires_in,
    next: typeof state?.next === "string" ? state.next : "/",
  };
}
