import { Counter, Gauge, Histogram, Registry } from "prom-client";

// Latency buckets sized around the 120 ms P95 target and the 500 ms confirm budget.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.12, 0.25, 0.5, 1, 2.5, 5];

/** A service's Prometheus registry with the HTTP and backend-call metrics of SPEC.md section 8. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<"method" | "route" | "status_code">;
  readonly httpDuration: Histogram<"method" | "route">;
  readonly backendDuration: Histogram<"service" | "method" | "code">;

  constructor(service: string) {
    this.registry.setDefaultLabels({ app: service });
    this.httpRequests = this.counter("http_server_requests_total", "HTTP requests served", [
      "method",
      "route",
      "status_code",
    ]);
    this.httpDuration = this.histogram("http_server_request_duration_seconds", "HTTP request latency", [
      "method",
      "route",
    ]);
    this.backendDuration = this.histogram(
      "backend_call_duration_seconds",
      "Latency of calls to other services over Connect",
      ["service", "method", "code"],
    );
  }

  /** Registers a counter on this service's registry. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Registers a gauge on this service's registry. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** Registers a latency histogram (seconds) on this service's registry. */
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets = LATENCY_BUCKETS,
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
