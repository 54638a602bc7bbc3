import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BreakerState } from "./connect/breaker.ts";
import { HttpMetrics } from "./http-metrics.ts";
import { registerProcessMetrics } from "./process-metrics.ts";

// Latency buckets sized around the 120 ms P95 target and the 500 ms confirm budget.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.12, 0.25, 0.5, 1, 2.5, 5];

/** circuit_breaker_state values: anything above 0 means calls to that upstream are being refused. */
const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

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
  /**
   * Calls a bulkhead refused at once (OVERLOADED) because its dependency's line was full
   * (bulkhead.ts): load shed, which callers retry — apart from the calls that failed.
   */
  readonly bulkheadRejected: Counter<"dependency">;
  /** The breakers circuit_breaker_state reports, read at scrape time (never on the call path). */
  private readonly breakers = new Map<string, () => BreakerState>();

  constructor(service: string) {
    this.registry.setDefaultLabels({ app: service });
    // Event-loop lag (nodejs_eventloop_lag_p99_seconds), heap, RSS and CPU: a process that stalls
    // or grows shows here before its latency does (process-metrics.ts: not prom-client's defaults).
    registerProcessMetrics(this.registry);
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
    this.bulkheadRejected = this.counter(
      "bulkhead_rejected_total",
      "Calls refused at once (OVERLOADED) because the line to a dependency was full",
      ["dependency"],
    );
    const breakers = this.breakers;
    new Gauge({
      name: "circuit_breaker_state",
      help: "Circuit breaker towards each upstream: 0 closed, 1 half-open (probing), 2 open (calls refused)",
      labelNames: ["service"],
      registers: [this.registry],
      collect() {
        for (const [service, state] of breakers) this.set({ service }, BREAKER_STATE_VALUE[state()]);
      },
    });
  }

  /** Reports a client's circuit breaker as circuit_breaker_state{service=name}. */
  watchBreaker(name: string, state: () => BreakerState): void {
    this.breakers.set(name, state);
  }

  /** Registers a counter on this service's registry. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Registers a gauge on this service's registry. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * Registers outbox_lag_seconds (kit/src/outbox.ts): one name in every service with an outbox,
   * so one alert and one panel watch them all.
   */
  outboxLag(): Gauge {
    return this.gauge(
      "outbox_lag_seconds",
      "Age of the oldest outbox record its writer left behind, at the last sweep",
    );
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
