/**
 * Builds the inventory core from its clients and settings. main.ts, the tests and the benchmark
 * all assemble the service the same way through here.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { env, type Metrics, tableName } from "@tt/kit";
import type Redis from "ioredis";
import { DynamoEventStore } from "./adapters/event-store.dynamo.ts";
import { promInventoryMetrics } from "./adapters/metrics.prom.ts";
import { DynamoPurchasePolicyStore } from "./adapters/purchase-policy.dynamo.ts";
import { RedisSeatMapCache } from "./adapters/seat-map.redis.ts";
import { DynamoSeatStore } from "./adapters/seat-store.dynamo.ts";
import { EventCatalog } from "./domain/events.ts";
import { Inventory } from "./domain/inventory.ts";
import type { Clock } from "./domain/ports.ts";
import { PurchasePolicies } from "./domain/purchase-policy.ts";
import { SeatMaps } from "./domain/seat-map.ts";
import type { InventoryCore } from "./transport/inventory-routes.ts";

/** The inventory's own environment variables (besides the kit's base, AWS and Redis ones). */
export function inventoryFields() {
  return {
    // A hold is one TransactWriteItems of seats + the hold record, and DynamoDB allows 100 items.
    maxSeatsPerReservation: env.int("MAX_SEATS_PER_RESERVATION", 10, { min: 1, max: 99 }),
    holdSeconds: env.int("HOLD_SECONDS", 60, { min: 1, max: 900 }),
    seatShards: env.int("SEAT_SHARDS", 16, { min: 1, max: 99 }),
    seatMapCacheMs: env.int("SEAT_MAP_CACHE_MS", 100, { min: 0, max: 10_000 }),
    seatMapRebuildMs: env.int("SEAT_MAP_REBUILD_MS", 30_000, { min: 1_000, max: 3_600_000 }),
  };
}

/** Settings buildInventory needs (a subset of the service config). */
export interface InventorySettings {
  stage: string;
  maxSeatsPerReservation: number;
  holdSeconds: number;
  seatShards: number;
  seatMapCacheMs: number;
  seatMapRebuildMs: number;
}

// The longest hold a caller may ask for; holds are 60 s by default (docs/spec.md), this leaves room
// for slow payments.
const MAX_HOLD_MS = 15 * 60_000;

/** Wires stores, cache, metrics and the core. */
export function buildInventory(deps: {
  dynamo: DynamoDBClient;
  redis: Redis;
  metrics: Metrics;
  settings: InventorySettings;
  /** Namespace for Redis keys (tests); default none. */
  redisPrefix?: string;
  clock?: Clock;
}): InventoryCore & { maps: SeatMaps } {
  const { settings } = deps;
  const clock = deps.clock ?? Date.now;
  const tables = { seats: tableName(settings.stage, "seats"), events: tableName(settings.stage, "events") };
  const metrics = promInventoryMetrics(deps.metrics);
  // The kit's client caps requests in flight and drops those whose caller gave up (in-flight.ts).
  const ddb = deps.dynamo;
  const seats = new DynamoSeatStore(ddb, tables.seats, (op) => metrics.transactionConflict(op));
  const events = new EventCatalog(new DynamoEventStore(ddb, tables, clock), clock, settings.seatShards);
  const maps = new SeatMaps(new RedisSeatMapCache(deps.redis, deps.redisPrefix), seats, metrics, clock, {
    localTtlMs: settings.seatMapCacheMs,
    rebuildEveryMs: settings.seatMapRebuildMs,
  });
  const inventory = new Inventory(
    { events, seats, maps, metrics, clock },
    {
      maxSeatsPerReservation: settings.maxSeatsPerReservation,
      defaultHoldMs: settings.holdSeconds * 1000,
      maxHoldMs: MAX_HOLD_MS,
    },
  );
  const policies = new PurchasePolicies(new DynamoPurchasePolicyStore(ddb, tables.events));
  return { inventory, events, policies, maps };
}
