import { Elysia, t } from "elysia";
import { USER_ID_PATTERN } from "../../domain/auth/authenticator.ts";
import type { DevIssuer } from "../../domain/auth/dev-issuer.ts";
import type { Guards } from "../guards.ts";

/** Body of the dev login. */
export const DevLoginBody = t.Object({
  user_id: t.String({ pattern: USER_ID_PATTERN, description: "Any id; becomes the token's `sub`" }),
  roles: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 32 }), { maxItems: 8 })),
});
/** Answer of the dev login. */
export const DevLoginResponse = t.Object({
  access_token: t.String(),
  token_type: t.Literal("Bearer"),
  expires_in: t.Integer(),
});

/**
 * The local stack's issuer routes: the public JWKS and the dev login. Mounted only outside
 * production (so there they are plain 404s). `guards` brings the route-option macros.
 */
export function devIssuerRoutes(issuer: DevIssuer, guards: Guards) {
  return new Elysia({ name: "gateway.dev-issuer" })
    .use(guards)
    .get(
      "/.well-known/jwks.json",
      ({ set }) => {
        set.headers["cache-control"] = "public, max-age=300";
        return issuer.jwks;
      },
      { detail: { tags: ["auth"], summary: "Public keys of the local dev issuer (not in production)" } },
    )
    .post(
      "/api/v1/auth/dev-login",
      async ({ body }) => {
        const { token, expiresInSec } = await issuer.issue(body.user_id, body.roles ?? []);
        return { access_token: token, token_type: "Bearer" as const, expires_in: expiresInSec };
      },
      {
        body: DevLoginBody,
        response: DevLoginResponse,
        rateLimit: true,
        detail: { tags: ["auth"], summary: "Sign in as anyone (local stack only; absent in production)" },
      },
    );
}
