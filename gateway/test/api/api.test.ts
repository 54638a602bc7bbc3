import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { events } from "@tt/contracts";
import { encodeEvent, newEvent, signWebhook } from "@tt/kit";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { upgradeHeaders } from "../edge-support.ts";
import { ADMIN, apiClient, createOnSaleEvent, startApiPlatform } from "./platform.ts";

const HOLD_SECONDS = 4;
const EVENT_ID = `evt_api_${Date.now().toString(36)}`;
let stack: LocalStack;
let base: string;
const idem = () => ({ "idempotency-key": crypto.randomUUID() });

beforeAll(async () => {
  stack = await startApiPlatform(HOLD_SECONDS);
  base = stack.urls.gateway;
  const created = await createOnSaleEvent(base, EVENT_ID, "API test night", [
    { section_id: "A", name: "Floor", price: 150000, rows: 2, seats_per_row: 10 },
    { section_id: "B", name: "Balcony", price: 90000, rows: 2, seats_per_row: 10 },
  ]);
  expect(created).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** A signed-in buyer (dev login → JWT). */
async function buyer(userId: string) {
  const login = await apiClient(base)("POST", "/api/v1/auth/dev-login", { user_id: userId });
  expect(login.status).toBe(200);
  return apiClient(base, { authorization: `Bearer ${login.body.access_token}` });
}
type Buyer = Awaited<ReturnType<typeof buyer>>;

/** Join → wait for admission → enter; returns a reservation token. */
async function admitted(b: Buyer): Promise<string> {
  const joined = await b("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
  expect(joined.status).toBe(202);
  const token = encodeURIComponent(joined.body.waiting_token);
  await eventually(
    async () => (await b("GET", `/api/v1/queue/status?token=${token}`)).body.ready_for_entry === true,
  );
  const entered = await b("POST", "/api/v1/queue/enter", { waiting_token: joined.body.waiting_token });
  expect(entered.status).toBe(200);
  return entered.body.reservation_token;
}

async function hold(b: Buyer, seatIds: string[]) {
  const reservationToken = await admitted(b);
  const res = await b(
    "POST",
    "/api/v1/reservations",
    { event_id: EVENT_ID, seat_ids: seatIds, reservation_token: reservationToken },
    idem(),
  );
  expect(res.status).toBe(201);
  return res.body as { reservation_id: string; total_amount: number; currency: string };
}

async function seatStatus(seatId: string): Promise<string> {
  return (await apiClient(base)("GET", `/api/v1/events/${EVENT_ID}/availability`)).body.seats[seatId];
}

describe("events", () => {
  test("list, detail and availability come from inventory", async () => {
    const api = apiClient(base);
    const list = await api("GET", "/api/v1/events");
    expect(list.status).toBe(200);
    const listed = list.body.events.find((e: { event_id: string }) => e.event_id === EVENT_ID);
    expect(listed).toMatchObject({ name: "API test night", total_seats: 40, currency: "KRW" });
    expect(listed.sale_opens_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const detail = await api("GET", `/api/v1/events/${EVENT_ID}`);
    expect(detail.body.sections).toEqual([
      { section_id: "A", name: "Floor", price: 150000, rows: 2, seats_per_row: 10 },
      { section_id: "B", name: "Balcony", price: 90000, rows: 2, seats_per_row: 10 },
    ]);

    const availability = await api("GET", `/api/v1/events/${EVENT_ID}/availability`);
    expect(Object.keys(availability.body.seats)).toHaveLength(40);
    expect(availability.body.sections[0]).toMatchObject({ section_id: "A", total: 20 });
  });

  test("availability is compressed for a client that accepts gzip, and 304 for one that has it", async () => {
    const url = `${base}/api/v1/events/${EVENT_ID}/availability`;
    const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const text = await plain.text();
    const etag = plain.headers.get("etag") ?? "";
    expect(etag).toMatch(/^W\/".+"$/);

    const raw = await fetch(url, { headers: { "accept-encoding": "gzip" }, decompress: false });
    expect(raw.headers.get("content-encoding")).toBe("gzip");
    const zipped = new Uint8Array(await raw.arrayBuffer());
    expect(zipped.byteLength).toBeLessThan(text.length / 2);
    const unzipped = JSON.parse(new TextDecoder().decode(Bun.gunzipSync(zipped)));
    expect(unzipped.seats).toEqual(JSON.parse(text).seats);

    // The same seats a moment later (as_of may have moved on): nothing to send again.
    const again = await fetch(url, { headers: { "if-none-match": etag } });
    expect([again.status, await again.text(), again.headers.get("etag")]).toEqual([304, "", etag]);
    // A seat taken since: the whole new map.
    await hold(await buyer("etag-buyer"), ["B-2-10"]);
    await eventually(async () => {
      const changed = await fetch(url, { headers: { "if-none-match": etag } });
      return (
        changed.status === 200 &&
        ((await changed.json()) as { seats: Record<string, string> }).seats["B-2-10"] === "HELD"
      );
    });
  });

  test("an unknown event is 404 EVENT_NOT_FOUND and a malformed id 400", async () => {
    const api = apiClient(base);
    const missing = await api("GET", "/api/v1/events/evt_nope");
    expect([missing.status, missing.body.error.code]).toEqual([404, "EVENT_NOT_FOUND"]);
    const join = await api("POST", "/api/v1/queue/join", { event_id: "evt_nope" });
    expect([join.status, join.body.error.code]).toEqual([404, "EVENT_NOT_FOUND"]);
    expect((await api("GET", "/api/v1/events/bad%20id")).status).toBe(400);
  });
});

describe("a buyer's whole flow", () => {
  test("join → enter → hold → pay (approve) → the worker confirms → order", async () => {
    const alice = await buyer("alice");
    const reservationToken = await admitted(alice);
    const body = { event_id: EVENT_ID, seat_ids: ["A-1-1", "A-1-2"], reservation_token: reservationToken };

    const noKey = await alice("POST", "/api/v1/reservations", body);
    expect([noKey.status, noKey.body.error.code]).toEqual([400, "IDEMPOTENCY_REQUIRED"]);
    const key = idem();
    const created = await alice("POST", "/api/v1/reservations", body, key);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "HOLD", total_amount: 300000, currency: "KRW" });
    const replay = await alice("POST", "/api/v1/reservations", body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("x-idempotency-replayed")).toBe("true");
    expect(replay.body.reservation_id).toBe(created.body.reservation_id);
    expect(await seatStatus("A-1-1")).toBe("HELD");

    const id = created.body.reservation_id;
    const wrong = await alice(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: id, amount: 1, currency: "KRW", scenario: "approve" },
      idem(),
    );
    expect([wrong.status, wrong.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    const intent = await alice(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: id, amount: 300000, currency: "KRW", scenario: "approve" },
      idem(),
    );
    expect(intent.body).toMatchObject({ status: "PENDING", next: "webhook" });
    const intentId = intent.body.payment_intent_id;

    const early = await alice(
      "POST",
      `/api/v1/reservations/${id}/confirm`,
      { payment_intent_id: intentId },
      idem(),
    );
    expect([early.status, early.body.error?.code]).toEqual([412, "PAYMENT_NOT_APPROVED"]);

    await eventually(
      async () => (await alice("GET", `/api/v1/payments/${intentId}/status`)).body.status === "APPROVED",
    );
    await eventually(
      async () => (await alice("GET", `/api/v1/reservations/${id}`)).body.status === "CONFIRMED",
      10_000,
    );
    const reservation = (await alice("GET", `/api/v1/reservations/${id}`)).body;
    expect(reservation.order_id).toMatch(/^ord_/);
    const order = await alice("GET", `/api/v1/orders/${reservation.order_id}`);
    expect(order.body).toMatchObject({
      reservation_id: id,
      seat_ids: ["A-1-1", "A-1-2"],
      total_amount: 300000,
    });
    const again = await alice(
      "POST",
      `/api/v1/reservations/${id}/confirm`,
      { payment_intent_id: intentId },
      idem(),
    );
    expect(again.body).toEqual({ order_id: reservation.order_id, status: "CONFIRMED" });
    expect(await seatStatus("A-1-1")).toBe("SOLD");
    const mine = await alice("GET", "/api/v1/reservations");
    expect(mine.body.reservations.map((r: { reservation_id: string }) => r.reservation_id)).toContain(id);
  }, 30_000);

  test("the outcome is pushed on the live-queue socket: no polling from enter to order", async () => {
    const bob = await buyer("bob-push");
    const joined = await bob("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    const token: string = joined.body.waiting_token;
    const frames: Array<Record<string, string>> = [];
    const ws = new WebSocket(
      `${base.replace(/^http/, "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`,
    );
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
    await eventually(() => frames.some((f) => f.type === "ready"), 10_000);
    const entered = await bob("POST", "/api/v1/queue/enter", { waiting_token: token });
    const body = {
      event_id: EVENT_ID,
      seat_ids: ["B-2-9"],
      reservation_token: entered.body.reservation_token,
    };
    const held = await bob("POST", "/api/v1/reservations", body, idem());
    expect(held.status).toBe(201);
    const rid = held.body.reservation_id;
    // A token for another reservation is refused on the socket.
    ws.send(JSON.stringify({ type: "watch", reservation_id: rid, watch_token: "not-the-token" }));
    await eventually(() => frames.some((f) => f.type === "error" && f.code === "FORBIDDEN"), 5000);
    ws.send(JSON.stringify({ type: "watch", reservation_id: rid, watch_token: held.body.watch_token }));
    await Bun.sleep(100);
    const intent = await bob(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: rid, amount: held.body.total_amount, currency: "KRW", scenario: "approve" },
      idem(),
    );
    expect(intent.status).toBe(200);
    // The owner and amount came from what the hold told the gateway: no call to reservation.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).not.toMatch(
      /dependency_requests_total\{origin="POST \/api\/v1\/payments\/intent",dependency="reservation"/,
    );
    expect(metrics).toMatch(
      /dependency_requests_total\{origin="POST \/api\/v1\/payments\/intent",dependency="payment"/,
    );
    await eventually(() => frames.some((f) => f.type === "purchase"), 10_000);
    const pushed = frames.find((f) => f.type === "purchase");
    expect(pushed).toMatchObject({ reservation_id: rid, status: "CONFIRMED" });
    const order = await bob("GET", `/api/v1/orders/${pushed?.order_id}`);
    expect(order.body).toMatchObject({ reservation_id: rid, seat_ids: ["B-2-9"] });
    ws.close();
  }, 30_000);

  test("a declined payment is pushed as DECLINED and keeps the seats; paying again buys them", async () => {
    const carol = await buyer("carol");
    const joined = await carol("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    const token: string = joined.body.waiting_token;
    const frames: Array<Record<string, string>> = [];
    const ws = new WebSocket(
      `${base.replace(/^http/, "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`,
    );
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
    await eventually(() => frames.some((f) => f.type === "ready"), 10_000);
    const entered = await carol("POST", "/api/v1/queue/enter", { waiting_token: token });
    const held = await carol(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["B-1-1"], reservation_token: entered.body.reservation_token },
      idem(),
    );
    expect(held.status).toBe(201);
    const id: string = held.body.reservation_id;
    ws.send(JSON.stringify({ type: "watch", reservation_id: id, watch_token: held.body.watch_token }));
    await Bun.sleep(100);
    const payWith = (scenario: string) =>
      carol(
        "POST",
        "/api/v1/payments/intent",
        { reservation_id: id, amount: held.body.total_amount, currency: "KRW", scenario },
        idem(),
      );
    const declined = await payWith("fail");
    await eventually(() => frames.some((f) => f.type === "purchase"), HOLD_SECONDS * 1000);
    expect(frames.find((f) => f.type === "purchase")).toEqual({
      type: "purchase",
      reservation_id: id,
      status: "DECLINED",
      payment_intent_id: declined.body.payment_intent_id,
    });
    expect((await carol("GET", `/api/v1/reservations/${id}`)).body.status).toBe("HOLD");
    expect(await seatStatus("B-1-1")).toBe("HELD");

    // Another card, within the hold: the same socket is told the order.
    expect((await payWith("approve")).status).toBe(200);
    await eventually(() => frames.some((f) => f.type === "purchase" && f.status === "CONFIRMED"), 10_000);
    const order = frames.find((f) => f.status === "CONFIRMED")?.order_id;
    expect((await carol("GET", `/api/v1/orders/${order}`)).body).toMatchObject({ reservation_id: id });
    expect(await seatStatus("B-1-1")).toBe("SOLD");
    ws.close();
  }, 30_000);

  test("cancel gives the seats back; confirming afterwards is refused", async () => {
    const dave = await buyer("dave");
    const { reservation_id: id } = await hold(dave, ["B-2-1"]);
    const cancelled = await dave("POST", `/api/v1/reservations/${id}/cancel`);
    expect(cancelled.body).toEqual({ status: "CANCELLED" });
    await eventually(async () => (await seatStatus("B-2-1")) === "AVAILABLE");
    const confirm = await dave(
      "POST",
      `/api/v1/reservations/${id}/confirm`,
      { payment_intent_id: "pi_none" },
      idem(),
    );
    expect([confirm.status, confirm.body.error.code]).toEqual([409, "INVALID_STATE"]);
  }, 30_000);

  test("a hold that runs out is EXPIRED and cannot be confirmed", async () => {
    const erin = await buyer("erin");
    const { reservation_id: id, total_amount } = await hold(erin, ["B-2-5"]);
    const intent = await erin(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: id, amount: total_amount, currency: "KRW", scenario: "delay" },
      idem(),
    );
    await Bun.sleep((HOLD_SECONDS + 1) * 1000);
    expect((await erin("GET", `/api/v1/reservations/${id}`)).body.status).toBe("EXPIRED");
    const confirm = await erin(
      "POST",
      `/api/v1/reservations/${id}/confirm`,
      { payment_intent_id: intent.body.payment_intent_id },
      idem(),
    );
    expect([confirm.status, confirm.body.error.code]).toEqual([409, "RESERVATION_EXPIRED"]);
    expect(await seatStatus("B-2-5")).toBe("AVAILABLE");
  }, 30_000);
});

describe("reservation tokens and seats", () => {
  test("a missing, forged or reused reservation token is 403 RESERVATION_TOKEN_INVALID", async () => {
    const frank = await buyer("frank");
    const forged = await frank(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["A-2-9"], reservation_token: "rt1.e30.AAAA" },
      idem(),
    );
    expect([forged.status, forged.body.error.code]).toEqual([403, "RESERVATION_TOKEN_INVALID"]);
    const token = await admitted(frank);
    const first = await frank(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["A-2-9"], reservation_token: token },
      idem(),
    );
    expect(first.status).toBe(201);
    // With the first hold given back, only the spent token stands in the way (docs/spec.md,
    // "Purchase policy": a live hold would be refused first).
    expect((await frank("POST", `/api/v1/reservations/${first.body.reservation_id}/cancel`)).status).toBe(
      200,
    );
    const reused = await frank(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["A-2-10"], reservation_token: token },
      idem(),
    );
    expect([reused.status, reused.body.error.code]).toEqual([403, "RESERVATION_TOKEN_INVALID"]);
  }, 30_000);

  test("a taken seat is 409 SEAT_UNAVAILABLE, and the token survives for another try", async () => {
    const gina = await buyer("gina");
    await hold(gina, ["A-2-1"]);
    const hank = await buyer("hank");
    const token = await admitted(hank);
    const taken = await hank(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["A-2-1"], reservation_token: token },
      idem(),
    );
    expect([taken.status, taken.body.error.code]).toEqual([409, "SEAT_UNAVAILABLE"]);
    const other = await hank(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["A-2-2"], reservation_token: token },
      idem(),
    );
    expect(other.status).toBe(201);
  }, 30_000);

  test("another user's reservation, order and payment are not found; no token is 401", async () => {
    const ivy = await buyer("ivy");
    const { reservation_id: id, total_amount } = await hold(ivy, ["B-1-5"]);
    const intent = await ivy(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: id, amount: total_amount, currency: "KRW", scenario: "delay" },
      idem(),
    );
    const jack = await buyer("jack");
    const r = await jack("GET", `/api/v1/reservations/${id}`);
    expect([r.status, r.body.error.code]).toEqual([404, "RESERVATION_NOT_FOUND"]);
    expect((await jack("GET", `/api/v1/payments/${intent.body.payment_intent_id}/status`)).status).toBe(404);
    expect((await jack("POST", `/api/v1/reservations/${id}/cancel`)).status).toBe(404);
    const pay = await jack(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: id, amount: total_amount, currency: "KRW", scenario: "approve" },
      idem(),
    );
    expect(pay.status).toBe(404);
    const anonymous = await apiClient(base)("GET", `/api/v1/reservations/${id}`);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, "UNAUTHENTICATED"]);
  }, 30_000);
});

describe("hardened edges", () => {
  test("a page of another origin may not open the live queue; the gateway's own and non-browser clients may", async () => {
    const joined = await apiClient(base)("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    const url = `${base.replace(/^http/, "ws")}/api/v1/queue/ws?token=${encodeURIComponent(joined.body.waiting_token)}`;
    const opens = (headers: Record<string, string>) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(url, { headers } as unknown as string[]);
        ws.onopen = () => {
          ws.close();
          resolve(true);
        };
        ws.onerror = () => resolve(false);
      });
    expect(await opens({ origin: "https://evil.example" })).toBe(false);
    expect(await opens({ origin: base })).toBe(true);
    expect(await opens({})).toBe(true);

    const refused = await fetch(url.replace(/^ws/, "http"), {
      headers: upgradeHeaders({ origin: "https://evil.example" }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
  });

  test("a place may have at most 3 live sockets at once; one closes, another may open", async () => {
    const joined = await apiClient(base)("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    const url = `${base.replace(/^http/, "ws")}/api/v1/queue/ws?token=${encodeURIComponent(joined.body.waiting_token)}`;
    const open = () =>
      new Promise<WebSocket | undefined>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve(ws);
        ws.onerror = () => resolve(undefined);
      });
    const three = await Promise.all([open(), open(), open()]);
    expect(three.every((ws) => ws !== undefined)).toBe(true);
    expect(await open()).toBeUndefined();
    three[0]?.close();
    await eventually(async () => {
      const again = await open();
      again?.close();
      return again !== undefined;
    });
    for (const ws of three) ws?.close();
  });

  test("a form-encoded body on a JSON route is 415, and answers carry nosniff", async () => {
    const res = await fetch(`${base}/api/v1/queue/join`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: "Bearer load-test-bypass-token",
      },
      body: `event_id=${EVENT_ID}`,
    });
    expect(res.status).toBe(415);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("operators and webhooks", () => {
  test("the admin API needs the admin role and steers the queue live", async () => {
    const kim = await buyer("kim");
    const refused = await kim("GET", `/api/v1/admin/events/${EVENT_ID}/queue`);
    expect([refused.status, refused.body.error.code]).toEqual([403, "FORBIDDEN"]);
    const admin = apiClient(base, ADMIN);
    const changed = await admin("PATCH", `/api/v1/admin/events/${EVENT_ID}/queue`, { rate: 5, cap: 50 });
    expect(changed.body).toMatchObject({ event_id: EVENT_ID, rate: 5, cap: 50, paused: false });
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/pause`)).body.paused).toBe(true);
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/resume`)).body.paused).toBe(false);
    await admin("PATCH", `/api/v1/admin/events/${EVENT_ID}/queue`, { rate: 1000, cap: 1000 });
  });

  test("the payment webhook accepts signed deliveries and refuses forged ones", async () => {
    const body = encodeEvent(
      newEvent("payment", {
        case: "paymentApproved",
        value: create(events.PaymentApprovedSchema, {
          paymentIntentId: "pi_x",
          reservationId: "rsv_x",
          amount: 1n,
          currency: "KRW",
        }),
      }),
    );
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/v1/payments/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    expect((await post(signWebhook("tt-dev-webhook-secret", body))).status).toBe(200);
    const forged = await post(signWebhook("not-the-secret", body));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
  });

  test("the gateway's readiness reports every downstream service", async () => {
    const ready = (await (await fetch(`${base}/readyz`)).json()) as {
      status: string;
      checks: Record<string, { ok: boolean }>;
    };
    expect(ready.status).toBe("ready");
    for (const name of ["redis", "inventory", "reservation", "payment"])
      expect(ready.checks[name]?.ok).toBe(true);
  });
});
