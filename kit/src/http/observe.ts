import { context, SpanStatusCode } from "@opentelemetry/api";
import { Elysia } from "elysia";
import type { Metrics } from "../metrics.ts";
import { startServerSpan } from "../telemetry.ts";

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
 * for the whole request, including Connect handlers and error responses. Kept to one plain
 * function with no extra async layer: it runs on every request of the 30k req/s routes.
 */
export function observe(metrics: Metrics) {
  return new Elysia({ name: "kit.observe" })
    .wrap((fn) => {
      const handle = fn as unknown as (req: Request) => Promise<Response> | Response;
      return ((req: Request) => {
        const started = performance.now();
        const method = req.method;
        const { span, ctx } = startServerSpan(method, req.headers);
        const finish = (response: Response) => {
          const route = routes.get(req) ?? "UNMATCHED";
          const status = response?.status ?? 101;
          metrics.http.of(method, route, status).record((performance.now() - started) / 1000);
          if (span.isRecording()) {
            span.updateName(`${method} ${route}`);
            span.setAttribute("http.route", route);
            span.setAttribute("http.response.status_code", status);
          }
          span.end();
          return response;
        };
        const fail = (error: unknown): never => {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw error;
        };
        try {
          const result = context.with(ctx, handle, undefined, req);
          return result instanceof Promise ? result.then(finish, fail) : finish(result);
        } catch (error) {
          return fail(error);
        }
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
