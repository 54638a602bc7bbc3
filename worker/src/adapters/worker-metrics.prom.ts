import type { Metrics } from "@tt/kit";
import type { Outcome } from "../domain/event-handler.ts";
import type { EventQueue } from "../domain/ports.ts";
import type { ConsumerObserver } from "../transport/consumer.ts";

/** worker_events_total{type,outcome} (docs/spec.md, "Observability"), DLQ moves and queue lag/depth. */
export class PrometheusWorkerObserver implements ConsumerObserver {
  private readonly events;
  private readonly deadLettered;
  private readonly lagSeconds;
  private readonly messages;

  constructor(metrics: Metrics) {
    this.events = metrics.counter("worker_events_total", "Events handled, by type and outcome", [
      "type",
      "outcome",
    ]);
    this.deadLettered = metrics.counter(
      "worker_dead_lettered_total",
      "Events that failed their last attempt and moved to the DLQ",
      ["type"],
    );
    this.lagSeconds = metrics.gauge(
      "worker_queue_lag_seconds",
      "Age of the most recently received message at receipt",
    );
    this.messages = metrics.gauge("worker_queue_messages", "Approximate messages on the event queues", [
      "queue",
      "state",
    ]);
  }

  handled(type: string, outcome: Outcome | "retry" | "dead_letter"): void {
    this.events.inc({ type, outcome });
    if (outcome === "dead_letter") this.deadLettered.inc({ type });
  }

  lag(seconds: number): void {
    this.lagSeconds.set(seconds);
  }

  /** Samples queue depth (visible, in flight, dead-lettered) into the gauges. */
  async sample(queue: EventQueue): Promise<void> {
    const d = await queue.depth();
    this.messages.set({ queue: "events", state: "visible" }, d.visible);
    this.messages.set({ queue: "events", state: "in_flight" }, d.inFlight);
    this.messages.set({ queue: "dlq", state: "all" }, d.dead);
  }
}
