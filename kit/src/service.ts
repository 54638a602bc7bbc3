import { Elysia } from "elysia";
import type { baseFields, ConfigOf } from "./config.ts";
import { type GrpcListener, listenGrpc } from "./connect/grpc.ts";
import { healthService } from "./connect/health.ts";
import { type ConnectRoutes, connectHandlers } from "./connect/server.ts";
import { docs, type RouteBody } from "./http/docs.ts";
import { errorResponder } from "./http/errors.ts";
import { healthRoutes, type Lifecycle, type ReadinessCheck } from "./http/health.ts";
import { type NativeRoutes, nativeRoute } from "./http/native-routes.ts";
import { observe, RequestGate } from "./http/observe.ts";
import { callerGuard } from "./identity/rest.ts";
import { type IdentityOptions, serviceIdentity } from "./identity/service-identity.ts";
import { createLogger } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { initTelemetry } from "./telemetry.ts";

/** The most a client may send in one WebSocket message, on every service. */
export const MAX_CLIENT_WS_MESSAGE_BYTES = 4096;

/** The config every service has (see `baseFields`). */
export type BaseConfig = ConfigOf<ReturnType<typeof baseFields>>;

/** What a service tells the kit about itself. */
export interface ServiceOptions {
  name: string;
  description: string;
  version?: string;
  config: BaseConfig;
  readiness?: ReadinessCheck[];
  /** Who the service is to its callers (names it answers to, who may call it; identity/service-identity.ts). */
  identity?: IdentityOptions;
  /** Closed after the listener has drained (Redis, AWS clients, consumers …), in order. */
  onShutdown?: Array<() => unknown>;
}

/**
 * The common skeleton of a service: an Elysia app with tracing, HTTP metrics, the standard
 * error responder, body limit, /healthz, /readyz, /metrics, OpenAPI docs at /swagger and the
 * Connect procedures (Bun's own routes, beside Elysia's: `mountNative`); plus `start()` that
 * listens and drains gracefully on SIGTERM/SIGINT.
 */
export function createService(options: ServiceOptions) {
  const { name, config } = options;
  const telemetry = initTelemetry(name, config.otlpEndpoint);
  const log = createLogger(name, config.logLevel);
  const metrics = new Metrics(name);
  const lifecycle: Lifecycle = { draining: false };
  const shutdownHooks = [...(options.onShutdown ?? [])];
  const drainHooks: Array<() => unknown> = [];
  const startedHooks: Array<() => unknown> = [];
  // Fails fast (ConfigError) on a production service without its keys.
  const identity = serviceIdentity(name, config, options.identity);

  // Bun's own routes, filled by `mountNative` until the service listens (Elysia hands the table
  // to Bun.serve then).
  const native: NativeRoutes = {};
  const gate = new RequestGate(config.maxInFlightRequests);
  // Bun's own cap is a backstop above the limit: under it, the error responder answers with
  // the standard 413 body; Bun's answer past it is a bare 413.
  let routeTable: () => readonly RouteBody[] = () => [];
  const app = new Elysia({
    name,
    serve: { maxRequestBodySize: config.bodyLimitBytes * 4, routes: native },
    // Bun applies a message limit per server, not per route (a route's own option never reached
    // it): the one WebSocket there is, the gateway's live queue, takes ~200-byte watches, and a
    // bigger client message drops the socket instead of being read (Bun's default is 16 MB).
    websocket: { maxPayloadLength: MAX_CLIENT_WS_MESSAGE_BYTES },
    // Elysia's `t.Integer` is a transform (it decodes numeric query strings), so with encoding on
    // every answer holding an integer was encoded through TypeBox's interpreter before being
    // checked: 9 % of the gateway's CPU under join and status (bench/README.md, gateway-queue).
    // No answer needs encoding (they are built as their JSON already); each is still checked
    // against its route's response schema.
    encodeSchema: false,
  })
    .use(observe(metrics, gate))
    .use(errorResponder(log, config.bodyLimitBytes))
    .use(healthRoutes(options.readiness ?? [], lifecycle, metrics))
    .use(
      docs(
        {
          title: `Traffic Tacos ${name}`,
          version: options.version ?? "0.1.0",
          description: options.description,
        },
        () => routeTable(),
      ),
    );
  // Read when the document is asked for: every route is mounted by then.
  routeTable = () => app.routes;
  const health = healthService(options.readiness ?? [], () => lifecycle.draining);
  // The service's own Connect procedures (`serveRpc`), mounted when it starts to listen, so they
  // can be built from pieces that need the service first (its metrics, log, identity).
  const served: ConnectRoutes[] = [];
  const rpcRoutes: ConnectRoutes = (router) => {
    health(router);
    for (const routes of served) routes(router);
  };

  /** Adds Connect procedures, answered beside REST on `PORT` and over gRPC on `RPC_PORT`; only before `start`. */
  function serveRpc(routes: ConnectRoutes): void {
    if (app.server) throw new Error("Connect procedures must be served before the service listens");
    served.push(routes);
  }

  /** Adds routes that Bun answers before Elysia (see http/native-routes.ts); only before `start`. */
  function mountNative(routes: NativeRoutes): void {
    if (app.server) throw new Error("native routes must be mounted before the service listens");
    const deps = { metrics, log, bodyLimitBytes: config.bodyLimitBytes, gate };
    for (const [path, methods] of Object.entries(routes)) {
      native[path] = Object.fromEntries(
        Object.entries(methods).map(([method, handle]) => [method, nativeRoute(path, handle, deps)]),
      );
    }
  }
  let grpc: GrpcListener | undefined;

  let stopping: Promise<void> | undefined;

  /** Stops accepting, lets in-flight requests finish (bounded by the grace period), then closes clients. */
  async function stop(reason = "stop"): Promise<void> {
    stopping ??= (async () => {
      lifecycle.draining = true;
      log.info("shutting down", { reason });
      for (const hook of drainHooks) {
        try {
          await hook();
        } catch (error) {
          log.warn("drain hook failed", { err: error });
        }
      }
      const server = app.server;
      if (server) {
        const drained = server.stop(false);
        const timedOut = Bun.sleep(config.shutdownGraceMs).then(() => "timeout" as const);
        if ((await Promise.race([drained, timedOut])) === "timeout") {
          log.warn("grace period over; closing open connections", { grace_ms: config.shutdownGraceMs });
          await server.stop(true);
        }
      }
      await grpc?.close();
      for (const hook of shutdownHooks) {
        try {
          await hook();
        } catch (error) {
          log.warn("shutdown hook failed", { err: error });
        }
      }
      await telemetry.shutdown();
      log.info("stopped");
    })();
    return stopping;
  }

  function exitOnListenError(error: unknown, port: number, variable: string): never {
    const busy = (error as { code?: string }).code === "EADDRINUSE";
    log.error(busy ? `port ${port} is already in use; set ${variable} to another port` : "cannot listen", {
      err: error,
    });
    process.exit(1);
  }

  /**
   * Listens on the configured host/port (REST, Connect, gRPC-Web) and on the gRPC port; exits the
   * process with a clear message if a port is taken.
   */
  async function start(opts: { handleSignals?: boolean } = {}) {
    mountNative(connectHandlers(rpcRoutes, log, config.bodyLimitBytes, identity.verifier));
    try {
      app.listen({ hostname: config.host, port: config.port });
    } catch (error) {
      exitOnListenError(error, config.port, "PORT");
    }
    const rpcPort = config.rpcPort ?? config.port + 1;
    if (rpcPort > 0) {
      grpc = await listenGrpc(rpcRoutes, log, config.host, rpcPort, identity.verifier).catch(
        (error: unknown) => exitOnListenError(error as unknown, rpcPort, "RPC_PORT"),
      );
    }
    log.info("listening", {
      url: `http://${config.host}:${app.server?.port}`,
      grpc_port: grpc?.port ?? null,
    });
    for (const hook of startedHooks) await hook();
    if (opts.handleSignals ?? true) {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => void stop(signal).then(() => process.exit(0)));
      }
    }
    return app.server;
  }

  return {
    app,
    log,
    metrics,
    lifecycle,
    start,
    stop,
    mountNative,
    serveRpc,
    /** Signs this service's calls: pass to `createServiceClient(…, { credentials })`. */
    credentials: identity.credentials,
    /** Signs facts other services may act on without asking again (identity/attestation.ts). */
    attester: identity.attester,
    /** Reads facts other services signed for this one; undefined for anything that does not verify. */
    attestations: identity.attestations,
    /** For the service's REST route plugins: `.use(service.callerGuard())` (identity/rest.ts). */
    callerGuard: () => callerGuard(identity.verifier),
    onShutdown: (hook: () => unknown) => shutdownHooks.push(hook),
    /** Runs once the service listens, in order: start background loops (stopped by an `onShutdown` hook). */
    onStarted: (hook: () => unknown) => startedHooks.push(hook),
    /**
     * Starts `loops` once the service listens, and stops them as it shuts down (hooks run in the
     * order given: call this before registering the clients' close, so the loops stop first).
     */
    runs(loops: { start(): unknown; stop(): unknown }): void {
      startedHooks.push(() => loops.start());
      shutdownHooks.push(() => loops.stop());
    },
    /** Runs as draining starts, before the listener stops: e.g. close long-lived sockets so clients move on. */
    onDrain: (hook: () => unknown) => drainHooks.push(hook),
  };
}
