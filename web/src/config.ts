/**
 * Build-time settings (Vite `VITE_*` variables, read once).
 *
 * - `VITE_AUTH_MODE`: `dev` signs in through the local issuer's dev login with any user name;
 *   `oidc` is the production mode: the dev login is not offered (the gateway has no such route in
 *   production) and the app takes its token from the identity provider instead. Default: `dev`
 *   under the dev server, `oidc` in a production build (`vite build`), so a build published to
 *   S3 never offers the dev login by accident.
 * - `VITE_OIDC_LOGIN_URL` (oidc): the provider's authorize URL with `client_id`,
 *   `response_type=token` and `redirect_uri=https://<site>/signin/callback`; the provider sends the
 *   buyer back with `#access_token=…` and the app keeps that token, sending it as the Bearer.
 * - `VITE_OIDC_PROVIDER_NAME` (oidc): the provider's name on the sign-in button.
 */
export interface AuthConfig {
  mode: "dev" | "oidc";
  loginUrl: string | undefined;
  providerName: string;
}

/** Reads the auth settings from a Vite env object (`PROD` is Vite's "this is a production build"). */
export function authConfigFrom(env: Record<string, unknown>): AuthConfig {
  const text = (k: string) => (typeof env[k] === "string" && env[k] !== "" ? (env[k] as string) : undefined);
  const requested = text("VITE_AUTH_MODE");
  const mode = requested === "dev" || requested === "oidc" ? requested : env.PROD === true ? "oidc" : "dev";
  return {
    mode,
    loginUrl: text("VITE_OIDC_LOGIN_URL"),
    providerName: text("VITE_OIDC_PROVIDER_NAME") ?? "your account",
  };
}

/** This build's auth settings. */
export const authConfig: AuthConfig = authConfigFrom(import.meta.env ?? {});
