// Redis loses its data mid-sale (issue #17, part 5): first as FLUSHALL (a failover to an empty
// replica, all at once), then as a real redis-server killed and restarted without its data. The
// whole platform runs from its main.ts files, as in api.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join as pathJoin } from "node:path";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import Redis from "ioredis";
import { ADMIN, apiClient, createOnSaleEvent, startApiPlatform } from "./platform.ts";

let stack: LocalStack;
let base: string;
let redis: Redis;
const admin = () => apiClient(base, ADMIN);
const run = Date.now().toString(36);

beforeAll(async () => {
  // The production tick (the API tests' 50 ms would flatter "within 2 s").
  stack = await startApiPlatform(60, { base: 16000, env: { QUEUE_TICK_MS: "250" } });
  base = stack.urls.gateway;
  redis = new Redis(stack.urls.redis);
  // The restart test kills this Redis on purpose.
  redis.on("error", () => undefined);
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

const SECTIONS = [{ section_id: "A", name: "Floor", price: 100000, rows: 2, seats_per_row: 10 }];

/** A signed-in buyer (bypass token naming the user). */
const buyer =
  (userId: string): Buyer =>
  (method, path, body, extra) =>
    apiClient(base, { authorization: "Bearer load-test-bypass-token", "x-user-id": userId })(
      method,
      path,
      body,
      extra,
    );
type Buyer = ReturnType<typeof apiClient>;

async function join(b: Buyer, eventId: string): Promise<string> {
  const joined = await b("POST", "/api/v1/queue/join", { event_id: eventId });
  expect(joined.status).toBe(202);
  return joined.body.waiting_token;
}

const status = (b: Buyer, token: string) =>
  b("GET", `/api/v1/queue/status?token=${encodeURIComponent(token)}`);

/** Milliseconds from `since` until the token is admitted (fails after `timeoutMs`). */
async function admittedAfter(b: Buyer, token: string, since: number, timeoutMs = 5000): Promise<number> {
  await eventually(async () => (await status(b, token)).body.ready_for_entry === true, timeoutMs, 20);
  return Date.now() - since;
}

/** A WebSocket following a waiting token, recording every frame and the close. */
async function follow(token: string) {
  const frames: { type: string; code?: string; message?: string }[] = [];
  const closed = Promise.withResolvers<number>();
  const ws = new WebSocket(
    `${base.replace("http", "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`,
  );
  ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)));
  ws.onclose = (e) => closed.resolve(e.code);
  await eventually(() => frames.length > 0);
  return { ws, frames, closed: closed.promise };
}

/** The place-lost answer: 410, the catalogue code, and a message that says to join again. */
function expectPlaceLost(res: { status: number; body: { error?: { code: string; message: string } } }) {
  expect([res.status, res.body.error?.code]).toEqual([410, "QUEUE_PLACE_LOST"]);
  expect(res.body.error?.message).toMatch(/join .*again/i);
}

/** The admin's view of an event's queue settings. */
async function settingsOf(eventId: string) {
  const view = await admin()("GET", `/api/v1/admin/events/${eventId}/queue`);
  expect(view.status).toBe(200);
  return { rate: view.body.rate, cap: view.body.cap, paused: view.body.paused };
}

describe("Redis loses every key (FLUSHALL: a failover to an empty replica)", () => {
  const steered = `evt_loss_a_${run}`;
  const paused = `evt_loss_b_${run}`;
  const people = Array.from({ length: 4 }, (_, i) => buyer(`loss-${run}-${i}`));
  const tokens: string[] = [];
  let reservationToken = "";
  let socket: Awaited<ReturnType<typeof follow>>;
  const newcomers: string[] = [];
  let rejoined = "";

  beforeAll(async () => {
    expect(await createOnSaleEvent(base, steered, "Loss night A", SECTIONS)).toBe(201);
    expect(await createOnSaleEvent(base, paused, "Loss night B", SECTIONS)).toBe(201);
    // The operator steers both events: A admits 5/s with at most 2 buyers in, B is paused at 7/s.
    const changed = await admin()("PATCH", `/api/v1/admin/events/${steered}/queue`, { rate: 5, cap: 2 });
    expect(changed.body).toMatchObject({ rate: 5, cap: 2, paused: false });
    await admin()("PATCH", `/api/v1/admin/events/${paused}/queue`, { rate: 7 });
    expect((await admin()("POST", `/api/v1/admin/events/${paused}/queue/pause`)).body.paused).toBe(true);

    // Four buyers line up for A: the first two are admitted (the cap), the last two wait.
    for (const b of people) tokens.push(await join(b, steered));
    await admittedAfter(people[1] as Buyer, tokens[1] as string, Date.now());
    expect((await status(people[2] as Buyer, tokens[2] as string)).body).toMatchObject({
      status: "waiting",
      position: 1,
    });
    const entered = await (people[0] as Buyer)("POST", "/api/v1/queue/enter", { waiting_token: tokens[0] });
    expect(entered.status).toBe(200);
    reservationToken = entered.body.reservation_token;
    // The third buyer follows the line live (arrival number 3).
    socket = await follow(tokens[2] as string);
    expect(socket.frames[0]).toMatchObject({ type: "position", position: 1 });

    await redis.flushall();
  }, 60_000);

  test("a new join is admitted within 2 s, and so is one a few seconds later", async () => {
    const newcomer = buyer(`loss-${run}-new1`);
    const since = Date.now();
    const token = await join(newcomer, steered);
    newcomers.push(token);
    expect(await admittedAfter(newcomer, token, since)).toBeLessThan(2000);

    // Once the tickers have re-read the list of live events, too.
    await Bun.sleep(2500);
    const later = buyer(`loss-${run}-new2`);
    const laterSince = Date.now();
    const laterToken = await join(later, steered);
    newcomers.push(laterToken);
    expect(await admittedAfter(later, laterToken, laterSince)).toBeLessThan(2000);
  }, 20_000);

  test("the operator's settings are the ones set before the loss, not the defaults", async () => {
    expect(await settingsOf(steered)).toEqual({ rate: 5, cap: 2, paused: false });
    expect(await settingsOf(paused)).toEqual({ rate: 7, cap: 1000, paused: true });
    // Paused stays paused: a new join to B waits.
    const waiter = buyer(`loss-${run}-b`);
    const token = await join(waiter, paused);
    await Bun.sleep(600);
    expect((await status(waiter, token)).body).toMatchObject({ status: "waiting", position: 1 });
  }, 10_000);

  test("places from before the loss fail closed: 410 QUEUE_PLACE_LOST on status and enter", async () => {
    // Waiting and admitted places alike, never "admitted" by accident.
    for (const i of [0, 1, 3]) expectPlaceLost(await status(people[i] as Buyer, tokens[i] as string));
    for (const i of [0, 1])
      expectPlaceLost(
        await (people[i] as Buyer)("POST", "/api/v1/queue/enter", { waiting_token: tokens[i] }),
      );
    // Joining again gives a new place (the third of the new line: the cap holds it back).
    rejoined = await join(people[3] as Buyer, steered);
    expect(rejoined).not.toBe(tokens[3]);
    expect((await status(people[3] as Buyer, rejoined)).body).toMatchObject({
      status: "waiting",
      position: 1,
    });
  }, 10_000);

  test("a live socket of a lost place gets an error frame, then is closed, and is never told ready", async () => {
    // The new line hands out the arrival numbers the lost places had: the first newcomer leaves,
    // which lets the rejoined buyer in — arrival number 3, the number the socket's lost place had.
    await apiClient(base)(
      "DELETE",
      `/api/v1/queue/leave?token=${encodeURIComponent(newcomers[0] as string)}`,
    );
    await admittedAfter(people[3] as Buyer, rejoined, Date.now());
    await Bun.sleep(300);
    expect(socket.frames.map((f) => f.type)).not.toContain("ready");
    expect(await socket.closed).toBe(1008);
    expect(socket.frames.map((f) => f.type)).not.toContain("ready");
    expect(socket.frames.at(-1)).toMatchObject({ type: "error", code: "QUEUE_PLACE_LOST" });
    expect(socket.frames.at(-1)?.message).toMatch(/join .*again/i);
    // A socket opened afterwards with a lost token is told the same at once.
    const late = await follow(tokens[3] as string);
    expect(await late.closed).toBe(1008);
    expect(late.frames).toEqual([
      expect.objectContaining({ type: "error", code: "QUEUE_PLACE_LOST" }) as never,
    ]);
  }, 15_000);

  test("a reservation token issued before the loss still buys its one reservation (it lives in DynamoDB)", async () => {
    const held = await (people[0] as Buyer)(
      "POST",
      "/api/v1/reservations",
      { event_id: steered, seat_ids: ["A-1-1"], reservation_token: reservationToken },
      { "idempotency-key": crypto.randomUUID() },
    );
    expect(held.status).toBe(201);
  }, 10_000);
});

describe("the real redis-server restarts without its data", () => {
  const eventId = `evt_loss_c_${run}`;

  test("new joins are admitted within 2 s of Redis answering, old places are refused, settings survive", async () => {
    expect(await createOnSaleEvent(base, eventId, "Loss night C", SECTIONS)).toBe(201);
    await admin()("PATCH", `/api/v1/admin/events/${eventId}/queue`, { rate: 20, cap: 30 });
    const before = buyer(`restart-${run}-0`);
    const oldToken = await join(before, eventId);
    await admittedAfter(before, oldToken, Date.now());

    // Kill -9 the launcher's redis-server and take its append-only file away before the launcher
    // starts it again (0.5 s later): it comes back empty.
    const [, dir] = (await redis.config("GET", "dir")) as [string, string];
    const pid = stack.pidOf("redis") as number;
    process.kill(pid, "SIGKILL");
    await eventually(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      5000,
      5,
    );
    for (const entry of existsSync(dir) ? readdirSync(dir) : [])
      rmSync(pathJoin(dir, entry), { recursive: true });
    await eventually(() => (stack.pidOf("redis") ?? pid) !== pid, 10_000, 20);
    await eventually(async () => (await redis.ping().catch(() => "")) === "PONG", 10_000, 20);
    expect(await redis.exists(`tt:q:{${eventId}}:tok`)).toBe(0);

    const after = buyer(`restart-${run}-1`);
    const since = Date.now();
    // The gateway's connections may still be reconnecting: its first answers can be a 503.
    let token = "";
    await eventually(
      async () => {
        const joined = await after("POST", "/api/v1/queue/join", { event_id: eventId });
        token = joined.body?.waiting_token ?? "";
        return joined.status === 202;
      },
      5000,
      20,
    );
    expect(await admittedAfter(after, token, since)).toBeLessThan(2000);
    expectPlaceLost(await status(before, oldToken));
    expect(await settingsOf(eventId)).toEqual({ rate: 20, cap: 30, paused: false });
  }, 30_000);
});
