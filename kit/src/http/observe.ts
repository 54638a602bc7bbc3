import { context, SpanStatusCode } from "@opentelemetry/api";
import { Elysia } from "elysia";
import type { Metrics } from "../metrics.ts";
import { withOrigin } from "../origin.ts";
import { startServerSpan } from "../telemetry.ts";
import { wasShed } from "./errors.ts";

/** A request handler as Bun calls it. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

// Route templates by request, recorded once Elysia has matched a route; unmatched requests
// are labelled UNMATCHED so that scanners cannot blow up the metric cardinality.
const routes = new WeakMap<Request, string>();
const elysiaRoute = (request: Request) => routes.get(request) ?? "UNMATCHED";

/**
 * Headers every answer carries: the API serves JSON only, never a page, so nothing of it may be
 * sniffed as another type, framed, or given a referrer; HSTS is added at the edge (CloudFront).
 */
const SECURITY_HEADERS: Array<[string, string]> = [
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "no-referrer"],
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
];

function secure(headers: Headers): void {
  try {
    // The one page a service serves (its API docs) brings its own scripts and styles.
    const page = headers.get("content-type")?.startsWith("text/html") ?? false;
    for (const [name, value] of SECURITY_HEADERS) {
      if (page && name === "content-security-policy") continue;
      if (!headers.has(name)) headers.set(name, value);
    }
  } catch {
    // A passed-through response with immutable headers keeps its own.
  }
}

/**
 * How many requests one process is answering at once, and the most it takes: past that a new
 * request is answered at once with 503 OVERLOADED (Retry-After) instead of joining the pile, so a
 * flood costs a bounded amount of memory. Health, readiness and metrics are always answered.
 */
export class RequestGate {
  private inFlight = 0;
  constructor(private readonly max: number) {}
  enter(request: Request): boolean {
    if (this.inFlight >= this.max && !OPS.test(request.url)) return false;
    this.inFlight += 1;
    return true;
  }
  leave(): void {
    this.inFlight -= 1;
  }
}

// A refusal at the gate is built from constants: it is the answer to a flood, so it must cost
// far less than the work it declines (no error object, no span, no headers object to fill).
const OVERLOADED_BODY = JSON.stringify({
  error: { code: "OVERLOADED", message: "Too many requests in progress; retry shortly", trace_id: "" },
});
const OVERLOADED_HEADERS: Array<[string, string]> = [
  ["content-type", "application/json"],
  ["retry-after", "1"],
  ...SECURITY_HEADERS,
];

const OPS = /^https?:\/\/[^/]+\/(healthz|readyz|metrics)\b/;

/**
 * Runs one request in a server span continuing the caller's W3C trace context, and records the
 * HTTP metrics under the route `routeOf` names once it is answered. The span is the active
 * context for the whole request, error responses included. Kept to one plain function with no
 * extra async layer: it runs on every request of the 30k req/s routes.
 */
export function observed(
  metrics: Metrics,
  request: Request,
  handle: FetchHandler,
  routeOf: (request: Request) => string,
  gate?: RequestGate,
): Response | Promise<Response> {
  const method = request.method;
  if (gate && !gate.enter(request)) {
    // Counted under no route: Elysia has not matched one yet, and a flood must not add series.
    metrics.http.of(method, "UNMATCHED", 503).record(0);
    metrics.http.shed(method, "UNMATCHED");
    return new Response(OVERLOADED_BODY, { status: 503, headers: OVERLOADED_HEADERS });
  }
  const started = performance.now();
  const { span, ctx: spanCtx } = startServerSpan(method, request.headers);
  const ctx = withOrigin(spanCtx, {
    get name() {
      return `${method} ${routeOf(request)}`;
    },
  });
  const finish = (response: Response) => {
    gate?.leave();
    if (response) secure(response.headers);
    const route = routeOf(request);
    const status = response?.status ?? 101;
    metrics.http.of(method, route, status).record((performance.now() - started) / 1000);
    if (status === 503 && wasShed(request)) metrics.http.shed(method, route);
    if (span.isRecording()) {
      span.updateName(`${method} ${route}`);
      span.setAttribute("http.route", route);
      span.setAttribute("http.response.status_code", status);
    }
    span.end();
    return response;
  };
  const fail = (error: unknown): never => {
    gate?.leave();
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  };
  try {
    const result = context.with(ctx, handle, undefined, request);
    return result instanceof Promise ? result.then(finish, fail) : finish(result);
  } catch (error) {
    return fail(error);
  }
}

/** Wraps every request Elysia answers in `observed`, labelled with the matched route template. */
export function observe(metrics: Metrics, gate?: RequestGate) {
  return new Elysia({ name: "kit.observe" })
    .wrap((fn) => {
      const handle = fn as unknown as FetchHandler;
      return ((request: Request) =>
        observed(metrics, request, handle, elysiaRoute, gate)) as unknown as ReturnType<typeof fn>;
    })
    .onTransform({ as: "global" }, ({ request, route }) => {
      routes.set(request, route);
    });
}
