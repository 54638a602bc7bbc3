import type { Metrics, OutboxMetrics } from "@tt/kit";
import type { ReservationStatus } from "../domain/model.ts";
import type { ReservationMetrics } from "../domain/ports.ts";

/** The reservation service's Prometheus metrics (docs/spec.md, "Observability") on the kit's registry. */
export function reservationMetrics(metrics: Metrics): ReservationMetrics & OutboxMetrics {
  const status = metrics.counter("reservation_status_total", "Reservations entering each status", ["status"]);
  const idempotency = metrics.counter(
    "idempotency_hits_total",
    "Requests that met an existing idempotency record, by outcome",
    ["outcome"],
  );
  const published = metrics.counter(
    "outbox_events_published_total",
    "Outbox records published to the event queue",
    ["type"],
  );
  const lag = metrics.outboxLag();
  return {
    transitioned: (s: ReservationStatus) => status.inc({ status: s }),
    idempotencyHit: (outcome) => idempotency.inc({ outcome }),
    published: (type: string) => published.inc({ type }),
    lag: (seconds) => lag.set(seconds),
  };
}
