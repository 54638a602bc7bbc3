import { MethodOptions_IdempotencyLevel as Idempotency } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  type Interceptor,
} from "@connectrpc/connect";
import { createFetchHandler } from "@connectrpc/connect/protocol";
import { AppError } from "../errors.ts";
import type { NativeRoutes } from "../http/native-routes.ts";
import { callerInterceptor } from "../identity/connect.ts";
import type { CredentialVerifier } from "../identity/verifier.ts";
import type { Logger } from "../log.ts";
import { timeoutFromHeaders, withDeadline } from "./deadline.ts";
import { toConnectError } from "./error-detail.ts";
import { decodeFailuresAsInvalid } from "./refusals.ts";

/** Registers a service's Connect handlers, e.g. `(router) => router.service(Desc, impl)`. */
export type ConnectRoutes = (router: ConnectRouter) => void;

/**
 * Handlers throw AppError like every other transport's domain; here it becomes a Connect code
 * plus ErrorDetail. Anything else is a bug: logged, and answered as INTERNAL without details.
 */
export function errorInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      if (error instanceof AppError) throw toConnectError(error);
      if (error instanceof ConnectError) throw error;
      log.error("unhandled error in rpc", { procedure: req.url, err: error });
      throw toConnectError(new AppError("INTERNAL", "Something went wrong on our side", { cause: error }));
    }
  };
}

/**
 * Runs each handler inside the budget its caller sent, so that the calls it makes in turn get
 * what is left of it (see deadline.ts) and stop with the caller.
 */
export const deadlineInterceptor: Interceptor = (next) => (req) => {
  const timeoutMs = timeoutFromHeaders(req.header);
  if (timeoutMs === undefined) return next(req);
  return withDeadline({ at: Date.now() + timeoutMs, signal: req.signal }, () => next(req));
};

/**
 * A service's Connect procedures as native routes (`/pkg.v1.Service/Method` → method → handler),
 * for `createService` to mount beside Elysia's (see http/native-routes.ts). Connect (JSON and
 * binary) and gRPC-Web work over Bun.serve; native gRPC is switched off because Bun.serve cannot
 * send HTTP trailers (docs/architecture.md, "Measured facts"), so gRPC clients get a clean 415.
 * Procedures bypass Elysia: its global JSON parser would otherwise consume the body the Connect
 * handler must read, and a request hook to divert them would run on every REST request too.
 */
export function connectHandlers(
  routes: ConnectRoutes,
  log: Logger,
  readMaxBytes: number,
  verifier: CredentialVerifier,
): NativeRoutes {
  const router = createConnectRouter({
    grpc: false,
    interceptors: [errorInterceptor(log), callerInterceptor(verifier), deadlineInterceptor],
    readMaxBytes,
  });
  routes(router);
  const handlers: NativeRoutes = {};
  for (const handler of router.handlers) {
    const handle = decodeFailuresAsInvalid(createFetchHandler(handler));
    // Side-effect-free procedures may also be called with Connect GET (cacheable).
    handlers[handler.requestPath] =
      handler.method.idempotency === Idempotency.NO_SIDE_EFFECTS
        ? { POST: handle, GET: handle }
        : { POST: handle };
  }
  return handlers;
}

export { Code };
