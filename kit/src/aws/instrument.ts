/**
 * Counts and times every request an AWS client sends, by operation, into the service's
 * registry: `aws_requests_total{client,operation,outcome}` and `aws_request_duration_seconds`.
 * This is how the drop report can say how many DynamoDB and SQS requests each step costs, and
 * how busy an idle platform keeps its stores.
 */
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

const registered = new WeakMap<Metrics, ReturnType<typeof register>>();

function register(metrics: Metrics) {
  return {
    total: metrics.counter("aws_requests_total", "Requests sent to AWS services (DynamoDB, SQS, Scheduler)", [
      "client",
      "operation",
      "outcome",
    ]),
    duration: metrics.histogram("aws_request_duration_seconds", "Latency of AWS requests, retries included", [
      "client",
      "operation",
    ]),
  };
}

/** Adds the counting middleware to `client` (once per client). */
export function instrumentAws(client: { middlewareStack: unknown }, metrics: Metrics, name: string): void {
  let m = registered.get(metrics);
  if (!m) {
    m = register(metrics);
    registered.set(metrics, m);
  }
  const { total, duration } = m;
  // Each client types its stack for its own commands; the counter reads only the command name.
  (client.middlewareStack as Stack).add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? "unknown").replace(/Command$/, "");
      const started = performance.now();
      let outcome = "ok";
      try {
        return await next(args);
      } catch (error) {
        outcome = (error as { name?: string }).name ?? "error";
        throw error;
      } finally {
        total.inc({ client: name, operation, outcome });
        metrics.dependencyRequests.inc({ origin: currentOrigin(), dependency: name, operation });
        duration.observe({ client: name, operation }, (performance.now() - started) / 1000);
      }
    },
    { step: "initialize", name: "ttRequestMetrics" },
  );
}
