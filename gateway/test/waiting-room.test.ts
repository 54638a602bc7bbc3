import { describe, expect, test } from "bun:test";
import { type AppError, readReservationToken } from "@tt/kit";
import type Redis from "ioredis";
import { queueKeys } from "../src/adapters/queue/keys.ts";
import { WaitingRoom, type WaitingRoomOptions } from "../src/adapters/queue/waiting-room.redis.ts";
import { clientCommands, codeOf, redisForFile, testRoomOptions } from "./support.ts";

let redis: Redis;
let clock = 1_700_000_000_000;
let eventCounter = 0;

const options: WaitingRoomOptions = { ...testRoomOptions, now: () => clock };

// Each test gets its own event, so tests never see each other's lines.
const freshEvent = () => `evt_test_${++eventCounter}_${Math.random().toString(36).slice(2, 8)}`;
const room = () => new WaitingRoom(redis, options);

redisForFile((client) => {
  redis = client;
});

describe("joining the waiting room", () => {
  test("1,000 concurrent joins get 1,000 distinct, consecutive places", async () => {
    const wr = room();
    const eventId = freshEvent();
    const joins = await Promise.all(Array.from({ length: 1000 }, () => wr.join(eventId)));
    expect(new Set(joins.map((j) => j.token)).size).toBe(1000);
    const positions = joins.map((j) => j.position ?? 0).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(joins.every((j) => j.status === "waiting" && j.isNew)).toBe(true);
  });

  test("joining again with the same idempotency key returns the same token, not a second place", async () => {
    const wr = room();
    const eventId = freshEvent();
    const key = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => wr.join(eventId, { idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect((await wr.stats(eventId)).waiting).toBe(1);
  });

  test("a signed-in user holds one place per event however they join", async () => {
    const wr = room();
    const eventId = freshEvent();
    const first = await wr.join(eventId, { userId: "alice" });
    const again = await wr.join(eventId, { userId: "alice", idempotencyKey: crypto.randomUUID() });
    const other = await wr.join(eventId, { userId: "bob" });
    expect(again.token).toBe(first.token);
    expect(other.token).not.toBe(first.token);
    expect(other.position).toBe(2);
  });

  test("a user whose place was left or expired gets a new place on joining again, not the dead one", async () => {
    const wr = room();
    const eventId = freshEvent();
    const first = await wr.join(eventId, { userId: "carol" });
    await wr.leave(first.token);
    const again = await wr.join(eventId, { userId: "carol" });
    expect(again.token).not.toBe(first.token);
    expect([again.status, again.isNew]).toEqual(["waiting", true]);
    // The new place is the one kept: a third join returns it.
    expect((await wr.join(eventId, { userId: "carol" })).token).toBe(again.token);
  });
});

describe("joins and status calls made together", () => {
  test("share one script call per event, and each still gets its own place", async () => {
    const wr = room();
    const [a, b] = [freshEvent(), freshEvent()];
    await Promise.all([wr.join(a), wr.join(b)]); // scripts loaded, events known
    let joins: Array<{ eventId: string; position: number | null }> = [];
    const commands = await clientCommands(redis, async () => {
      joins = await Promise.all(
        // 12 per event: within one batch (at most 16).
        Array.from({ length: 24 }, async (_, i) => {
          const eventId = i % 2 ? a : b;
          return { eventId, position: (await wr.join(eventId)).position };
        }),
      );
    });
    expect(commands.filter((c) => c.startsWith("eval"))).toHaveLength(2);
    for (const eventId of [a, b]) {
      const places = joins.filter((j) => j.eventId === eventId).map((j) => j.position);
      expect(places).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    }
  });

  test("a key or user repeated within one batch keeps one place", async () => {
    const wr = room();
    const eventId = freshEvent();
    const key = crypto.randomUUID();
    const [first, sameKey, carol, sameUser, dave] = await Promise.all([
      wr.join(eventId, { idempotencyKey: key }),
      wr.join(eventId, { idempotencyKey: key }),
      wr.join(eventId, { userId: "carol" }),
      wr.join(eventId, { userId: "carol", idempotencyKey: crypto.randomUUID() }),
      wr.join(eventId, { userId: "dave" }),
    ]);
    expect(sameKey.token).toBe(first.token);
    expect(sameUser.token).toBe(carol.token);
    expect([first.isNew, sameKey.isNew, carol.isNew, sameUser.isNew, dave.isNew]).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
    expect([first.position, sameKey.position, carol.position, sameUser.position, dave.position]).toEqual([
      1, 1, 2, 2, 3,
    ]);
    expect((await wr.stats(eventId)).waiting).toBe(3);
  });

  test("a rate-limited caller in a batch is refused without costing the others their places", async () => {
    const wr = new WaitingRoom(redis, { ...options, rateLimit: { perSec: 1, burst: 2 } });
    const eventId = freshEvent();
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => wr.join(eventId, {}, { ip: "10.0.0.1" })),
      wr.join(eventId, {}, { ip: "10.0.0.2" }),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.position : r.reason.code))).toEqual([
      1,
      2,
      "RATE_LIMITED",
      "RATE_LIMITED",
      3,
    ]);
  });

  test("status calls made together each get their own answer", async () => {
    const wr = room();
    const eventId = freshEvent();
    const waiters = [];
    for (let i = 0; i < 5; i++) waiters.push(await wr.join(eventId));
    const unknown = `${eventId}.${"A".repeat(22)}`;
    const answers = await Promise.allSettled([...waiters.map((w) => wr.status(w.token)), wr.status(unknown)]);
    expect(
      answers.map((a) =>
        a.status === "fulfilled" ? [a.value.status, a.value.position] : (a.reason as AppError).code,
      ),
    ).toEqual([
      ["waiting", 1],
      ["waiting", 2],
      ["waiting", 3],
      ["waiting", 4],
      ["waiting", 5],
      "QUEUE_PLACE_LOST",
    ]);
  });
});

describe("position and admission", () => {
  test("positions strictly decrease as admissions happen, and the ETA follows the rate", async () => {
    const wr = room();
    const eventId = freshEvent();
    const tokens = [];
    for (let i = 0; i < 30; i++) tokens.push((await wr.join(eventId)).token);
    const last = tokens[29] ?? "";
    let previous = (await wr.status(last)).position;
    expect(previous).toBe(30);
    for (let tick = 0; tick < 3; tick++) {
      clock += 1000;
      const result = await wr.admitTick(eventId);
      expect(result.admitted).toBe(10);
      const now = await wr.status(last);
      if (now.status === "waiting" && now.position !== null && previous !== null) {
        expect(now.position).toBeLessThan(previous);
        expect(now.etaSec).toBe(Math.ceil(now.position / now.ratePerSec));
        previous = now.position;
      }
    }
    expect((await wr.status(last)).status).toBe("ready");
    expect((await wr.status(tokens[0] ?? "")).status).toBe("ready");
  });

  test("admission never exceeds the cap on admitted-but-unfinished buyers, and pausing stops it", async () => {
    const wr = room();
    const eventId = freshEvent();
    await wr.updateSettings(eventId, { rate: 100, cap: 5 });
    for (let i = 0; i < 20; i++) await wr.join(eventId);
    clock += 1000;
    expect((await wr.admitTick(eventId)).admitted).toBe(5);
    clock += 1000;
    expect((await wr.admitTick(eventId)).admitted).toBe(0);

    await wr.updateSettings(eventId, { cap: 50, paused: true });
    clock += 1000;
    expect((await wr.admitTick(eventId)).admitted).toBe(0);
    await wr.updateSettings(eventId, { paused: false });
    clock += 1000;
    expect((await wr.admitTick(eventId)).admitted).toBe(15);
  });

  test("abandoned places are dropped and skipped, so they never stall admission", async () => {
    const wr = room();
    const eventId = freshEvent();
    await wr.updateSettings(eventId, { rate: 1 });
    const quiet = await wr.join(eventId);
    clock += 200_000;
    const alive = await wr.join(eventId);
    clock += 150_000; // quiet: 350 s without a heartbeat; alive: 150 s
    const tick = await wr.admitTick(eventId);
    expect(tick.dropped).toBe(1);
    expect(tick.admitted).toBe(1);
    expect((await wr.status(quiet.token)).status).toBe("expired");
    expect((await wr.status(alive.token)).status).toBe("ready");
  });

  test("one tick gives thousands of newcomers their first heartbeat, so all of them can be dropped", async () => {
    const wr = room();
    const eventId = freshEvent();
    await wr.updateSettings(eventId, { rate: 0 });
    await Promise.all(Array.from({ length: 4500 }, () => wr.join(eventId)));
    expect((await wr.admitTick(eventId)).dropped).toBe(0);
    // The heartbeat set the tick created lives as long as the line, not forever.
    expect(await redis.pttl(queueKeys(eventId).heartbeat)).toBeGreaterThan(0);
    clock += 301_000;
    expect((await wr.admitTick(eventId)).dropped).toBe(4500);
  });

  test("a status call counts even before the ticker has seen the waiter", async () => {
    // The ticker gives newcomers their first heartbeat (their join time); a status call made
    // while no ticker ran must not be overwritten by that older time.
    const wr = room();
    const eventId = freshEvent();
    await wr.updateSettings(eventId, { rate: 0 });
    const waiter = await wr.join(eventId);
    clock += 200_000;
    await wr.status(waiter.token);
    clock += 200_000; // 400 s since joining, 200 s since the status call
    expect((await wr.admitTick(eventId)).dropped).toBe(0);
    expect((await wr.status(waiter.token)).status).toBe("waiting");
  });

  test("a status call is a heartbeat that keeps a waiter in line", async () => {
    const wr = room();
    const eventId = freshEvent();
    await wr.updateSettings(eventId, { rate: 0 });
    const waiter = await wr.join(eventId);
    for (let i = 0; i < 3; i++) {
      clock += 200_000;
      await wr.status(waiter.token);
      await wr.admitTick(eventId);
    }
    expect((await wr.status(waiter.token)).status).toBe("waiting");
  });

  test("leaving frees the place and everyone behind moves up", async () => {
    const wr = room();
    const eventId = freshEvent();
    const a = await wr.join(eventId);
    const b = await wr.join(eventId);
    await wr.leave(a.token);
    await wr.leave(a.token);
    expect((await wr.status(a.token)).status).toBe("left");
    expect((await wr.status(b.token)).position).toBe(1);
  });
});

describe("entering and reservation tokens", () => {
  async function admittedToken(wr: WaitingRoom, eventId: string, userId?: string) {
    const joined = await wr.join(eventId, userId ? { userId } : {});
    clock += 1000;
    await wr.admitTick(eventId);
    return joined.token;
  }

  test("enter before admission is NOT_READY", async () => {
    const wr = room();
    const eventId = freshEvent();
    await wr.updateSettings(eventId, { rate: 0 });
    const { token } = await wr.join(eventId);
    expect(await codeOf(wr.enter(token, "alice"))).toBe("NOT_READY");
  });

  test("enter hands out a signed reservation token for this user and event, valid 30 s", async () => {
    const wr = room();
    const eventId = freshEvent();
    const token = await admittedToken(wr, eventId);
    const { reservationToken, ttlSec } = await wr.enter(token, "alice");
    expect(ttlSec).toBe(30);
    const grant = readReservationToken(reservationToken, testRoomOptions.reservationTokenSecret);
    expect(grant).toMatchObject({ userId: "alice", eventId, exp: Math.floor(clock / 1000) + 30 });
    // Forged: the signature is checked (single use and expiry are the reservation service's).
    const [v, payload] = reservationToken.split(".");
    expect(
      readReservationToken(`${v}.${payload}.AAAA`, testRoomOptions.reservationTokenSecret),
    ).toBeUndefined();
  });

  test("a place joined by one user cannot be entered by another", async () => {
    const wr = room();
    const eventId = freshEvent();
    const token = await admittedToken(wr, eventId, "alice");
    expect(await codeOf(wr.enter(token, "bob"))).toBe("FORBIDDEN");
  });

  test('a user id holding "|" (an Auth0-style subject) joins, is admitted, enters and leaves like any other', async () => {
    const wr = room();
    const eventId = freshEvent();
    const user = "auth0|6543|x";
    const token = await admittedToken(wr, eventId, user);
    expect((await wr.join(eventId, { userId: user })).token).toBe(token);
    expect((await wr.status(token)).status).toBe("ready");
    expect(await codeOf(wr.enter(token, "auth0|6543"))).toBe("FORBIDDEN");
    const { reservationToken } = await wr.enter(token, user);
    expect(readReservationToken(reservationToken, testRoomOptions.reservationTokenSecret)?.userId).toBe(user);
    await wr.leave(token);
    expect((await wr.status(token)).status).toBe("left");
  });

  test("an anonymous place is bound to whoever enters it first", async () => {
    const wr = room();
    const eventId = freshEvent();
    const token = await admittedToken(wr, eventId);
    await wr.enter(token, "auth0|first");
    expect(await codeOf(wr.enter(token, "auth0|second"))).toBe("FORBIDDEN");
    expect((await wr.enter(token, "auth0|first")).ttlSec).toBe(30);
  });

  test("a malformed waiting token is a validation error", async () => {
    expect(await codeOf(room().status("not-a-token"))).toBe("VALIDATION_FAILED");
  });
});
