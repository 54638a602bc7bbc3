// The InventoryService over a real listener (Connect, binary and JSON) on DynamoDB Local + Redis.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { inventory } from "@tt/contracts";
import {
  type createService,
  createServiceClient,
  devAuthorization,
  devCredentials,
  fromConnectError,
} from "@tt/kit";
import { testEnv } from "@tt/kit/testing";
import { seatMapKeys } from "../src/adapters/seat-map.redis.ts";
import { buildInventory } from "../src/app.ts";
import { inventoryConfig } from "../src/config.ts";
import { DEMO_EVENT_ID, seedDemoEvent } from "../src/demo-event.ts";
import { type Backends, buildOn, createEventRequest, eventId, saleNow, startBackends } from "./support.ts";

let b: Backends;
let service: ReturnType<typeof createService>;
let url: string;
let client: ReturnType<typeof createServiceClient<typeof inventory.InventoryService>>;

beforeAll(async () => {
  b = await startBackends();
  // Built as main.ts builds it, on the test's clients and stage.
  const config = inventoryConfig.load({
    ...testEnv(),
    STAGE: b.stage,
    SEAT_SHARDS: "8",
    SEAT_MAP_CACHE_MS: "0",
  });
  service = buildInventory({ config, dynamo: b.dynamo, redis: b.redis, redisPrefix: `${b.stage}:` });
  await service.start({ handleSignals: false });
  url = `http://127.0.0.1:${config.port}`;
  client = createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: url,
    timeoutMs: 20_000,
    credentials: devCredentials(),
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await b?.stop();
});

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return fromConnectError(error).code;
  }
}

async function newEvent() {
  const e = saleNow(eventId());
  await client.createEvent(createEventRequest(e));
  return e.eventId;
}

describe("bad input over Connect", () => {
  let evt: string;
  beforeAll(async () => {
    evt = await newEvent();
  });
  const hold = (over: Omit<MessageInitShape<typeof inventory.ReserveSeatsRequestSchema>, "$typeName">) =>
    client.reserveSeats({ reservationId: "rsv_bad", eventId: evt, userId: "u", ...over });

  test.each([
    ["unknown event", { eventId: "evt_missing", seatIds: ["A-1-1"] }, "EVENT_NOT_FOUND"],
    ["empty seat ids and no quantity", {}, "VALIDATION_FAILED"],
    ["duplicate seat ids", { seatIds: ["A-1-1", "A-1-1"] }, "VALIDATION_FAILED"],
    ["over the per-reservation limit", { quantity: 11 }, "VALIDATION_FAILED"],
    ["malformed seat id", { seatIds: ["../etc"] }, "VALIDATION_FAILED"],
    ["malformed reservation id", { reservationId: "rsv bad", seatIds: ["A-1-1"] }, "VALIDATION_FAILED"],
    [
      "hold expiry in the past",
      { seatIds: ["A-1-1"], holdExpiresAt: timestampFromMs(1_000) },
      "VALIDATION_FAILED",
    ],
  ])("%s → %s", async (_name, over, code) => {
    expect(await codeOf(hold(over))).toBe(code);
  });

  test("an unknown event answers 404 with the catalogue body over Connect JSON, never a 5xx", async () => {
    const res = await fetch(`${url}/inventory.v1.InventoryService/GetInventoryStatus`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: await devAuthorization("inventory") },
      body: JSON.stringify({ eventId: "evt_nothing_here" }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe("not_found");
  });

  test("a bad page token is a 400, not a 500", async () => {
    const error = await client.listEvents({ pageToken: "garbage" }).catch((e) => e);
    // The kit client rejects with the catalogue error; the wire's Connect code is its cause.
    expect(error.code).toBe("VALIDATION_FAILED");
    expect((error.cause as ConnectError).code).toBe(Code.InvalidArgument);
  });
});

describe("the seat map follows every write", () => {
  test("a second instance sharing the cache sees holds, sales and releases without a store read", async () => {
    const evt = await newEvent();
    const other = buildOn(b);
    const section = async () =>
      (await other.inventory.status(evt, true)).sections.find((s) => s.sectionId === "A");
    expect((await section())?.available).toBe(50);

    await client.reserveSeats({
      reservationId: "rsv_m1",
      eventId: evt,
      seatIds: ["A-1-1", "A-1-2"],
      userId: "u",
    });
    await client.reserveSeats({
      reservationId: "rsv_m2",
      eventId: evt,
      quantity: 3,
      sectionId: "A",
      userId: "u",
    });
    expect(await section()).toMatchObject({ available: 45, held: 5, sold: 0 });

    await client.commitSeats({ reservationId: "rsv_m1", eventId: evt, orderId: "ord_m1" });
    await client.releaseSeats({
      reservationId: "rsv_m2",
      eventId: evt,
      reason: inventory.ReleaseReason.CANCELLED,
    });
    expect(await section()).toMatchObject({ available: 48, held: 0, sold: 2 });

    const status = await client.getInventoryStatus({ eventId: evt, includeSeats: true });
    expect(status.seats.find((s) => s.seatId === "A-1-1")?.status).toBe(inventory.SeatStatus.SOLD);
    expect(status.seats).toHaveLength(60);
    // Redis never evicts: the map goes by itself a day after its last rebuild.
    const keys = seatMapKeys(`${b.stage}:`, evt);
    for (const key of [keys.seats, keys.meta]) expect(await b.redis.pttl(key)).toBeGreaterThan(3_600_000);
  });

  test("CheckAvailability names the seats that are taken", async () => {
    const evt = await newEvent();
    await client.reserveSeats({ reservationId: "rsv_ca", eventId: evt, seatIds: ["B-1-1"], userId: "u" });
    const res = await client.checkAvailability({ eventId: evt, seatIds: ["B-1-1", "B-1-2"] });
    expect(res.available).toBe(false);
    expect(res.unavailableSeatIds).toEqual(["B-1-1"]);
  });
});

describe("the precheck before a hold", () => {
  test("refuses a seat another hold has, naming it, and holds nothing when the seats are free", async () => {
    const evt = await newEvent();
    await client.reserveSeats({ reservationId: "rsv_p1", eventId: evt, seatIds: ["B-2-1"], userId: "u1" });
    const precheck = (seatIds: string[]) =>
      client.reserveSeats({ reservationId: "rsv_p2", eventId: evt, seatIds, userId: "u2", precheck: true });
    const refused = await precheck(["B-2-1", "B-2-2"]).catch((e) => e);
    expect(refused.code).toBe("SEAT_UNAVAILABLE");
    expect(refused.message).toContain("B-2-1");
    expect(await precheck(["B-2-2", "B-2-3"])).toMatchObject({ seatIds: [] });
    // Nothing was held by the precheck: the seats are free, and another reservation holds them.
    const res = await client.checkAvailability({ eventId: evt, seatIds: ["B-2-2", "B-2-3"] });
    expect(res.available).toBe(true);
    const held = await client.reserveSeats({
      reservationId: "rsv_p3",
      eventId: evt,
      seatIds: ["B-2-2", "B-2-3"],
      userId: "u3",
    });
    expect(held.seatIds).toEqual(["B-2-2", "B-2-3"]);
  });
});

describe("events", () => {
  test("creating the same event twice returns it; a different definition under the same id is refused", async () => {
    const e = saleNow(eventId());
    const first = await client.createEvent(createEventRequest(e));
    const again = await client.createEvent(createEventRequest(e));
    expect(again.event?.totalSeats).toBe(60);
    expect(again.event).toEqual(first.event);
    const changed = createEventRequest({ ...e, name: "Another show" });
    expect(await codeOf(client.createEvent(changed))).toBe("IDEMPOTENCY_CONFLICT");
    const got = await client.getEvent({ eventId: e.eventId });
    expect(got.event?.sections.map((s) => s.sectionId)).toEqual(["A", "B"]);
    const listed = await client.listEvents({ pageSize: 100 });
    expect(listed.events.map((x) => x.eventId)).toContain(e.eventId);
  });

  test("seeding the demo event twice neither duplicates it nor resets its seats", async () => {
    const first = await seedDemoEvent(url);
    expect(first?.totalSeats).toBeGreaterThanOrEqual(2000);
    expect(first?.sections.length).toBeGreaterThan(2);
    await client.reserveSeats({
      reservationId: "rsv_demo",
      eventId: DEMO_EVENT_ID,
      seatIds: ["VIP-1-1"],
      userId: "u",
    });
    const again = await seedDemoEvent(url);
    expect(again).toEqual(first);
    const check = await client.checkAvailability({ eventId: DEMO_EVENT_ID, seatIds: ["VIP-1-1"] });
    expect(check.available).toBe(false);
  });

  test("the operator's queue settings are kept with the event, versioned, and survive a repeated create", async () => {
    const e = saleNow(eventId());
    await client.createEvent(createEventRequest(e));
    const fresh = await client.getQueueSettings({ eventId: e.eventId });
    expect(fresh.settings).toMatchObject({ paused: false, version: 0n });
    expect([fresh.settings?.rate, fresh.settings?.cap, fresh.settings?.opensAt]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);

    const opensAt = Date.now() + 60_000;
    const first = await client.updateQueueSettings({
      eventId: e.eventId,
      rate: 2.5,
      cap: 40,
      opensAt: timestampFromMs(opensAt),
    });
    expect(first.settings).toMatchObject({ rate: 2.5, cap: 40, paused: false, version: 1n });
    // Only the fields present change.
    const paused = await client.updateQueueSettings({ eventId: e.eventId, paused: true });
    expect(paused.settings).toMatchObject({ rate: 2.5, cap: 40, paused: true, version: 2n });
    expect(Number(paused.settings?.opensAt?.seconds) * 1000).toBe(Math.floor(opensAt / 1000) * 1000);
    const cleared = await client.updateQueueSettings({ eventId: e.eventId, clearOpensAt: true });
    expect(cleared.settings?.opensAt).toBeUndefined();

    await client.createEvent(createEventRequest(e));
    const read = await client.getQueueSettings({ eventId: e.eventId });
    expect(read.settings).toMatchObject({ rate: 2.5, cap: 40, paused: true, version: 3n });
    // The event itself is unchanged by its settings.
    expect((await client.getEvent({ eventId: e.eventId })).event?.totalSeats).toBe(60);

    // Self-tuning admission's bounds: kept, then cleared, without touching the rest.
    const tuned = await client.updateQueueSettings({ eventId: e.eventId, autoMin: 5, autoMax: 80 });
    expect(tuned.settings).toMatchObject({ rate: 2.5, autoMin: 5, autoMax: 80, version: 4n });
    expect((await client.getQueueSettings({ eventId: e.eventId })).settings).toMatchObject({
      autoMin: 5,
      autoMax: 80,
    });
    const fixed = await client.updateQueueSettings({ eventId: e.eventId, clearAuto: true });
    expect([fixed.settings?.autoMin, fixed.settings?.autoMax, fixed.settings?.rate]).toEqual([
      undefined,
      undefined,
      2.5,
    ]);

    // The join challenge's difficulty: kept with the rest, and back to 0 (off).
    const challenged = await client.updateQueueSettings({ eventId: e.eventId, challengeDifficulty: 18 });
    expect(challenged.settings).toMatchObject({ rate: 2.5, challengeDifficulty: 18, version: 6n });
    expect((await client.getQueueSettings({ eventId: e.eventId })).settings?.challengeDifficulty).toBe(18);
    const open = await client.updateQueueSettings({ eventId: e.eventId, challengeDifficulty: 0 });
    expect(open.settings?.challengeDifficulty).toBe(0);
  });

  test("queue settings of an unknown event are 404, bad values 400", async () => {
    expect(await codeOf(client.getQueueSettings({ eventId: "evt_never_made" }))).toBe("EVENT_NOT_FOUND");
    expect(await codeOf(client.updateQueueSettings({ eventId: "evt_never_made", rate: 1 }))).toBe(
      "EVENT_NOT_FOUND",
    );
    const evt = await newEvent();
    for (const bad of [
      { rate: -1 },
      { rate: 1e6 },
      { cap: 0 },
      { clearOpensAt: true, opensAt: timestampFromMs(1) },
      { autoMin: 10 },
      { autoMin: 50, autoMax: 10 },
      { autoMin: 0.5, autoMax: 10 },
      { autoMin: 1, autoMax: 10, clearAuto: true },
      { challengeDifficulty: -1 },
      { challengeDifficulty: 29 },
    ])
      expect(await codeOf(client.updateQueueSettings({ eventId: evt, ...bad }))).toBe("VALIDATION_FAILED");
    expect((await client.getQueueSettings({ eventId: evt })).settings?.version).toBe(0n);
  });

  test("the purchase policy is kept with the event: set, changed one field at a time, given back to the default", async () => {
    const evt = await newEvent();
    const fresh = await client.getPurchasePolicy({ eventId: evt });
    expect(fresh.policy).toMatchObject({ version: 0n });
    expect([fresh.policy?.maxLiveReservations, fresh.policy?.maxSeatsPerUser]).toEqual([
      undefined,
      undefined,
    ]);

    const set = await client.updatePurchasePolicy({
      eventId: evt,
      maxLiveReservations: 2,
      maxSeatsPerUser: 6,
    });
    expect(set.policy).toMatchObject({ maxLiveReservations: 2, maxSeatsPerUser: 6, version: 1n });
    const seats = await client.updatePurchasePolicy({ eventId: evt, maxSeatsPerUser: 4 });
    expect(seats.policy).toMatchObject({ maxLiveReservations: 2, maxSeatsPerUser: 4, version: 2n });
    const back = await client.updatePurchasePolicy({ eventId: evt, maxLiveReservations: 0 });
    expect(back.policy?.maxLiveReservations).toBeUndefined();
    expect((await client.getPurchasePolicy({ eventId: evt })).policy).toMatchObject({
      maxSeatsPerUser: 4,
      version: 3n,
    });
    // The queue settings are a separate record on the same event.
    expect((await client.getQueueSettings({ eventId: evt })).settings?.version).toBe(0n);
  });

  test("the purchase policy of an unknown event is 404, bad values 400 and change nothing", async () => {
    expect(await codeOf(client.getPurchasePolicy({ eventId: "evt_never_made" }))).toBe("EVENT_NOT_FOUND");
    expect(await codeOf(client.updatePurchasePolicy({ eventId: "evt_never_made", maxSeatsPerUser: 2 }))).toBe(
      "EVENT_NOT_FOUND",
    );
    const evt = await newEvent();
    for (const bad of [{ maxLiveReservations: -1 }, { maxLiveReservations: 11 }, { maxSeatsPerUser: 1001 }])
      expect(await codeOf(client.updatePurchasePolicy({ eventId: evt, ...bad }))).toBe("VALIDATION_FAILED");
    expect((await client.getPurchasePolicy({ eventId: evt })).policy?.version).toBe(0n);
  });

  test("inventory metrics are exported", async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('inventory_operations_total{operation="hold",outcome="ok"');
    expect(text).toContain("inventory_operation_duration_seconds_bucket");
  });
});
