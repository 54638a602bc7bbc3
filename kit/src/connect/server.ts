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
import { pathOf, recordRoute } from "../http/observe.ts";
import type { Logger } from "../log.ts";
import { toConnectError } from "./error-detail.ts";

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
 * Mounts Connect handlers into an Elysia app on their procedure paths (`/pkg.v1.Service/Method`).
 * Connect (JSON and binary) and gRPC-Web work over Bun.serve; native gRPC is switched off
 * because Bun.serve cannot send HTTP trailers (ARCHITECTURE.md), so gRPC clients get a clean 415.
 *
 * Procedures are answered from `onRequest`, before Elysia's body parsing: a global `onParse`
 * (the error responder's JSON reader) would otherwise consume the body stream that the Connect
 * handler must read itself, and `parse: "none"` on a route does not switch global parsers off.
 */
export function connectRoutes(routes: ConnectRoutes, log: Logger) {
  const router = createConnectRouter({ grpc: false, interceptors: [errorInterceptor(log)] });
  routes(router);
  const procedures = new Map<string, { handle: (req: Request) => Promise<Response>; allowGet: boolean }>();
  for (const handler of router.handlers) {
    procedures.set(handler.requestPath, {
      handle: createFetchHandler(handler),
      // Side-effect-free procedures may be called with Connect GET (cacheable).
      allowGet: handler.method.idempotency === Idempotency.NO_SIDE_EFFECTS,
    });
  }
  return new Elysia({ name: "kit.connect" }).onRequest(({ request }) => {
    const method = request.method;
    if (method !== "POST" && method !== "GET") return;
    const path = pathOf(request.url);
    const procedure = procedures.get(path);
    if (!procedure) return;
    if (method === "GET" && !procedure.allowGet) return;
    recordRoute(request, path);
    return procedure.handle(request);
  });
}

export { Code };
