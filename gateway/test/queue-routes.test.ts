import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { events } from "@tt/contracts";
import { encodeEvent, newEvent, signWebhook } from "@tt/kit";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import { as, startQueueGateway, type TestGateway } from "./support.ts";

let redisServer: TestRedis;
let gw: TestGateway;

beforeAll(async () => {
  redisServer = await startTestRedis();
  gw = await startQueueGateway(redisServer.url);
});
afterAll(async () => {
  await gw.stop();
  await redisServer.stop();
});

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${gw.url}/api/v1/queue${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Json = any;
const json = async (res: Response): Promise<Json> => res.json();
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const uniqueEvent = () => `evt_routes_${Math.random().toString(36).slice(2, 10)}`;

describe("queue REST routes", () => {
  test("join answers 202 with a waiting token, a position hint and an ETA", async () => {
    const res = await call("POST", "/join", { event_id: uniqueEvent() });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body).toMatchObject({ position_hint: 1, eta_sec: 1, status: "waiting" });
    expect(body.waiting_token).toMatch(/^evt_routes_\w+\.[\w-]{22}$/);
  });

  test("join with the same Idempotency-Key returns the same token", async () => {
    const eventId = uniqueEvent();
    const key = crypto.randomUUID();
    const first = await json(await call("POST", "/join", { event_id: eventId }, { "idempotency-key": key }));
    const again = await json(await call("POST", "/join", { event_id: eventId }, { "idempotency-key": key }));
    expect(again.waiting_token).toBe(first.waiting_token);
  });

  test("bad joins get the catalogue's 4xx codes", async () => {
    expect(await errorCode(await call("POST", "/join", { event_id: "evt_missing" }))).toBe("EVENT_NOT_FOUND");
    expect(await errorCode(await call("POST", "/join", { event_id: "bad id!" }))).toBe("VALIDATION_FAILED");
    // Not an event id's shape (evt_…, @tt/kit/limits), so refused before any lookup.
    expect(await errorCode(await call("POST", "/join", { event_id: "concert" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await call("POST", "/join", {}))).toBe("VALIDATION_FAILED");
    const badKey = await call("POST", "/join", { event_id: uniqueEvent() }, { "idempotency-key": "nope" });
    expect(badKey.status).toBe(400);
    expect(await errorCode(badKey)).toBe("INVALID_IDEMPOTENCY_KEY");
  });

  test("status reports position, ETA, waiting time and readiness", async () => {
    const eventId = uniqueEvent();
    await call("POST", "/join", { event_id: eventId });
    const { waiting_token } = await json(await call("POST", "/join", { event_id: eventId }));
    const res = await call("GET", `/status?token=${encodeURIComponent(waiting_token)}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      status: "waiting",
      position: 2,
      eta_sec: 1,
      waiting_time: 0,
      ready_for_entry: false,
      sale: "on_sale",
      seats_held: 0,
    });
    expect(await errorCode(await call("GET", "/status?token=garbage"))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await call("GET", "/status"))).toBe("VALIDATION_FAILED");
  });

  test("enter needs a signed-in user and an admitted place", async () => {
    const eventId = uniqueEvent();
    await gw.room.updateSettings(eventId, { rate: 0 });
    const { waiting_token } = await json(await call("POST", "/join", { event_id: eventId }));
    const anonymous = await call("POST", "/enter", { waiting_token });
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe("UNAUTHENTICATED");
    const early = await call("POST", "/enter", { waiting_token }, as("alice"));
    expect(early.status).toBe(403);
    expect(await errorCode(early)).toBe("NOT_READY");

    await gw.room.updateSettings(eventId, { rate: 100 });
    await gw.room.admitTick(eventId);
    const status = await json(await call("GET", `/status?token=${encodeURIComponent(waiting_token)}`));
    expect(status).toMatchObject({ status: "ready", ready_for_entry: true, position: 0 });
    const res = await call("POST", "/enter", { waiting_token }, as("alice"));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ admission: "granted", ttl_sec: 30 });
    expect(typeof body.reservation_token).toBe("string");
  });

  test("leave answers left and the place is gone", async () => {
    const { waiting_token } = await json(await call("POST", "/join", { event_id: uniqueEvent() }));
    const res = await call("DELETE", `/leave?token=${encodeURIComponent(waiting_token)}`);
    expect(await json(res)).toEqual({ status: "left" });
    const status = await json(await call("GET", `/status?token=${encodeURIComponent(waiting_token)}`));
    expect(status.status).toBe("left");
  });
});

describe("the API document", () => {
  test("Swagger shows each buyer and admin route's answer, and the standard error body for its refusals", async () => {
    const doc = await json(await fetch(`${gw.url}/swagger/json`));
    // One field of each answer that only the real answer has; the refusals share the error body.
    const answers: Array<[string, string, string, string]> = [
      ["/api/v1/queue/join", "post", "202", "waiting_token"],
      ["/api/v1/queue/status", "get", "200", "ready_for_entry"],
      ["/api/v1/queue/enter", "post", "200", "reservation_token"],
      ["/api/v1/events/", "get", "200", "available_seats"],
      ["/api/v1/events/{id}", "get", "200", "sale_closes_at"],
      ["/api/v1/reservations", "post", "201", "watch_token"],
      ["/api/v1/reservations/{id}", "get", "200", "payment_intent_id"],
      ["/api/v1/orders/{id}", "get", "200", "order_id"],
      ["/api/v1/payments/intent", "post", "200", "payment_intent_id"],
      ["/api/v1/payments/{id}/status", "get", "200", "failure_reason"],
      ["/api/v1/admin/events", "post", "201", "sale_closes_at"],
      ["/api/v1/admin/events/{id}/queue", "get", "200", "observed_rate_per_sec"],
      ["/api/v1/admin/events/{id}/queue", "patch", "200", "auto_rate"],
      ["/api/v1/admin/events/{id}/queue/pause", "post", "200", "challenge_difficulty"],
      ["/api/v1/admin/events/{id}/queue/resume", "post", "200", "rate_max"],
      ["/api/v1/admin/events/{id}/purchase-policy", "get", "200", "max_seats_per_user"],
      ["/api/v1/admin/events/{id}/purchase-policy", "patch", "200", "max_live_reservations"],
      ["/api/v1/admin/events/{id}/live", "get", "200", "hold_p95_ms"],
      ["/api/v1/admin/events/{id}/funnel", "get", "200", "p95_sec"],
    ];
    for (const [path, method, status, field] of answers) {
      const op = doc.paths[path]?.[method] ?? doc.paths[path.replace(/\/$/, "")]?.[method];
      expect({ path, answer: JSON.stringify(op?.responses?.[status] ?? null) }).toEqual({
        path,
        answer: expect.stringContaining(`"${field}"`),
      });
      expect({ path, refusal: JSON.stringify(op.responses["409"] ?? null) }).toEqual({
        path,
        refusal: expect.stringContaining('"trace_id"'),
      });
    }
  });
});

describe("when Redis is down", () => {
  test("queue routes answer 503 UPSTREAM_UNAVAILABLE with Retry-After, never 500", async () => {
    const eventId = uniqueEvent();
    await call("POST", "/join", { event_id: eventId });
    await redisServer.stop();
    const res = await call("POST", "/join", { event_id: eventId });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await errorCode(res)).toBe("UPSTREAM_UNAVAILABLE");

    // A signed payment webhook cannot be de-duplicated without Redis: 503, so the sender retries.
    const body = encodeEvent(
      newEvent("payment", {
        case: "paymentApproved",
        value: create(events.PaymentApprovedSchema, { paymentIntentId: "pi_r", reservationId: "rsv_r" }),
      }),
    );
    const hook = await fetch(`${gw.url}/api/v1/payments/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signWebhook("tt-dev-webhook-secret", body) },
      body,
    });
    expect(hook.status).toBe(503);
    expect(await errorCode(hook)).toBe("UPSTREAM_UNAVAILABLE");
  });
});
