/**
 * Counts and times every request an AWS client sends, by operation, into the service's
 * registry: `dependency_requests_total{origin,dependency,operation}` (the kit's one request
 * counter, shared with Redis and Connect calls) and `aws_request_duration_seconds`.
 * This is how the drop report can say how many DynamoDB and SQS requests each step costs, and
 * how busy an idle platform keeps its stores.
 */
import type { Histogram } from "prom-client";
import type { Metrics } from "../metrics.ts";
import { currentOrigin } from "../origin.ts";

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName?: string },
) => (args: unknown) => Promise<unknown>;
/** The middleware stack of an AWS SDK v3 client, as far as this file uses it. */
interface Stack {
  add(mw: Middleware, options: { step: "initialize"; name: string }): void;
}

const durations = new WeakMap<Metrics, Histogram<"client" | "operation">>();

/** Adds the counting middleware to `client` (once per client). */
export function instrumentAws(client: { middlewareStack: unknown }, metrics: Metrics, name: string): void {
  let duration = durations.get(metrics);
  if (!duration) {
    duration = metrics.histogram(
      "aws_request_duration_seconds",
      "Latency of AWS requests, retries included",
      ["client", "operation"],
    );
    durations.set(metrics, duration);
  }
  const latency = duration;
  // Each client types its stack for its own commands; the counter reads only the command name.
  (client.middlewareStack as Stack).add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? "unknown").replace(/Command$/, "");
      // Counted when sent, under the work it serves (read here, in the caller's context).
      metrics.dependencyRequests.inc({ origin: currentOrigin(), dependency: name, operation });
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        latency.observe({ client: name, operation }, (performance.now() - started) / 1000);
      }
    },
    { step: "initialize", name: "ttRequestMetrics" },
  );
}
