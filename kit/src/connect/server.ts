import { MethodOptions_IdempotencyLevel as Idempotency } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  type Interceptor,
} from "@connectrpc/connect";
import { createFetchHandler } from "@connectrpc/connect/protocol";
import { Elysia } from "elysia";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { toConnectError } from "./error-detail.ts";

/** Registers a service's Connect handlers, e.g. `(router) => router.service(Desc, impl)`. */
export type ConnectRoutes = (router: ConnectRouter) => void;

// Handlers throw AppError like every other transport's domain; here it becomes a Connect code
// plus ErrorDetail. Anything else is a bug: logged, and answered as INTERNAL without details.
function errorInterceptor(log: Logger): Interceptor {
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
 * Mounts Connect handlers into an Elysia app on their procedure paths (`/pkg.v1.Service/Method`).
 * Connect (JSON and binary) and gRPC-Web work over Bun.serve; native gRPC is switched off
 * because Bun.serve cannot send HTTP trailers (ARCHITECTURE.md), so gRPC clients get a clean 415.
 */
export function connectRoutes(routes: ConnectRoutes, log: Logger) {
  const router = createConnectRouter({ grpc: false, interceptors: [errorInterceptor(log)] });
  routes(router);
  const app = new Elysia({ name: "kit.connect" });
  for (const handler of router.handlers) {
    const fetchHandler = createFetchHandler(handler);
    const hook = { parse: "none" as const, detail: { hide: true } };
    app.post(handler.requestPath, ({ request }) => fetchHandler(request), hook);
    // Side-effect-free procedures may be called with Connect GET (cacheable).
    if (handler.method.idempotency === Idempotency.NO_SIDE_EFFECTS) {
      app.get(handler.requestPath, ({ request }) => fetchHandler(request), hook);
    }
  }
  return app;
}

export { Code };
