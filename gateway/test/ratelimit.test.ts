import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createRedis, expandIncludes } from "@tt/kit";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import { Elysia } from "elysia";
import type Redis from "ioredis";
import { rateLimitKeys } from "../src/adapters/ratelimit/keys.ts";
import { TAKE_TOKEN } from "../src/adapters/ratelimit/scripts.ts";
import type { Gateway } from "../src/app.ts";
import { bucketAddress, clientIp } from "../src/transport/ratelimit/client-ip.ts";
import { type EdgeGateway, errorCode, manualClock, startEdgeGateway } from "./edge-support.ts";

// Small buckets and a frozen clock: nothing refills unless a test moves time.
const time = manualClock();
const env = { RATE_LIMIT_PER_SEC: "2", RATE_LIMIT_BURST: "5", TRUST_PROXY: "true" };

function testRoutes(gateway: Gateway) {
  gateway.app.use(
    new Elysia()
      .use(gateway.guards)
      .get("/test/limited", ({ user }) => ({ id: user?.id ?? null }), { optionalAuth: true, rateLimit: true })
      .get("/test/strict", () => ({ ok: true }), { rateLimit: { perSec: 1, burst: 2 } })
      .get("/test/free", () => ({ ok: true }))
      .post("/test/pay", () => ({ paid: true }), {
        auth: "required",
        idempotent: true,
        rateLimit: { perSec: 1, burst: 1 },
      }),
  );
}

let server: TestRedis;
let redis: Redis;
let proxied: EdgeGateway;
let direct: EdgeGateway;
let ipCounter = 0;
// Each test takes fresh addresses so buckets never leak between tests.
const freshIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

beforeAll(async () => {
  server = await startTestRedis();
  redis = createRedis(server.url);
  [proxied, direct] = await Promise.all([
    startEdgeGateway(server.url, env, testRoutes, time.clock),
    startEdgeGateway(server.url, { ...env, TRUST_PROXY: "false" }, testRoutes, time.clock),
  ]);
});
afterAll(async () => {
  await Promise.all([proxied?.stop(), direct?.stop()]);
  redis?.disconnect();
  await server?.stop();
});

const call = (gw: EdgeGateway, path: string, ip: string, user?: string) =>
  fetch(`${gw.url}${path}`, {
    headers: {
      "x-forwarded-for": ip,
      ...(user ? { authorization: "Bearer load-test-bypass-token", "x-user-id": user } : {}),
    },
  });

describe("rate limits per client IP and per user", () => {
  test("every answer carries X-RateLimit-*; past the burst it is 429 with Retry-After", async () => {
    const ip = freshIp();
    for (let i = 4; i >= 0; i--) {
      const ok = await call(proxied, "/test/limited", ip);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-ratelimit-limit")).toBe("5");
      expect(ok.headers.get("x-ratelimit-remaining")).toBe(String(i));
      expect(Number(ok.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    }
    const refused = await call(proxied, "/test/limited", ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1"); // one token refills in 0.5 s
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset")).toBe("3");
    expect(await errorCode(refused)).toBe("RATE_LIMITED");
    // Routes without the option are not limited and say nothing about limits.
    const free = await call(proxied, "/test/free", ip);
    expect(free.status).toBe(200);
    expect(free.headers.get("x-ratelimit-limit")).toBeNull();
  });

  test("tokens come back at the configured rate", async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await call(proxied, "/test/limited", ip);
    expect((await call(proxied, "/test/limited", ip)).status).toBe(429);
    time.advance(500); // 2/s → one token
    expect((await call(proxied, "/test/limited", ip)).status).toBe(200);
    expect((await call(proxied, "/test/limited", ip)).status).toBe(429);
  });

  test("a user's bucket follows them across addresses, and an address's bucket covers everyone on it", async () => {
    const [home, office, cafe] = [freshIp(), freshIp(), freshIp()];
    const alice = `alice-${ipCounter}`;
    for (let i = 0; i < 5; i++) expect((await call(proxied, "/test/limited", home, alice)).status).toBe(200);
    const moved = await call(proxied, "/test/limited", office, alice);
    expect(moved.status).toBe(429);
    expect((await moved.json()) as object).toMatchObject({ error: { details: { scope: "user" } } });
    // Bob at the office is unaffected by Alice's user bucket.
    expect((await call(proxied, "/test/limited", office, `bob-${ipCounter}`)).status).toBe(200);
    // Anyone else at Alice's home shares the emptied address bucket; a third address is fresh.
    const neighbour = await call(proxied, "/test/limited", home);
    expect(neighbour.status).toBe(429);
    expect((await neighbour.json()) as object).toMatchObject({ error: { details: { scope: "ip" } } });
    expect((await call(proxied, "/test/limited", cafe)).status).toBe(200);
  });

  test("a route's own policy has its own bucket", async () => {
    const ip = freshIp();
    const first = await call(proxied, "/test/strict", ip);
    expect(first.headers.get("x-ratelimit-limit")).toBe("2");
    expect((await call(proxied, "/test/strict", ip)).status).toBe(200);
    expect((await call(proxied, "/test/strict", ip)).status).toBe(429);
    // The default bucket of the same address is untouched.
    expect((await call(proxied, "/test/limited", ip)).headers.get("x-ratelimit-remaining")).toBe("4");
  });

  test("without TRUST_PROXY a forged X-Forwarded-For does not buy a fresh bucket", async () => {
    const statuses: number[] = [];
    // All from 127.0.0.1 (the socket); a different forged address every time.
    for (let i = 0; i < 7; i++) statuses.push((await call(direct, "/test/strict", freshIp())).status);
    expect(statuses.filter((s) => s === 429).length).toBe(5);
  });

  test("a rate-limited request never claims its Idempotency-Key", async () => {
    const ip = freshIp();
    const pay = (key: string) =>
      fetch(`${proxied.url}/test/pay`, {
        method: "POST",
        headers: {
          "x-forwarded-for": ip,
          authorization: "Bearer load-test-bypass-token",
          "x-user-id": `payer-${ipCounter}`,
          "idempotency-key": key,
        },
      });
    expect((await pay(crypto.randomUUID())).status).toBe(200);
    const key = crypto.randomUUID();
    expect((await pay(key)).status).toBe(429);
    time.advance(1000);
    const retried = await pay(key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get("x-idempotency-replayed")).toBeNull();
  });

  test("refusals are counted in ratelimit_dropped_total", async () => {
    const text = await (await fetch(`${proxied.url}/metrics`)).text();
    expect(text).toMatch(/ratelimit_dropped_total\{[^}]*scope="ip"[^}]*\} [1-9]/);
    expect(text).toMatch(/ratelimit_dropped_total\{[^}]*scope="user"[^}]*\} [1-9]/);
  });

  test("buckets live under cluster hash tags and expire once full again", async () => {
    const ip = freshIp();
    await call(proxied, "/test/limited", ip);
    const key = rateLimitKeys.ip(ip, "default");
    expect(key).toContain(`{ip:${ip}}`);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(500 + 1000);
  });
});

describe("client address", () => {
  const trusted = { trustProxy: true, trustedHops: 1 };
  test("behind trusted proxies it is the hop the nearest proxy saw, not what the client wrote", () => {
    expect(clientIp("6.6.6.6, 203.0.113.7", "10.1.1.1", trusted)).toBe("203.0.113.7");
    expect(clientIp("6.6.6.6, 203.0.113.7, 10.0.0.2", "10.1.1.1", { trustProxy: true, trustedHops: 2 })).toBe(
      "203.0.113.7",
    );
    expect(clientIp(null, "10.1.1.1", trusted)).toBe("10.1.1.1");
    expect(clientIp("6.6.6.6", "10.1.1.1", { trustProxy: false, trustedHops: 1 })).toBe("10.1.1.1");
  });

  test("IPv6 clients share a bucket per /64; IPv4-mapped addresses are plain IPv4", () => {
    expect(bucketAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(bucketAddress("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(bucketAddress("::1")).toBe("0:0:0:0::/64");
    expect(bucketAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(bucketAddress("198.51.100.4")).toBe("198.51.100.4");
  });
});

describe("the token bucket as a Lua include", () => {
  test("another script can take tokens in its own round trip", async () => {
    // What a waiting-room script does: its own work plus a bucket under its event's hash tag.
    const lua = expandIncludes(
      `--- @include "take-token"
local verdict = take_token(KEYS[2], 1, 2, tonumber(ARGV[1]), 1)
if verdict[1] == 0 then return {-9, verdict[4]} end
return {redis.call("INCR", KEYS[1]), verdict[2]}`,
      { "take-token": readFileSync(TAKE_TOKEN["take-token"], "utf8") },
    );
    const keys = ["tt:q:{evt_rl}:seq", rateLimitKeys.scoped("tt:q:{evt_rl}", "ip:1.2.3.4", "join")];
    const now = String(Date.now());
    expect(await redis.eval(lua, 2, ...keys, now)).toEqual([1, 1]);
    expect(await redis.eval(lua, 2, ...keys, now)).toEqual([2, 0]);
    expect(await redis.eval(lua, 2, ...keys, now)).toEqual([-9, 1000]);
  });
});
