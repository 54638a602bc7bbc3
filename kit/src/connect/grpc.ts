import http2 from "node:http2";
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { callerInterceptor } from "../identity/connect.ts";
import type { CredentialVerifier } from "../identity/verifier.ts";
import type { Logger } from "../log.ts";
import { contextFromHeaders, inSpan, SpanKind } from "../telemetry.ts";
import { serverReflection } from "./reflection.ts";
import { type ConnectRoutes, deadlineInterceptor, errorInterceptor } from "./server.ts";

/** A running native gRPC listener. */
export interface GrpcListener {
  port: number;
  /** Stops accepting and waits for open streams to finish. */
  close(): Promise<void>;
}

// This listener bypasses Elysia, so it opens its own server span from the caller's traceparent.
const traceInterceptor: Interceptor = (next) => (req) =>
  inSpan(req.url, { kind: SpanKind.SERVER, parent: contextFromHeaders(req.header) }, () => next(req));

/**
 * Serves the same Connect handlers over native gRPC (plus Connect and gRPC-Web) on an HTTP/2
 * cleartext port. Bun.serve cannot send the HTTP trailers gRPC needs, but `node:http2` under Bun
 * can (docs/architecture.md, "Measured facts"), so gRPC clients and `buf curl --protocol grpc` get
 * a real endpoint.
 * Server reflection is served here too (bidi streaming needs HTTP/2), so `buf curl` and
 * `grpcurl` need no local copy of the schema.
 */
export function listenGrpc(
  routes: ConnectRoutes,
  log: Logger,
  host: string,
  port: number,
  verifier: CredentialVerifier,
): Promise<GrpcListener> {
  const handler = connectNodeAdapter({
    routes: (router) => {
      routes(router);
      serverReflection(router);
    },
    interceptors: [traceInterceptor, errorInterceptor(log), callerInterceptor(verifier), deadlineInterceptor],
  });
  const server = http2.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
