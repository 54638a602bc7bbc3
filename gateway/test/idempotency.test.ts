import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError, createRedis } from "@tt/kit";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import { Elysia, t } from "elysia";
import type Redis from "ioredis";
import type { Gateway } from "../src/app.ts";
import { requestFingerprint } from "../src/idempotency/fingerprint.ts";
import { idempotencyKeys, RedisIdempotencyStore } from "../src/idempotency/idempotency-store.redis.ts";
import { type EdgeGateway, errorCode, startEdgeGateway } from "./edge-support.ts";

// How often each handler really ran, by the test's own marker in the body.
const runs = new Map<string, number>();
const ran = (marker: string) => runs.set(marker, (runs.get(marker) ?? 0) + 1);

function testRoutes(gateway: Gateway) {
  gateway.app.use(
    new Elysia()
      .use(gateway.guards)
      .post(
        "/test/orders",
        async ({ body, user, set }) => {
          ran(body.marker);
          await Bun.sleep(body.delay_ms ?? 0);
          set.status = 201;
          return { order_id: crypto.randomUUID(), user: user.id, marker: body.marker };
        },
        {
          auth: "required",
          idempotent: true,
          body: t.Object({
            marker: t.String(),
            delay_ms: t.Optional(t.Number()),
            note: t.Optional(t.String()),
          }),
        },
      )
      .post(
        "/test/sold-out",
        ({ body }) => {
          ran(body.marker);
          throw new AppError("SEAT_UNAVAILABLE", "Seat A-1 is taken");
        },
        { auth: "required", idempotent: true, body: t.Object({ marker: t.String() }) },
      )
      .post(
        "/test/flaky",
        ({ body }) => {
          ran(body.marker);
          throw new AppError("UPSTREAM_UNAVAILABLE", "Reservation service is down");
        },
        { auth: "required", idempotent: true, body: t.Object({ marker: t.String() }) },
      ),
  );
}

let server: TestRedis;
let redis: Redis;
let gw: EdgeGateway;

beforeAll(async () => {
  server = await startTestRedis();
  redis = createRedis(server.url);
  gw = await startEdgeGateway(
    server.url,
    { IDEMPOTENCY_LOCK_TTL_SEC: "1", RATE_LIMIT_ENABLED: "false" },
    testRoutes,
  );
});
afterAll(async () => {
  await gw?.stop();
  redis?.disconnect();
  await server?.stop();
});

let markers = 0;
const marker = () => `m${++markers}`;
function post(path: string, body: object, key: string | undefined, user = "alice") {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer load-test-bypass-token",
      "x-user-id": user,
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body: JSON.stringify(body),
  });
}

describe("Idempotency-Key", () => {
  test("is required and must be a UUID; the handler does not run otherwise", async () => {
    const m = marker();
    const missing = await post("/test/orders", { marker: m }, undefined);
    expect(missing.status).toBe(400);
    expect(await errorCode(missing)).toBe("IDEMPOTENCY_REQUIRED");
    const malformed = await post("/test/orders", { marker: m }, "order-1");
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe("INVALID_IDEMPOTENCY_KEY");
    expect(runs.get(m)).toBeUndefined();
  });

  test("the same request again replays the original status and body", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const first = await post("/test/orders", { marker: m, note: "x" }, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("x-idempotency-replayed")).toBeNull();
    const original = await first.json();

    // Same JSON with its keys in another order, and the key in upper case: still the same request.
    const again = await post("/test/orders", { note: "x", marker: m }, key.toUpperCase());
    expect(again.status).toBe(201);
    expect(again.headers.get("x-idempotency-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toContain("application/json");
    expect(await again.json()).toEqual(original);
    expect(runs.get(m)).toBe(1);
    // Replayed for 5 minutes from the answer.
    const ttl = await redis.pttl(idempotencyKeys.record("u:alice", key));
    expect(ttl).toBeGreaterThan(299_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  test("the same key for a different request is a conflict", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    expect((await post("/test/orders", { marker: m }, key)).status).toBe(201);
    const otherBody = await post("/test/orders", { marker: m, note: "changed" }, key);
    expect(otherBody.status).toBe(409);
    expect(await errorCode(otherBody)).toBe("IDEMPOTENCY_CONFLICT");
    const otherPath = await post("/test/sold-out", { marker: m }, key);
    expect(await errorCode(otherPath)).toBe("IDEMPOTENCY_CONFLICT");
    expect(runs.get(m)).toBe(1);
  });

  test("keys belong to their user: another user's identical key is their own request", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const alice = await post("/test/orders", { marker: m }, key, "alice");
    const bob = await post("/test/orders", { marker: m }, key, "bob");
    expect([alice.status, bob.status]).toEqual([201, 201]);
    expect(bob.headers.get("x-idempotency-replayed")).toBeNull();
    expect(((await bob.json()) as { user: string }).user).toBe("bob");
    expect(runs.get(m)).toBe(2);
  });

  test("50 simultaneous identical requests run the handler once", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post("/test/orders", { marker: m, delay_ms: 200 }, key)),
    );
    expect(runs.get(m)).toBe(1);
    const codes = await Promise.all(
      responses.map(async (r) => (r.status === 201 ? "created" : await errorCode(r))),
    );
    expect(codes.filter((c) => c === "created").length).toBe(1);
    expect(codes.filter((c) => c === "IDEMPOTENCY_IN_PROGRESS").length).toBe(49);
    const inProgress = responses.find((r) => r.status === 409);
    expect(inProgress?.headers.get("retry-after")).toBe("1");

    const later = await post("/test/orders", { marker: m, delay_ms: 200 }, key);
    expect(later.status).toBe(201);
    expect(later.headers.get("x-idempotency-replayed")).toBe("true");
    expect(runs.get(m)).toBe(1);
  });

  test("a domain refusal is an answer too: replayed, not retried", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const first = await post("/test/sold-out", { marker: m }, key);
    expect(first.status).toBe(409);
    const body = await first.json();
    const again = await post("/test/sold-out", { marker: m }, key);
    expect(again.status).toBe(409);
    expect(again.headers.get("x-idempotency-replayed")).toBe("true");
    expect(await again.json()).toEqual(body);
    expect(runs.get(m)).toBe(1);
  });

  test("a request refused by auth never claims its key", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const refused = await fetch(`${gw.url}/test/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer nope", "idempotency-key": key },
      body: JSON.stringify({ marker: m }),
    });
    expect(refused.status).toBe(401);
    const signedIn = await post("/test/orders", { marker: m }, key);
    expect(signedIn.status).toBe(201);
    expect(signedIn.headers.get("x-idempotency-replayed")).toBeNull();
  });

  test("a 5xx releases the key so that the client's retry runs again", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    expect((await post("/test/flaky", { marker: m }, key)).status).toBe(503);
    expect((await post("/test/flaky", { marker: m }, key)).status).toBe(503);
    expect(runs.get(m)).toBe(2);
  });

  test("a crashed attempt's claim expires after the lock TTL instead of blocking the key", async () => {
    const key = crypto.randomUUID();
    const m = marker();
    // The claim a gateway would have left had it died mid-request: same request, never finished.
    const store = new RedisIdempotencyStore(redis, { ttlMs: 300_000, lockMs: 1000 });
    const fingerprint = requestFingerprint({
      method: "POST",
      path: "/test/orders",
      userId: "alice",
      body: { marker: m },
    });
    expect((await store.begin("u:alice", key, fingerprint)).kind).toBe("claimed");

    expect(await errorCode(await post("/test/orders", { marker: m }, key))).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect(runs.get(m)).toBeUndefined();
    await Bun.sleep(1100); // IDEMPOTENCY_LOCK_TTL_SEC=1 in this suite
    const retry = await post("/test/orders", { marker: m }, key);
    expect(retry.status).toBe(201);
    expect(runs.get(m)).toBe(1);
  });

  test("the OpenAPI document asks for the header on idempotent routes", async () => {
    const doc = (await (await fetch(`${gw.url}/swagger/json`)).json()) as {
      paths: Record<
        string,
        { post?: { parameters?: Array<{ name: string; in: string; required?: boolean }> } }
      >;
    };
    expect(doc.paths["/test/orders"]?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }),
    );
  });

  test("lookups that found the key in use are counted in idempotency_hits_total", async () => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    for (const outcome of ["replay", "conflict", "in_progress"]) {
      expect(text).toMatch(new RegExp(`idempotency_hits_total\\{[^}]*outcome="${outcome}"[^}]*\\} [1-9]`));
    }
  });
});
