import type { Metrics, OutboxMetrics } from "@tt/kit";
import type { PaymentStatus } from "../domain/intent.ts";
import type { JobKind, PaymentObserver, WebhookResult } from "../domain/ports.ts";

function countersOn(metrics: Metrics) {
  return {
    created: metrics.counter(
      "payment_intents_created_total",
      "Payment intents created (replayed: an idempotent repeat)",
      ["scenario", "replayed"],
    ),
    outcomes: metrics.counter("payment_outcomes_total", "Payment intents that reached a status", ["status"]),
    published: metrics.counter("payment_events_published_total", "Payment events put on the event queue", [
      "type",
    ]),
    lag: metrics.outboxLag(),
    webhooks: metrics.counter("payment_webhooks_total", "Webhook delivery attempts by result", ["result"]),
    retries: metrics.counter("payment_job_retries_total", "Durable jobs rescheduled after a failure", [
      "kind",
    ]),
  };
}

/** Prometheus metrics of the payment simulator and its outbox, on the service's registry. */
export class PrometheusPaymentObserver implements PaymentObserver, OutboxMetrics {
  private readonly counters: ReturnType<typeof countersOn>;

  constructor(metrics: Metrics) {
    this.counters = countersOn(metrics);
  }

  intentCreated(scenario: string, replayed: boolean): void {
    this.counters.created.inc({ scenario, replayed: String(replayed) });
  }
  outcome(status: PaymentStatus): void {
    this.counters.outcomes.inc({ status: status.toLowerCase() });
  }
  /** An event the outbox put on the queue (by its writer or by the sweep). */
  published(type: string): void {
    this.counters.published.inc({ type });
  }
  lag(seconds: number): void {
    this.counters.lag.set(seconds);
  }
  webhook(result: WebhookResult | "gave_up"): void {
    this.counters.webhooks.inc({ result });
  }
  jobRetried(kind: JobKind): void {
    this.counters.retries.inc({ kind });
  }
}
