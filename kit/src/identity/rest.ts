/** Service identity on a service's REST routes (the same credential as on Connect). */
import { Elysia } from "elysia";
import { AppError } from "../errors.ts";
import type { Caller, CredentialVerifier } from "./verifier.ts";

/**
 * An Elysia plugin for a service's route plugin: `.use(callerGuard(verifier))` puts the verified
 * `caller` in every route's context of that plugin, and refuses a request without an acceptable
 * credential with the standard 401/403 body. The kit's health, readiness, metrics and docs
 * routes are outside it, so they stay open.
 */
export function callerGuard(verifier: CredentialVerifier) {
  // Unnamed on purpose: Elysia skips a second plugin of the same name, and two services in one
  // process (tests) each need their own verifier.
  return new Elysia().resolve({ as: "scoped" }, async ({ request }) => {
    const verified = verifier.verify(request.headers.get("authorization"));
    return { caller: verified instanceof Promise ? await verified : verified };
  });
}

/** The buyer a REST call acts for: only ever the credential's signed `usr` claim. */
export function buyerOf(caller: Caller): string {
  if (!caller.user) throw new AppError("FORBIDDEN", "This route acts for a buyer; the credential names none");
  return caller.user;
}
