// Scheduled sales on the whole real platform: an event created with a sale window a few seconds
// ahead drives its line with no operator — buyers who join before the opening wait without a
// place (a countdown instead), admission starts at the opening, and from the close joins are
// 409 SALE_CLOSED while the buyers still waiting are told the sale has ended.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { ADMIN, apiClient, startApiPlatform } from "./platform.ts";

const EVENT_ID = `evt_sched_${Date.now().toString(36)}`;
let stack: LocalStack;
let base: string;
let opensAt = 0;
let closesAt = 0;

beforeAll(async () => {
  stack = await startApiPlatform(60, { base: 29000 });
  base = stack.urls.gateway;
  opensAt = Date.now() + 4000;
  closesAt = opensAt + 6000;
  const created = await apiClient(base, ADMIN)("POST", "/api/v1/admin/events", {
    event_id: EVENT_ID,
    name: "Scheduled night",
    venue: "Test Hall",
    starts_at: new Date(closesAt + 86_400_000).toISOString(),
    sale_opens_at: new Date(opensAt).toISOString(),
    sale_closes_at: new Date(closesAt).toISOString(),
    currency: "KRW",
    sections: [{ section_id: "A", name: "Floor", price: 50000, rows: 1, seats_per_row: 10 }],
  });
  expect(created.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

type Buyer = ReturnType<typeof apiClient>;
// Read `base` at call time: buyers are named while the file is collected, before the platform is up.
const buyer =
  (name: string): Buyer =>
  (...args) =>
    apiClient(base, { authorization: "Bearer load-test-bypass-token", "x-user-id": name })(...args);
const admin = (...args: Parameters<Buyer>) => apiClient(base, ADMIN)(...args);
const join = (b: Buyer) => b("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
const status = (b: Buyer, token: string) =>
  b("GET", `/api/v1/queue/status?token=${encodeURIComponent(token)}`);

/** A WebSocket following a waiting token, recording every frame and the close. */
function follow(token: string) {
  const frames: Array<{ type: string; sale?: string; position?: number | null; at: number }> = [];
  const closed = Promise.withResolvers<{ code: number; reason: string }>();
  const ws = new WebSocket(
    `${base.replace("http", "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`,
  );
  ws.onmessage = (m) => frames.push({ ...JSON.parse(String(m.data)), at: Date.now() });
  ws.onclose = (e) => closed.resolve({ code: e.code, reason: e.reason });
  return { ws, frames, closed: closed.promise };
}

describe("a scheduled sale", () => {
  const alice = buyer("sched-alice");
  const bob = buyer("sched-bob");
  const carol = buyer("sched-carol");
  let carolToken = "";

  test("before the opening a join waits without a place, counting down; at the opening places are drawn and buyers admitted", async () => {
    expect(Date.now()).toBeLessThan(opensAt - 1000);
    const [a, b] = [await join(alice), await join(bob)];
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ status: "waiting", position_hint: null, sale: "on_sale" });
    expect(a.body.eta_sec).toBeGreaterThan(0);
    expect(a.body.eta_sec).toBeLessThanOrEqual(Math.ceil((opensAt - Date.now()) / 1000) + 1);
    const socket = follow(a.body.waiting_token);
    await eventually(async () => socket.frames.length > 0, 3000, 20);
    expect(socket.frames[0]).toMatchObject({ type: "position", position: null });

    // Nobody is admitted before the opening, without anyone steering the line.
    expect((await status(bob, b.body.waiting_token)).body.status).toBe("waiting");
    await eventually(async () => socket.frames.some((f) => f.type === "ready"), 10_000, 25);
    const ready = socket.frames.find((f) => f.type === "ready");
    expect(ready?.at).toBeGreaterThanOrEqual(opensAt);
    await eventually(async () => (await status(bob, b.body.waiting_token)).body.ready_for_entry, 3000, 25);
    socket.ws.close();

    // An admitted buyer buys inside the window: inventory agrees the sale is open.
    const entered = await alice("POST", "/api/v1/queue/enter", { waiting_token: a.body.waiting_token });
    expect(entered.status).toBe(200);
    const held = await alice(
      "POST",
      "/api/v1/reservations",
      { event_id: EVENT_ID, seat_ids: ["A-1-1"], reservation_token: entered.body.reservation_token },
      { "idempotency-key": crypto.randomUUID() },
    );
    expect(held.status).toBe(201);
  }, 20_000);

  test("from the close joins are 409 SALE_CLOSED, and a buyer still waiting is told the sale ended and admitted no more", async () => {
    // The operator holds the line, so carol is still waiting when the window closes.
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/pause`)).status).toBe(200);
    const c = await join(carol);
    expect(c.status).toBe(202);
    carolToken = c.body.waiting_token;
    const socket = follow(carolToken);
    await eventually(async () => socket.frames.length > 0, 3000, 20);
    expect(Date.now()).toBeLessThan(closesAt);

    const closed = await socket.closed;
    expect(Date.now()).toBeGreaterThanOrEqual(closesAt);
    const sale = socket.frames.filter((f) => f.type === "sale");
    expect(sale.at(-1)).toMatchObject({ sale: "ended" });
    expect(sale.at(-1)?.at).toBeLessThan(closesAt + 2000);
    expect(closed).toEqual({ code: 1000, reason: "sale ended" });
    expect((await status(carol, carolToken)).body).toMatchObject({ status: "waiting", sale: "ended" });

    const late = await join(buyer("sched-dave"));
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: "SALE_CLOSED" });
    expect(typeof late.body.error.message).toBe("string");

    // Resumed by the operator after the close, the line still admits nobody.
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/resume`)).status).toBe(200);
    await Bun.sleep(500);
    expect((await status(carol, carolToken)).body).toMatchObject({
      status: "waiting",
      ready_for_entry: false,
    });
  }, 20_000);
});
