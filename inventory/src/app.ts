/**
 * Builds the inventory service from its configuration (`buildInventory`, which main.ts calls),
 * and its core from clients and settings (`inventoryCore`, which the tests also use).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createDynamoClient,
  createRedis,
  createService,
  dynamoCheck,
  instrumentAws,
  instrumentRedis,
  type Metrics,
  redisCheck,
  tableName,
} from "@tt/kit";
import type Redis from "ioredis";
import { DynamoEventStore } from "./adapters/event-store.dynamo.ts";
import { promInventoryMetrics } from "./adapters/metrics.prom.ts";
import { DynamoPurchasePolicyStore } from "./adapters/purchase-policy.dynamo.ts";
import { RedisSeatMapCache } from "./adapters/seat-map.redis.ts";
import { DynamoSeatStore } from "./adapters/seat-store.dynamo.ts";
import type { InventoryConfig } from "./config.ts";
import { EventCatalog } from "./domain/events.ts";
import { Inventory } from "./domain/inventory.ts";
import type { Clock } from "./domain/ports.ts";
import { PurchasePolicies } from "./domain/purchase-policy.ts";
import { SeatMaps } from "./domain/seat-map.ts";
import { type InventoryCore, inventoryRoutes } from "./transport/inventory-routes.ts";

/** Settings the core needs (a subset of the service config). */
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

/**
 * The inventory service: its clients (made from the config unless given, and then closed with
 * it), the core reporting into the service's metrics, and the Connect procedures over the core.
 */
export function buildInventory(deps: {
  config: InventoryConfig;
  dynamo?: DynamoDBClient;
  redis?: Redis;
  /** Namespace for Redis keys (tests); default none. */
  redisPrefix?: string;
}) {
  const { config } = deps;
  const dynamo =
    deps.dynamo ?? createDynamoClient({ region: config.awsRegion, endpoint: config.dynamodbEndpoint });
  const redis = deps.redis ?? createRedis(config.redisUrl, undefined, { cluster: config.redisCluster });
  const service = createService({
    name: "inventory",
    description: "Events, seat maps and zero-oversell seat holds",
    config,
    readiness: [dynamoCheck(dynamo), redisCheck(redis)],
  });
  if (!deps.dynamo) service.onShutdown(() => dynamo.destroy());
  if (!deps.redis) service.onShutdown(() => redis.quit());
  instrumentAws(dynamo, service.metrics, "dynamodb");
  instrumentRedis(redis, service.metrics);
  const core = inventoryCore({
    dynamo,
    redis,
    metrics: service.metrics,
    settings: config,
    ...(deps.redisPrefix ? { redisPrefix: deps.redisPrefix } : {}),
  });
  service.serveRpc(inventoryRoutes(core));
  return { ...service, core };
}

/** Wires stores, cache, metrics and the core. */
export function inventoryCore(deps: {
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
