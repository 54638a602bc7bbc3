import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { t } from "elysia";
import { createService, currentTraceId } from "../src/index.ts";
import { testConfig } from "../src/testing.ts";

const config = testConfig({ BODY_LIMIT_BYTES: "1024" });
const service = createService({ name: "native-under-test", description: "native routes test", config });
service.app.post("/rest", ({ body }) => ({ got: body.n }), { body: t.Object({ n: t.Number() }) });
service.mountNative({
  "/raw": {
    // Echoes the exact bytes it was sent and the trace it runs in.
    POST: async (request) => Response.json({ raw: await request.text(), trace_id: currentTraceId() }),
  },
  "/ids": {
    // Ids are drawn when first read: every later read in the same request must see the same.
    GET: () => Response.json([currentTraceId(), currentTraceId()]),
  },
  "/broken": {
    GET: () => {
      throw new Error("connection string postgres://admin:hunter2@db");
    },
    POST: async () => {
      throw new Error("async hunter2");
    },
  },
});
const base = `http://127.0.0.1:${config.port}`;

beforeAll(async () => {
  await service.start({ handleSignals: false });
});
afterAll(async () => {
  await service.stop();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

describe("native routes (answered by Bun before Elysia)", () => {
  test("get the exact body, untouched by Elysia's JSON parser", async () => {
    const raw = '{ "b": 1,   "a": [2] }';
    const res = await post("/raw", raw);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { raw: string }).raw).toBe(raw);
  });

  test("run in the caller's trace when a traceparent is sent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await post("/raw", "{}", { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(((await res.json()) as { trace_id: string }).trace_id).toBe(traceId);
  });

  test("draw a fresh trace id per request, the same however often it is read", async () => {
    const first = (await (await fetch(`${base}/ids`)).json()) as string[];
    const second = (await (await fetch(`${base}/ids`)).json()) as string[];
    expect(first[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(first[1]).toBe(first[0] as string);
    expect(second[0]).not.toBe(first[0] as string);
  });

  test("answer a thrown error, sync or async, with the standard 500 body and leak nothing", async () => {
    for (const res of [await fetch(`${base}/broken`), await post("/broken", "{}")]) {
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(JSON.parse(text).error).toMatchObject({
        code: "INTERNAL",
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(text).not.toContain("hunter2");
    }
  });

  test("refuse a body over the limit with the standard 413", async () => {
    const res = await post("/raw", JSON.stringify({ pad: "x".repeat(2000) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("are counted in the HTTP metrics under their own path", async () => {
    await post("/raw", "{}");
    const text = await service.metrics.render();
    expect(text).toMatch(/http_server_requests_total\{method="POST",route="\/raw",status_code="200"/);
    expect(text).toMatch(/http_server_requests_total\{method="GET",route="\/broken",status_code="500"/);
  });

  test("leave Elysia's routes as they were, body limit included", async () => {
    expect(await (await post("/rest", '{"n":7}')).json()).toEqual({ got: 7 });
    expect((await post("/rest", JSON.stringify({ n: 1, pad: "x".repeat(2000) }))).status).toBe(413);
  });

  test("cannot be added once the service listens", () => {
    expect(() => service.mountNative({ "/late": { GET: () => new Response("late") } })).toThrow();
  });
});
