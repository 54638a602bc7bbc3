/** Service identity on Connect: the client attaches a credential, the server checks it. */
import { createContextKey, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { AppError } from "../errors.ts";
import type { Credentials } from "./credentials.ts";
import type { Caller, CredentialVerifier } from "./verifier.ts";

/** Open to any caller in the cluster: probes and schema discovery carry no data. */
const OPEN_SERVICES = new Set([
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
]);

const CALLER = createContextKey<Caller | undefined>(undefined, { description: "verified caller" });

/** The verified caller of the procedure being handled. */
export function callerOf(context: HandlerContext): Caller | undefined {
  return context.values.get(CALLER);
}

/** The buyer a request message names (`user_id`), if it has that field. */
function userOf(message: unknown): string | undefined {
  const user = (message as { userId?: unknown }).userId;
  return typeof user === "string" && user !== "" ? user : undefined;
}

/**
 * Client side: a credential for `audience` on every call, naming the buyer the request names —
 * so the buyer travels signed, and the callee can hold the message to it.
 */
export function credentialInterceptor(credentials: Credentials, audience: string): Interceptor {
  return (next) => async (req) => {
    const user = req.stream ? undefined : userOf(req.message);
    req.header.set("authorization", `Bearer ${await credentials.token(audience, user)}`);
    return next(req);
  };
}

/**
 * Server side: every procedure but health and reflection needs a credential from a caller this
 * service's place in the call graph allows (401 UNAUTHENTICATED / 403 FORBIDDEN); a request that
 * names a buyer must be signed for that very buyer (403 FORBIDDEN). Handlers read the caller with
 * `callerOf(context)`.
 */
export function callerInterceptor(verifier: CredentialVerifier): Interceptor {
  return (next) => async (req) => {
    if (OPEN_SERVICES.has(req.service.typeName)) return next(req);
    const verified = verifier.verify(req.header.get("authorization"));
    const caller = verified instanceof Promise ? await verified : verified;
    const user = req.stream ? undefined : userOf(req.message);
    if (user !== undefined && user !== caller.user) {
      throw new AppError(
        "FORBIDDEN",
        caller.user
          ? "The request names another buyer than its credential"
          : "The request names a buyer its credential does not speak for",
      );
    }
    req.contextValues.set(CALLER, caller);
    return next(req);
  };
}
