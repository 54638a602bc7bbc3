// The waiting room when Redis loses data (issue #17, part 5), piece by piece on a real Redis:
// the operator's settings come back from their durable store, the line is live again at once,
// lost places are refused and their sockets told. gateway/test/api/redis-loss.test.ts runs the
// same through the whole platform, with a real Redis restart.
import { describe, expect, test } from "bun:test";
import { AppError, createLogger, Metrics } from "@tt/kit";
import { eventually } from "@tt/kit/testing";
import type Redis from "ioredis";
import { ACTIVE_EVENTS_KEY, queueKeys } from "../src/adapters/queue/keys.ts";
import { LiveQueue } from "../src/adapters/queue/live-queue.redis.ts";
import { WaitingRoom } from "../src/adapters/queue/waiting-room.redis.ts";
import type { FrameSink } from "../src/domain/queue/frames.ts";
import {
  CachedQueueSettings,
  type DurableQueueSettings,
  MemoryQueueSettings,
  type QueueSettingsStore,
} from "../src/domain/queue/settings-store.ts";
import { AdmissionTicker } from "../src/domain/queue/ticker.ts";
import { redisForFile, testRoomOptions } from "./support.ts";

let redis: Redis;
const log = createLogger("t", "error");
let counter = 0;
const freshEvent = () => `evt_lost_${Date.now().toString(36)}_${++counter}`;

redisForFile((client) => {
  redis = client;
});

/** A durable store that can be taken down, counting its reads. */
function flakyStore() {
  const inner = new MemoryQueueSettings();
  const state = { down: false, reads: 0 };
  const store: QueueSettingsStore = {
    get: async (eventId) => {
      state.reads += 1;
      if (state.down) throw new AppError("UPSTREAM_UNAVAILABLE", "inventory is down");
      return inner.get(eventId);
    },
    update: (eventId, change) => inner.update(eventId, change),
  };
  return { store, state };
}

// The rooms' clock: admission credit accrues with it, and tests move it a second at a time.
let clock = Date.now();

function roomWith(store: QueueSettingsStore, born: string[] = []) {
  return new WaitingRoom(redis, {
    ...testRoomOptions,
    now: () => clock,
    settingsStore: store,
    onLineBorn: (eventId) => born.push(eventId),
    log,
  });
}

function tickerOf(room: WaitingRoom) {
  return new AdmissionTicker(room, { tickMs: 50, refreshEventsMs: 0 }, log, new Metrics("gateway"));
}

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: unknown) => (error instanceof AppError ? error.code : String(error)),
  );

describe("after Redis lost everything", () => {
  test("the first join starts a new line: live again at once, and the operator's pre-queue still draws places", async () => {
    const born: string[] = [];
    const room = roomWith(new MemoryQueueSettings(), born);
    const eventId = freshEvent();
    await room.updateSettings(eventId, { opensAt: Date.now() + 60_000, rate: 25 });
    const before = await room.join(eventId);
    expect([before.position, born]).toEqual([null, [eventId]]);

    await redis.flushall();
    const after = await room.join(eventId);
    // Drawn, not numbered: the settings were back before the join took its place.
    expect(after.position).toBeNull();
    expect(born).toEqual([eventId, eventId]);
    expect(await redis.smembers(ACTIVE_EVENTS_KEY)).toEqual([eventId]);
    expect(await room.settings(eventId)).toMatchObject({ rate: 25, paused: false });
    expect(await codeOf(room.status(before.token))).toBe("QUEUE_PLACE_LOST");
    expect(await codeOf(room.enter(before.token, "alice"))).toBe("QUEUE_PLACE_LOST");
    expect((await room.status(after.token)).status).toBe("waiting");
  });

  test("nobody is admitted from a line without its settings until the store answers; then the operator's pause holds", async () => {
    const { store, state } = flakyStore();
    const room = roomWith(store);
    const ticker = tickerOf(room);
    const eventId = freshEvent();
    await room.updateSettings(eventId, { rate: 100, paused: true });
    await redis.flushall();

    state.down = true;
    // A join does not wait for the store (it lets nobody in)…
    const joined = await room.join(eventId);
    expect(joined.status).toBe("waiting");
    // …but admission does: at the defaults this line would be let in now.
    await ticker.tick();
    await ticker.tick();
    expect((await room.stats(eventId)).admitted).toBe(0);

    state.down = false;
    await ticker.tick();
    expect(await room.settings(eventId)).toMatchObject({ rate: 100, paused: true });
    expect((await room.stats(eventId)).admitted).toBe(0);
    await room.updateSettings(eventId, { paused: false });
    clock += 1000;
    await ticker.tick();
    expect((await room.status(joined.token)).status).toBe("ready");
  });

  test("a line that is gone writes nothing back and is no longer ticked; one that is back stays", async () => {
    const { store, state } = flakyStore();
    const room = roomWith(store);
    const eventId = freshEvent();
    await room.join(eventId);
    await redis.flushall();
    await redis.sadd(ACTIVE_EVENTS_KEY, eventId);
    const reads = state.reads;
    const ticker = tickerOf(room);
    await ticker.tick();
    expect(await redis.exists(queueKeys(eventId).config)).toBe(0);
    expect(state.reads).toBe(reads);
    expect(await redis.sismember(ACTIVE_EVENTS_KEY, eventId)).toBe(0);
    expect(ticker.leading.has(eventId)).toBe(false);
    // A line born again just before it is forgotten stays live.
    await room.join(eventId);
    await room.forgetEvent(eventId);
    expect(await redis.sismember(ACTIVE_EVENTS_KEY, eventId)).toBe(1);
  });
});

describe("Redis never evicts the line's keys (noeviction): none of them lives for ever", () => {
  test("config, admitted, window and moves live as long as the line", async () => {
    const room = roomWith(new MemoryQueueSettings());
    const eventId = freshEvent();
    await room.updateSettings(eventId, { rate: 2 });
    for (let i = 0; i < 3; i++) await room.join(eventId);
    clock += 1000;
    expect((await room.admitTick(eventId)).admitted).toBe(2);
    const k = queueKeys(eventId);
    const lifetimes = await Promise.all(
      [k.seq, k.wait, k.heartbeat, k.tokens, k.config, k.admitted, k.window, k.moves].map((key) =>
        redis.pttl(key),
      ),
    );
    for (const ttl of lifetimes) expect(ttl).toBeGreaterThan(0);
  });
});

describe("partial losses", () => {
  test("a ticker puts back an event that the set of live events lost while its line survived", async () => {
    const room = roomWith(new MemoryQueueSettings());
    const ticker = tickerOf(room);
    const eventId = freshEvent();
    await room.updateSettings(eventId, { rate: 0 });
    for (let i = 0; i < 3; i++) await room.join(eventId);
    await ticker.tick();
    expect(ticker.leading.has(eventId)).toBe(true);

    await redis.del(ACTIVE_EVENTS_KEY);
    await ticker.tick();
    expect(await redis.smembers(ACTIVE_EVENTS_KEY)).toContain(eventId);
    await room.updateSettings(eventId, { rate: 100 });
    clock += 1000;
    await ticker.tick();
    expect((await room.stats(eventId)).admitted).toBe(3);
  });

  test("a waiter missing from the line (its record kept) is told the place was lost, not left waiting", async () => {
    const room = roomWith(new MemoryQueueSettings());
    const eventId = freshEvent();
    const { token } = await room.join(eventId);
    await redis.zrem(queueKeys(eventId).wait, token);
    expect(await codeOf(room.status(token))).toBe("QUEUE_PLACE_LOST");
  });

  test("a stale copy of the settings never overwrites a newer one", async () => {
    const memory = new MemoryQueueSettings();
    const eventId = freshEvent();
    const room = roomWith(memory);
    const stale = await memory.update(eventId, { rate: 1 });
    await room.updateSettings(eventId, { rate: 9 });
    const behind = roomWith({ get: async () => stale, update: (id, c) => memory.update(id, c) });
    expect(await behind.restoreSettings(eventId)).toBe(false);
    expect((await room.settings(eventId)).rate).toBe(9);
  });
});

describe("live sockets of a lost line", () => {
  test("are told QUEUE_PLACE_LOST and closed within one quiet wait, even when no move comes", async () => {
    const room = roomWith(new MemoryQueueSettings());
    const live = new LiveQueue(redis, room, log, new Metrics("gateway"), { quietWaitMs: 200 });
    const eventId = freshEvent();
    const { token } = await room.join(eventId);
    const frames: { type: string; code?: string }[] = [];
    const closed: number[] = [];
    const sink: FrameSink = {
      send: (json) => frames.push(JSON.parse(json)) > 0,
      close: (code) => closed.push(code),
    };
    expect(await live.watch(token, sink)).toBeDefined();
    await redis.flushall();
    await eventually(() => closed.length > 0, 3000);
    expect(closed).toEqual([1008]);
    expect(frames.at(-1)).toMatchObject({ type: "error", code: "QUEUE_PLACE_LOST" });
    expect(frames.map((f) => f.type)).not.toContain("ready");
    await live.close();
  });
});

describe("the settings cache", () => {
  const settings = (version: number, rate?: number): DurableQueueSettings => ({
    rate,
    paused: false,
    opensAt: null,
    version,
  });

  test("one read serves every caller at once, and the last read answers while the store is down", async () => {
    let now = 0;
    let reads = 0;
    let down = false;
    const cache = new CachedQueueSettings(
      {
        get: async () => {
          reads += 1;
          if (down) throw new AppError("UPSTREAM_UNAVAILABLE", "down");
          await Bun.sleep(5);
          return settings(reads, 7);
        },
        update: async () => settings(99),
      },
      1000,
      () => now,
    );
    const answers = await Promise.all([cache.get("e"), cache.get("e"), cache.get("e")]);
    expect([reads, answers.map((a) => a.version)]).toEqual([1, [1, 1, 1]]);
    now += 1001;
    down = true;
    expect((await cache.get("e")).rate).toBe(7);
    await expect(cache.get("other")).rejects.toThrow("down");
    // An update's answer is kept, and an older read never replaces it.
    down = false;
    expect((await cache.update("e", { rate: 1 })).version).toBe(99);
    now += 1001;
    expect((await cache.get("e")).version).toBe(99);
  });
});
