import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { HttpMetrics } from "./http-metrics.ts";

// Latency buckets sized around the 120 ms P95 target and the 500 ms confirm budget.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.12, 0.25, 0.5, 1, 2.5, 5];

/** A service's Prometheus registry with the HTTP and backend-call metrics of docs/spec.md (Observability). */
export class Metrics {
  readonly registry = new Registry();
  /** http_server_requests_total and http_server_request_duration_seconds (see http-metrics.ts). */
  readonly http: HttpMetrics;
  readonly backendDuration: Histogram<"service" | "method" | "code">;
  /**
   * Requests to every dependency (DynamoDB, SQS, Redis, other services) by the work they were
   * made for (origin.ts): what each step of a purchase costs, and what idling costs.
   */
  readonly dependencyRequests: Counter<"origin" | "dependency" | "operation">;

  constructor(service: string) {
    this.registry.setDefaultLabels({ app: service });
    this.http = new HttpMetrics(service, LATENCY_BUCKETS);
    this.backendDuration = this.histogram(
      "backend_call_duration_seconds",
      "Latency of calls to other services over Connect",
      ["service", "method", "code"],
    );
    this.dependencyRequests = this.counter(
      "dependency_requests_total",
      "Requests sent to dependencies (DynamoDB, SQS, Redis, services) by the route or loop they served",
      ["origin", "dependency", "operation"],
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
  async render(): Promise<string> {
    const registered = await this.registry.metrics();
    return `${registered}${registered.endsWith("\n") ? "" : "\n"}${this.http.render()}`;
  }
}
