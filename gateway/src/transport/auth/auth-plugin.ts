import { AppError } from "@tt/kit";
import { Elysia } from "elysia";
import type { Authenticator } from "../../domain/auth/authenticator.ts";
import { type AuthUser, isAdmin } from "../../domain/auth/user.ts";

/** Finds the caller of a request (memoised per request, so every guard shares one verification). */
export type Identify = (request: Request) => Promise<AuthUser | undefined>;

/** Route-level auth: who must be signed in. */
export type AuthMode = "required" | "admin";

const CHALLENGE = 'Bearer realm="traffic-tacos"';

/** A per-request memo of `authenticator.authenticate`, keyed by the Request object itself. */
export function requestIdentifier(authenticator: Authenticator): Identify {
  const seen = new WeakMap<Request, Promise<AuthUser | undefined>>();
  return (request) => {
    let identity = seen.get(request);
    if (!identity) {
      const { headers } = request;
      identity = authenticator.authenticate(headers.get("authorization"), headers.get("x-user-id"));
      seen.set(request, identity);
    }
    return identity;
  };
}

/**
 * Route options `auth: "required" | "admin"` (handler gets `user: AuthUser`) and
 * `optionalAuth: true` (handler gets `user: AuthUser | undefined`). Two keys rather than one
 * three-valued option because Elysia types a macro's context from its return type, not from
 * the value a route passes: only a separate key can promise a defined user.
 */
export function authPlugin(identify: Identify) {
  const challenged = async (request: Request, set: { headers: Record<string, unknown> }) => {
    try {
      return await identify(request);
    } catch (error) {
      if (error instanceof AppError && error.code === "UNAUTHENTICATED") {
        set.headers["www-authenticate"] = `${CHALLENGE}, error="invalid_token"`;
      }
      throw error;
    }
  };
  return new Elysia({ name: "gateway.auth" }).macro({
    auth: (mode: AuthMode) => ({
      async resolve({ request, set }) {
        const user = await challenged(request, set);
        if (!user) {
          set.headers["www-authenticate"] = CHALLENGE;
          throw new AppError("UNAUTHENTICATED", "This route needs a bearer token");
        }
        if (mode === "admin" && !isAdmin(user))
          throw new AppError("FORBIDDEN", "This route needs the admin role");
        return { user };
      },
    }),
    optionalAuth: (enabled: boolean) => ({
      async resolve({ request, set }) {
        return { user: enabled ? await challenged(request, set) : undefined };
      },
    }),
  });
}
