/**
 * Build-time settings (Vite `VITE_*` variables, read once).
 *
 * - `VITE_AUTH_MODE`: `dev` signs in through the local issuer's dev login with any user name;
 *   `oidc` is the production mode: the dev login is not offered (the gateway has no such route in
 *   production) and the app takes its token from the identity provider instead. Default: `dev`
 *   under the dev server, `oidc` in a production build (`vite build`), so a build published to
 *   S3 never offers the dev login by accident.
 * - `VITE_OIDC_AUTHORITY`, `VITE_OIDC_CLIENT_ID` (oidc): the provider's issuer URL (its
 *   discovery document is read from there) and this app's public client id. Sign-in is the
 *   authorization code flow with PKCE (`src/oidc.ts`); the provider must allow the redirect URI
 *   `https://<site>/signin/callback`. `VITE_OIDC_SCOPE`: default `openid`.
 * - `VITE_OIDC_PROVIDER_NAME` (oidc): the provider's name on the sign-in button.
 */
export interface AuthConfig {
  mode: "dev" | "oidc";
  /** The identity provider; undefined when the build was not given one. */
  provider: OidcProvider | undefined;
  providerName: string;
}

/** An OIDC provider and this app's registration with it. */
export interface OidcProvider {
  authority: string;
  clientId: string;
  scope: string;
}

/** Reads the auth settings from a Vite env object (`PROD` is Vite's "this is a production build"). */
export function authConfigFrom(env: Record<string, unknown>): AuthConfig {
  const text = (k: string) => (typeof env[k] === "string" && env[k] !== "" ? (env[k] as string) : undefined);
  const requested = text("VITE_AUTH_MODE");
  const mode = requested === "dev" || requested === "oidc" ? requested : env.PROD === true ? "oidc" : "dev";
  return {
    mode,
    provider: providerFrom(text("VITE_OIDC_AUTHORITY"), text("VITE_OIDC_CLIENT_ID"), text("VITE_OIDC_SCOPE")),
    providerName: text("VITE_OIDC_PROVIDER_NAME") ?? "your account",
  };
}

/** This build's auth settings. */
export const authConfig: AuthConfig = authConfigFrom(import.meta.env ?? {});

function providerFrom(authority?: string, clientId?: string, scope?: string): OidcProvider | undefined {
  return authority && clientId ? { authority, clientId, scope: scope ?? "openid" } : undefined;
}
