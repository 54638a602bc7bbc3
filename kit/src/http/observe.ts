import { SpanKind } from "@opentelemetry/api";
import { Elysia } from "elysia";
import type { Metrics } from "../metrics.ts";
import { contextFromHeaders, inSpan } from "../telemetry.ts";

// Route templates by request, recorded once Elysia has matched a route; unmatched requests
// are labelled UNMATCHED so that scanners cannot blow up the metric cardinality.
const routes = new WeakMap<Request, string>();

/** Labels a request answered outside Elysia's router (the Connect mount) with its route. */
export function recordRoute(request: Request, route: string): void {
  routes.set(request, route);
}

/**
 * Wraps every request in a server span continuing the caller's W3C trace context, and records
 * the HTTP metrics. Lives in the fetch wrapper (not in hooks) so the span is the active context
 * for the whole request, including Connect handlers and error responses.
 */
export function observe(metrics: Metrics) {
  return new Elysia({ name: "kit.observe" })
    .wrap((fn) => {
      const handle = fn as unknown as (req: Request) => Promise<Response> | Response;
      return (async (req: Request) => {
        const started = performance.now();
        const method = req.method;
        return inSpan(
          `${method} ${new URL(req.url).pathname}`,
          { kind: SpanKind.SERVER, parent: contextFromHeaders(req.headers) },
          async (span) => {
            const response = await handle(req);
            const route = routes.get(req) ?? "UNMATCHED";
            const status = response?.status ?? 101;
            span.updateName(`${method} ${route}`);
            span.setAttribute("http.route", route);
            span.setAttribute("http.response.status_code", status);
            metrics.httpRequests.inc({ method, route, status_code: String(status) });
            metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
            return response;
          },
        );
      }) as unknown as ReturnType<typeof fn>;
    })
    .onTransform({ as: "global" }, ({ request, route }) => {
      routes.set(request, route);
    });
}
