// The events table adapter on DynamoDB Local, with a clock the test moves.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { tableName } from "@tt/kit";
import { DynamoEventStore } from "../src/adapters/event-store.dynamo.ts";
import { type Backends, eventId, saleNow, startBackends } from "./support.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
}, 60_000);
afterAll(async () => {
  await b?.stop();
});

test("an active event is never claimed again, however old: its seats and queue settings stay", async () => {
  let now = Date.now();
  const tables = { events: tableName(b.stage, "events"), seats: tableName(b.stage, "seats") };
  const store = new DynamoEventStore(b.dynamo, tables, () => now);
  const event = { ...saleNow(eventId()), seatShards: 2 };
  expect((await store.create(event)).created).toBe(true);
  await store.updateQueueSettings(event.eventId, { rate: 3, paused: true });

  // Long past the minute after which a creator's unfinished claim may be taken over.
  now += 10 * 60_000;
  const again = await store.create(event);
  expect(again.created).toBe(false);
  expect(await store.queueSettings(event.eventId)).toMatchObject({ rate: 3, paused: true, version: 1 });
});
