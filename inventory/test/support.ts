// Real backends for the inventory's adapter and service tests: a private DynamoDB Local and
// redis-server on free ports (never the dev stack's), a random stage and Redis key prefix.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { inventory } from "@tt/contracts";
import { createRedis, Metrics } from "@tt/kit";
import { Supervisor, startRedis } from "@tt/kit/local";
import { freePort, startTestDynamo, type TestDynamo } from "@tt/kit/testing";
import type Redis from "ioredis";
import { type InventorySettings, inventoryCore } from "../src/app.ts";
import type { NewEvent } from "../src/domain/events.ts";

/** Running DynamoDB Local + Redis and clients to them. */
export interface Backends extends TestDynamo {
  redis: Redis;
  redisUrl: string;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local and Redis on free ports and creates the tables under a random stage. */
export async function startBackends(): Promise<Backends> {
  const sup = new Supervisor({ sink: () => undefined });
  const [db, redisUrl] = await Promise.all([startTestDynamo(sup), startRedis(sup, { port: freePort() })]);
  const redis = createRedis(redisUrl);
  return {
    ...db,
    redis,
    redisUrl,
    async stop() {
      db.dynamo.destroy();
      redis.disconnect();
      await sup.stop();
    },
  };
}

/** Inventory settings for tests; override what a test is about. */
export function testSettings(stage: string, overrides: Partial<InventorySettings> = {}): InventorySettings {
  return {
    stage,
    maxSeatsPerReservation: 10,
    holdSeconds: 60,
    seatShards: 8,
    seatMapCacheMs: 0,
    seatMapRebuildMs: 30_000,
    ...overrides,
  };
}

/** The inventory core on real backends, with its own metrics registry. */
export function buildOn(b: Backends, overrides: Partial<InventorySettings> = {}) {
  return inventoryCore({
    dynamo: b.dynamo,
    redis: b.redis,
    metrics: new Metrics("inventory-test"),
    settings: testSettings(b.stage, overrides),
    redisPrefix: `${b.stage}:`,
  });
}

let counter = 0;

/** A fresh event id, so tests never share seats. */
export function eventId(): string {
  counter += 1;
  return `evt_t${Date.now().toString(36)}_${counter}`;
}

/** An event on sale now: sections A (rows × perRow at 50,000) and B (2 × 5 at 30,000). */
export function saleNow(id: string, rows = 5, perRow = 10): NewEvent {
  const now = Date.now();
  return {
    eventId: id,
    name: "Test show",
    venue: "Test hall",
    startsAt: new Date(now + 86_400_000),
    saleOpensAt: new Date(now - 60_000),
    saleClosesAt: new Date(now + 86_400_000),
    currency: "KRW",
    sections: [
      { sectionId: "A", name: "Floor", price: 50_000n, rows, seatsPerRow: perRow },
      { sectionId: "B", name: "Balcony", price: 30_000n, rows: 2, seatsPerRow: 5 },
    ],
  };
}

/** The same event as a CreateEvent request. */
export function createEventRequest(e: NewEvent) {
  return create(inventory.CreateEventRequestSchema, {
    ...e,
    startsAt: timestampFromMs(e.startsAt.getTime()),
    saleOpensAt: timestampFromMs(e.saleOpensAt.getTime()),
    saleClosesAt: timestampFromMs(e.saleClosesAt.getTime()),
  });
}
