import { describe, expect, test } from "bun:test";
import { t } from "elysia";
import { type ErrorAnswer, errorAnswers } from "../src/api/index.ts";
import { AppError, createService, ERROR_CATALOGUE, type ErrorCode } from "../src/index.ts";
import { testConfig } from "../src/testing.ts";

const service = createService({
  name: "errors-under-test",
  description: "error responder test",
  config: testConfig({ BODY_LIMIT_BYTES: "1024" }),
});
const app = service.app
  .get("/fail/:code", ({ params }) => {
    const code = params.code as ErrorCode;
    throw new AppError(code, `failed with ${code}`, code === "RATE_LIMITED" ? { retryAfterSec: 2 } : {});
  })
  .get("/boom", () => {
    throw new Error("database password is hunter2");
  })
  // An answer that breaks its own response schema (a bug of ours), and a refusal under one.
  .get("/broken-answer", () => ({ seats: "many" }) as unknown as { seats: number }, {
    response: { 200: t.Object({ seats: t.Integer() }), ...errorAnswers },
  })
  .get(
    "/refused-with-schema",
    (): { seats: number } => {
      throw new AppError("SOLD_OUT", "nothing left", { metadata: { event_id: "evt_1" } });
    },
    { response: { 200: t.Object({ seats: t.Integer() }), ...errorAnswers } },
  )
  .post("/orders", ({ body }) => ({ ok: true, seats: body.seat_ids.length }), {
    body: t.Object({ event_id: t.String({ minLength: 1 }), seat_ids: t.Array(t.String(), { maxItems: 10 }) }),
  });

async function call(path: string, init?: RequestInit) {
  const res = await app.handle(new Request(`http://local${path}`, init));
  return { res, body: (await res.json()) as { error: { code: string; message: string; trace_id: string } } };
}

const json = (body: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body,
});

describe("the REST error responder", () => {
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
    test(`${code} answers ${entry.status} with the standard body`, async () => {
      const { res, body } = await call(`/fail/${code}`);
      expect(res.status).toBe(entry.status);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(body.error.code).toBe(code);
      expect(body.error.message).toBe(`failed with ${code}`);
      expect(body.error.trace_id).toMatch(/^[0-9a-f]{32}$/);
    });
  }

  test("a rate-limited answer says when to retry", async () => {
    const { res } = await call("/fail/RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("2");
  });

  test("the request metrics count a 503 OVERLOADED as load shed, and every other 5xx as failed", async () => {
    const before = service.metrics.http.tally("GET", "/fail/:code", 1);
    for (const code of ["OVERLOADED", "OVERLOADED", "UPSTREAM_UNAVAILABLE", "INTERNAL", "NOT_FOUND"]) {
      await call(`/fail/${code}`);
    }
    const after = service.metrics.http.tally("GET", "/fail/:code", 1);
    expect([after.shed - before.shed, after.failed - before.failed]).toEqual([2, 2]);
  });

  test("an unexpected error is a 500 INTERNAL that leaks nothing", async () => {
    const { res, body } = await call("/boom");
    expect(res.status).toBe(500);
    expect(body.error.code).toBe("INTERNAL");
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });

  test("an answer that breaks its route's response schema is a 500 INTERNAL, not the caller's 400", async () => {
    const { res, body } = await call("/broken-answer");
    expect(res.status).toBe(500);
    expect(body.error.code).toBe("INTERNAL");
    expect(JSON.stringify(body)).not.toContain("many");
  });

  test("a refusal on a route with response schemas keeps its status and standard body", async () => {
    const { res, body } = await call("/refused-with-schema");
    expect(res.status).toBe(409);
    expect(body as ErrorAnswer).toEqual({
      error: {
        code: "SOLD_OUT",
        message: "nothing left",
        trace_id: body.error.trace_id,
        details: { event_id: "evt_1" },
      },
    });
  });

  test("every status the catalogue answers is listed with the error body in the response schemas", () => {
    const statuses = new Set(Object.values(ERROR_CATALOGUE).map((e) => e.status));
    expect([...statuses].filter((s) => !(s in errorAnswers))).toEqual([]);
  });

  test("an unknown route is a 404 NOT_FOUND", async () => {
    const { res, body } = await call("/no/such/route");
    expect(res.status).toBe(404);
    expect(body.error.code).toBe("NOT_FOUND");
  });

  test("a body failing validation is a 400 naming the field", async () => {
    const { res, body } = await call("/orders", json(JSON.stringify({ event_id: "evt_1", seat_ids: [1] })));
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toContain("seat_ids");
  });

  test("a missing field is a 400 naming the field", async () => {
    const { res, body } = await call("/orders", json(JSON.stringify({ seat_ids: [] })));
    expect(res.status).toBe(400);
    expect(body.error.message).toContain("event_id");
  });

  test("malformed JSON is a 400, not a 500", async () => {
    const { res, body } = await call("/orders", json('{"event_id": "evt_1", '));
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
  });

  test("a valid body reaches the handler", async () => {
    const res = await app.handle(
      new Request("http://local/orders", json(JSON.stringify({ event_id: "evt_1", seat_ids: ["A-1-1"] }))),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, seats: 1 });
  });

  test("a body over the limit is a 413 PAYLOAD_TOO_LARGE", async () => {
    const big = JSON.stringify({ event_id: "x".repeat(2000), seat_ids: [] });
    const { res, body } = await call("/orders", {
      ...json(big),
      headers: { "content-type": "application/json", "content-length": String(big.length) },
    });
    expect(res.status).toBe(413);
    expect(body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("a streamed body over the limit without Content-Length is a 413 too", async () => {
    const chunk = new TextEncoder().encode(JSON.stringify({ event_id: "x".repeat(3000), seat_ids: [] }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const { res, body } = await call("/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
    });
    expect(res.status).toBe(413);
    expect(body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("hardened edges", () => {
  test("every answer says nosniff, no framing, no referrer and a closed CSP", async () => {
    for (const path of ["/fail/SEAT_UNAVAILABLE", "/healthz", "/nowhere"]) {
      const res = await app.handle(new Request(`http://local${path}`));
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  test("a form or plain-text body on a JSON route is 415, with the standard body", async () => {
    for (const [type, body] of [
      ["application/x-www-form-urlencoded", "event_id=e1&seat_ids=A-1"],
      ["text/plain", '{"event_id":"e1","seat_ids":[]}'],
    ]) {
      const { res, body: answer } = await call("/orders", {
        method: "POST",
        headers: { "content-type": type ?? "" },
        body,
      });
      expect(res.status).toBe(415);
      expect(answer.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    const ok = await call("/orders", json('{"event_id":"e1","seat_ids":["A-1"]}'));
    expect(ok.res.status).toBe(200);
    const vendor = await call("/orders", {
      method: "POST",
      headers: { "content-type": "application/vnd.tt+json; charset=utf-8" },
      body: '{"event_id":"e1","seat_ids":[]}',
    });
    expect(vendor.res.status).toBe(200);
  });
});
