// One admission, one purchase, in the waiting room on a real Redis: enter hands out one live
// reservation token at a time, and anonymous places are capped per client address.
import { describe, expect, test } from "bun:test";
import { type AppError, createLogger } from "@tt/kit";
import type Redis from "ioredis";
import { EntryPasses } from "../src/adapters/queue/entry-passes.redis.ts";
import { currentPassKey } from "../src/adapters/queue/keys.ts";
import { WaitingRoom, type WaitingRoomOptions } from "../src/adapters/queue/waiting-room.redis.ts";
import { codeOf, redisForFile, testRoomOptions } from "./support.ts";

let redis: Redis;
let clock = 1_700_000_000_000;
let events = 0;
const freshEvent = () => `evt_once_${++events}_${Math.random().toString(36).slice(2, 8)}`;
const options: WaitingRoomOptions = { ...testRoomOptions, now: () => clock };
const quiet = createLogger("test", "error", () => undefined);

/** A place for `userId`, admitted. */
async function admittedPlace(wr: WaitingRoom, eventId: string, userId: string) {
  const { token } = await wr.join(eventId, { userId });
  await wr.admitTick(eventId);
  return token;
}

redisForFile((client) => {
  redis = client;
});

describe("one live reservation token per buyer", () => {
  test("each enter replaces the buyer's previous token; the latest is current", async () => {
    const wr = new WaitingRoom(redis, options);
    const passes = new EntryPasses(redis, options.reservationTokenSecret, quiet);
    const eventId = freshEvent();
    const place = await admittedPlace(wr, eventId, "ann");
    const first = await wr.enter(place, "ann");
    const second = await wr.enter(place, "ann");
    expect(await passes.superseded(eventId, "ann", first.reservationToken)).toBe(true);
    expect(await passes.superseded(eventId, "ann", second.reservationToken)).toBe(false);
    // Entering again is never refused: a third token replaces the second.
    const third = await wr.enter(place, "ann");
    expect(await passes.superseded(eventId, "ann", second.reservationToken)).toBe(true);
    expect(await passes.superseded(eventId, "ann", third.reservationToken)).toBe(false);
  });

  test("buyers and events are independent, and the record lives as long as the token", async () => {
    const wr = new WaitingRoom(redis, options);
    const passes = new EntryPasses(redis, options.reservationTokenSecret, quiet);
    const [e1, e2] = [freshEvent(), freshEvent()];
    const ann1 = await wr.enter(await admittedPlace(wr, e1, "ann"), "ann");
    const bob1 = await wr.enter(await admittedPlace(wr, e1, "bob"), "bob");
    await wr.enter(await admittedPlace(wr, e2, "ann"), "ann");
    expect(await passes.superseded(e1, "ann", ann1.reservationToken)).toBe(false);
    expect(await passes.superseded(e1, "bob", bob1.reservationToken)).toBe(false);
    const ttl = await redis.pttl(currentPassKey(e1, "ann"));
    expect(ttl).toBeGreaterThan(30_000);
    expect(ttl).toBeLessThanOrEqual(35_000);
  });

  test("with no record (Redis lost it, or cannot answer) a genuine token counts as current", async () => {
    const wr = new WaitingRoom(redis, options);
    const eventId = freshEvent();
    const place = await admittedPlace(wr, eventId, "cid");
    const first = await wr.enter(place, "cid");
    await wr.enter(place, "cid");
    await redis.del(currentPassKey(eventId, "cid"));
    const passes = new EntryPasses(redis, options.reservationTokenSecret, quiet);
    expect(await passes.superseded(eventId, "cid", first.reservationToken)).toBe(false);
    const down = { get: async () => Promise.reject(new Error("connection refused")) };
    await wr.enter(place, "cid");
    expect(
      await new EntryPasses(down, options.reservationTokenSecret, quiet).superseded(
        eventId,
        "cid",
        first.reservationToken,
      ),
    ).toBe(false);
    // Someone else's or a forged token is not judged here (reservation refuses it with its reason).
    expect(await passes.superseded(eventId, "dee", first.reservationToken)).toBe(false);
    expect(await passes.superseded(eventId, "cid", "forged.token")).toBe(false);
  });
});

describe("anonymous places per client address", () => {
  const limited: WaitingRoomOptions = {
    ...options,
    rateLimit: { perSec: 1000, burst: 1000 },
    maxPlacesPerClient: 2,
  };

  test("past the cap an anonymous join is QUEUE_CLIENT_LIMIT; other addresses and signed-in buyers are not", async () => {
    const wr = new WaitingRoom(redis, limited);
    const eventId = freshEvent();
    const from = (ip: string) => ({ ip });
    const answers = await Promise.allSettled([
      wr.join(eventId, {}, from("10.1.0.1")),
      wr.join(eventId, {}, from("10.1.0.1")),
      wr.join(eventId, {}, from("10.1.0.1")),
    ]);
    expect(answers.map((a) => (a.status === "fulfilled" ? "place" : (a.reason as AppError).code))).toEqual([
      "place",
      "place",
      "QUEUE_CLIENT_LIMIT",
    ]);
    expect((await wr.stats(eventId)).waiting).toBe(2);
    expect((await wr.join(eventId, {}, from("10.1.0.2"))).isNew).toBe(true);
    expect((await wr.join(eventId, { userId: "eve" }, from("10.1.0.1"))).isNew).toBe(true);
    // A repeat of a join (same Idempotency-Key) gets its own place back, cap or not.
    const key = crypto.randomUUID();
    const third = wr.join(eventId, { idempotencyKey: key }, from("10.1.0.3"));
    const token = (await third).token;
    await wr.join(eventId, {}, from("10.1.0.3"));
    expect((await wr.join(eventId, { idempotencyKey: key }, from("10.1.0.3"))).token).toBe(token);
  });

  test("a place that ended frees its slot: left, or admitted and then bound to a buyer by enter", async () => {
    const wr = new WaitingRoom(redis, limited);
    const eventId = freshEvent();
    const ip = { ip: "10.2.0.1" };
    const a = await wr.join(eventId, {}, ip);
    const b = await wr.join(eventId, {}, ip);
    expect(await codeOf(wr.join(eventId, {}, ip))).toBe("QUEUE_CLIENT_LIMIT");
    await wr.leave(a.token);
    const c = await wr.join(eventId, {}, ip);
    expect(c.isNew).toBe(true);
    // Admitted but unused, a place still counts; entered, it is its buyer's.
    await wr.admitTick(eventId);
    expect(await codeOf(wr.join(eventId, {}, ip))).toBe("QUEUE_CLIENT_LIMIT");
    await wr.enter(b.token, "fay");
    expect((await wr.join(eventId, {}, ip)).isNew).toBe(true);
  });

  test("an admitted place nobody used stops counting when its admission lapses", async () => {
    const wr = new WaitingRoom(redis, limited);
    const eventId = freshEvent();
    const ip = { ip: "10.3.0.1" };
    await wr.join(eventId, {}, ip);
    await wr.join(eventId, {}, ip);
    await wr.admitTick(eventId);
    expect(await codeOf(wr.join(eventId, {}, ip))).toBe("QUEUE_CLIENT_LIMIT");
    clock += limited.admittedTtlMs + 1;
    expect((await wr.join(eventId, {}, ip)).isNew).toBe(true);
  });

  test("no cap with rate limiting off (the benches) or a cap of 0", async () => {
    for (const opts of [
      { ...options, maxPlacesPerClient: 2 },
      { ...limited, maxPlacesPerClient: 0 },
    ]) {
      const wr = new WaitingRoom(redis, opts);
      const eventId = freshEvent();
      const joins = await Promise.all(
        Array.from({ length: 5 }, () => wr.join(eventId, {}, { ip: "10.4.0.1" })),
      );
      expect(joins.every((j) => j.isNew)).toBe(true);
    }
  });
});
