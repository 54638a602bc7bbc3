// The gateway's part of idempotency: the Idempotency-Key header is required and must be a UUID
// before any idempotent route runs, and Swagger asks for it. The key itself is claimed once,
// durably, by the service that performs the effect (see reservation's and payment's tests, and
// the replay/conflict checks through the gateway in test/api).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import { Elysia, t } from "elysia";
import type { Gateway } from "../src/app.ts";
import { idempotencyKeyOf } from "../src/transport/idempotency-plugin.ts";
import { type EdgeGateway, errorCode, startEdgeGateway } from "./edge-support.ts";

// The keys each run of the handler saw, by the test's own marker in the body.
const seen = new Map<string, string[]>();

function testRoutes(gateway: Gateway) {
  gateway.app.use(
    new Elysia().use(gateway.guards).post(
      "/test/orders",
      ({ body, request }) => {
        seen.set(body.marker, [...(seen.get(body.marker) ?? []), idempotencyKeyOf(request)]);
        return { ok: true };
      },
      { auth: "required", idempotent: true, body: t.Object({ marker: t.String() }) },
    ),
  );
}

let server: TestRedis;
let gw: EdgeGateway;

beforeAll(async () => {
  server = await startTestRedis();
  gw = await startEdgeGateway(server.url, { RATE_LIMIT_ENABLED: "false" }, testRoutes);
});
afterAll(async () => {
  await gw?.stop();
  await server?.stop();
});

function post(body: object, key: string | undefined) {
  return fetch(`${gw.url}/test/orders`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer load-test-bypass-token",
      "x-user-id": "alice",
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body: JSON.stringify(body),
  });
}

describe("Idempotency-Key", () => {
  test("is required and must be a UUID; the handler does not run otherwise", async () => {
    const missing = await post({ marker: "m1" }, undefined);
    expect([missing.status, await errorCode(missing)]).toEqual([400, "IDEMPOTENCY_REQUIRED"]);
    const malformed = await post({ marker: "m1" }, "order-1");
    expect([malformed.status, await errorCode(malformed)]).toEqual([400, "INVALID_IDEMPOTENCY_KEY"]);
    expect(seen.get("m1")).toBeUndefined();
  });

  test("a valid key reaches the handler, normalised to lower case", async () => {
    const key = crypto.randomUUID().toUpperCase();
    expect((await post({ marker: "m2" }, ` ${key} `)).status).toBe(200);
    expect(seen.get("m2")).toEqual([key.toLowerCase()]);
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
});
