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
  // Labelled children cached per series: resolving labels on every request (hashing the label
  // object) showed up in profiles of the hot routes.
  const cache = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();
  const series = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = {
        count: metrics.httpRequests.labels(method, route, String(status)),
        duration: metrics.httpDuration.labels(method, route),
      };
      cache.set(key, hit);
    }
    return hit;
  };
  return new Elysia({ name: "kit.observe" })
    .wrap((fn) => {
      const handle = fn as unknown as (req: Request) => Promise<Response> | Response;
      return (async (req: Request) => {
        const started = performance.now();
        const method = req.method;
        return inSpan(
          method,
          { kind: SpanKind.SERVER, parent: contextFromHeaders(req.headers) },
          async (span) => {
            const response = await handle(req);
            const route = routes.get(req) ?? "UNMATCHED";
            const status = response?.status ?? 101;
            span.updateName(`${method} ${route}`);
            span.setAttribute("http.route", route);
            span.setAttribute("http.response.status_code", status);
            series(method, route, status).count.inc();
            series(method, route, status).duration.observe((performance.now() - started) / 1000);
            return response;
          },
        );
      }) as unknown as ReturnType<typeof fn>;
    })
    .onTransform({ as: "global" }, ({ request, route }) => {
      routes.set(request, route);
    });
}

/**
 * The path of an absolute request URL without building a URL object: hooks that run on every
 * request (Connect mount, webhook receiver, span naming) only need this much.
 */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}
