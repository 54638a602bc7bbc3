/** InventoryMetrics on the service's Prometheus registry (kit Metrics). */
import type { Metrics } from "@tt/kit";
import type { InventoryMetrics, Operation } from "../domain/ports.ts";

/** Registers the inventory's counters and histograms and reports into them. */
export function promInventoryMetrics(metrics: Metrics): InventoryMetrics {
  const ops = metrics.counter("inventory_operations_total", "Holds, commits, releases and reads by outcome", [
    "operation",
    "outcome",
  ]);
  const latency = metrics.histogram(
    "inventory_operation_duration_seconds",
    "Latency of inventory operations",
    ["operation"],
  );
  const conflicts = metrics.counter(
    "inventory_transaction_conflicts_total",
    "Seat transactions cancelled by a concurrent transaction (each is retried)",
    ["operation"],
  );
  const rebuilds = metrics.histogram("inventory_seat_map_rebuild_seconds", "Seat-map rebuilds from DynamoDB");
  const cacheErrors = metrics.counter(
    "inventory_seat_map_cache_errors_total",
    "Seat-map cache reads/writes that failed",
  );
  return {
    observe(op: Operation, outcome: string, seconds: number) {
      ops.inc({ operation: op, outcome });
      latency.observe({ operation: op }, seconds);
    },
    transactionConflict(op: Operation) {
      conflicts.inc({ operation: op });
    },
    cacheRebuilt(_eventId: string, seconds: number) {
      rebuilds.observe(seconds);
    },
    cacheError() {
      cacheErrors.inc();
    },
  };
}
