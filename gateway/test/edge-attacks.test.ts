// Black-box attacks on the gateway's edge (#18 part 4) that need no service behind it: each is
// refused in the standard body, and each refusal leaves nothing behind — no place, no socket, no
// lookup, no cache entry. The API tests (api/api.test.ts) cover the same edges on the platform.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRedis } from "@tt/kit";
import { eventually, startTestRedis, type TestRedis } from "@tt/kit/testing";
import type Redis from "ioredis";
import { AvailabilityCache } from "../src/adapters/upstream/availability-cache.ts";
import { CachedEventDirectory } from "../src/adapters/upstream/event-directory.connect.ts";
import { type EdgeGateway, startEdgeGateway, upgradeHeaders } from "./edge-support.ts";

const REAL_EVENT = "evt_attack_real";
let server: TestRedis;
let redis: Redis;
let gw: EdgeGateway;
// What inventory was asked, by event id (the directory behind the join route).
const lookups: string[] = [];
let ipCounter = 0;
const freshIp = () => `10.9.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

beforeAll(async () => {
  server = await startTestRedis();
  redis = createRedis(server.url);
  const events = new CachedEventDirectory(async (id) => {
    lookups.push(id);
    return id === REAL_EVENT;
  });
  gw = await startEdgeGateway(
    server.url,
    {
      TRUST_PROXY: "true",
      RATE_LIMIT_PER_SEC: "1",
      RATE_LIMIT_BURST: "3",
      WS_UPGRADE_RATE_PER_SEC: "1",
      WS_UPGRADE_BURST: "3",
      WS_MAX_PER_TOKEN: "0",
      WS_MAX_PER_CLIENT: "0",
      QUEUE_TICKER_ENABLED: "false",
    },
    undefined,
    undefined,
    events,
  );
});

afterAll(async () => {
  await gw?.stop();
  redis?.disconnect();
  await server?.stop();
});

const json = { "content-type": "application/json" };
const buyer = { authorization: "Bearer load-test-bypass-token", "x-user-id": "mallory" };
const admin = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };

async function expectRefusal(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  const body = (await res.json()) as { error: { code: string; message: string; trace_id: string } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.trace_id).toBe("string");
}

const join = (eventId: string, ip: string) =>
  fetch(`${gw.url}/api/v1/queue/join`, {
    method: "POST",
    headers: { ...json, "x-forwarded-for": ip },
    body: JSON.stringify({ event_id: eventId }),
  });

/** A WebSocket upgrade by hand (the address in X-Forwarded-For); `abort` closes an opened socket. */
const upgrade = async (token: string, ip: string) => {
  const abort = new AbortController();
  const res = await fetch(`${gw.url}/api/v1/queue/ws?token=${encodeURIComponent(token)}`, {
    signal: abort.signal,
    headers: upgradeHeaders({ "x-forwarded-for": ip }),
  });
  return Object.assign(res, { abort });
};

/** A WebSocket from `ip`, once open. */
const openSocket = (token: string, ip: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const url = `${gw.url.replace("http", "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`;
    // Bun's WebSocket takes headers: the address the gateway trusts through the proxy header.
    const ws = new WebSocket(url, { headers: { "x-forwarded-for": ip } } as unknown as string[]);
    ws.onopen = () => resolve(ws);
    ws.onclose = () => reject(new Error("socket closed before it opened"));
  });

const openSockets = async () =>
  Number(
    (await (await fetch(`${gw.url}/metrics`)).text()).match(
      /^websocket_connections(?:\{[^}]*\})? (\d+)/m,
    )?.[1] ?? 0,
  );

describe("made-up event ids", () => {
  test("a flood of unknown events is rate-limited before inventory is asked, and leaves no line behind", async () => {
    // The real event is known once a join of anyone's has found it.
    expect((await join(REAL_EVENT, freshIp())).status).toBe(202);
    const ip = freshIp();
    const before = lookups.length;
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await join(`evt_made_up_${i}`, ip));
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 429, 429, 429, 429, 429, 429, 429]);
    await expectRefusal(answers[3] as Response, 429, "RATE_LIMITED");
    expect(answers[3]?.headers.get("retry-after")).toBeTruthy();
    // Only the three let through reached inventory.
    expect(lookups.length - before).toBe(3);
    expect(await redis.keys("*evt_made_up*")).toEqual([]);
    // A known event costs no lookup and no token of the general limit.
    expect((await join(REAL_EVENT, ip)).status).toBe(202);
    expect((await join(REAL_EVENT, freshIp())).status).toBe(202);
    expect(lookups.filter((id) => id === REAL_EVENT)).toHaveLength(1);
  });

  test("the event directory holds a bounded number of unknown ids, and a real event is never pushed out", async () => {
    const asked: string[] = [];
    const dir = new CachedEventDirectory(
      async (id) => {
        asked.push(id);
        return id === REAL_EVENT;
      },
      undefined,
      undefined,
      { known: 10, unknown: 100 },
    );
    expect(await dir.exists(REAL_EVENT)).toBe(true);
    for (let i = 0; i < 5000; i++) expect(await dir.exists(`evt_random_${i}`)).toBe(false);
    expect(dir.size).toEqual({ known: 1, unknown: 100 });
    expect(await dir.exists(REAL_EVENT)).toBe(true);
    expect(asked.filter((id) => id === REAL_EVENT)).toHaveLength(1);
  });

  test("the availability cache stays bounded, and the hot event stays cached through a flood of ids", async () => {
    let hotFetches = 0;
    const cache = new AvailabilityCache<string>(
      async (id) => {
        if (id === REAL_EVENT) hotFetches++;
        if (id.startsWith("evt_unknown")) throw new Error("EVENT_NOT_FOUND");
        return id;
      },
      60_000,
      Date.now,
      10,
    );
    await cache.get(REAL_EVENT);
    for (let i = 0; i < 2000; i++) {
      await cache.get(`evt_unknown_${i}`).catch(() => undefined);
      if (i % 7 === 0) await cache.get(`evt_other_${i}`);
      if (i % 5 === 0) await cache.get(REAL_EVENT);
    }
    expect(cache.size).toBeLessThanOrEqual(10);
    // Read every 5th step among 2,000 ids, it was pushed out only by the bound, a few times.
    expect(hotFetches).toBeLessThan(60);
  });
});

describe("the live queue's upgrades", () => {
  test("upgrades past the per-address rate are 429 with Retry-After, and open no socket", async () => {
    const joined = (await (await join(REAL_EVENT, freshIp())).json()) as { waiting_token: string };
    const ip = freshIp();
    const before = await openSockets();
    // Three real sockets (a fetch's upgraded socket is not kept open), each from `ip`.
    const held = await Promise.all([0, 1, 2].map(() => openSocket(joined.waiting_token, ip)));
    // A socket counts once its watch is set up, a moment after the upgrade answered.
    await eventually(async () => (await openSockets()) === before + 3);
    const refused = await upgrade(joined.waiting_token, ip);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    await expectRefusal(refused, 429, "RATE_LIMITED");
    expect(await openSockets()).toBe(before + 3);
    // Another address is not held back by this one's flood.
    const other = await upgrade(joined.waiting_token, freshIp());
    expect(other.status).toBe(101);
    other.abort.abort();
    for (const ws of held) ws.close();
  });
});

describe("numbers past the wire types", () => {
  test("a price or amount past 2^53 - 1, a quantity of 2^31 and 1e309 are 400 naming the field, before any upstream call", async () => {
    const hour = 3_600_000;
    const event = (price: string) =>
      `{"event_id":"evt_overflow","name":"n","venue":"v","starts_at":"${new Date(Date.now() + 24 * hour).toISOString()}",` +
      `"sale_opens_at":"${new Date(Date.now() - hour).toISOString()}","sale_closes_at":"${new Date(Date.now() + hour).toISOString()}",` +
      `"currency":"KRW","sections":[{"section_id":"A","name":"a","price":${price},"rows":1,"seats_per_row":1}]}`;
    const cases: Array<[string, Record<string, string>, string, string]> = [
      ["/api/v1/admin/events", admin, event("9223372036854775808"), "price"],
      ["/api/v1/admin/events", admin, event("1e309"), "price"],
      [
        "/api/v1/payments/intent",
        buyer,
        '{"reservation_id":"rsv_1","amount":1e300,"currency":"KRW","scenario":"approve"}',
        "amount",
      ],
      [
        "/api/v1/reservations",
        buyer,
        `{"event_id":"${REAL_EVENT}","quantity":2147483648,"reservation_token":"rt1.x.y"}`,
        "quantity",
      ],
    ];
    for (const [path, who, body, field] of cases) {
      const res = await fetch(`${gw.url}${path}`, {
        method: "POST",
        headers: { ...json, ...who, "idempotency-key": crypto.randomUUID(), "x-forwarded-for": freshIp() },
        body,
      });
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { code: string; details: { field: string } } }).error;
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details.field).toContain(field);
    }
  });
});

describe("bodies that are not JSON", () => {
  test("a form-encoded join is 415 and takes no place in line", async () => {
    const res = await fetch(`${gw.url}/api/v1/queue/join`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": freshIp() },
      body: "event_id=evt_form_only",
    });
    await expectRefusal(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(await redis.keys("*evt_form_only*")).toEqual([]);
  });
});
