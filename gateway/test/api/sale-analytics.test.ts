// Sale analytics through a real purchase on the whole local platform: each step of the funnel is
// counted where it is decided (gateway; the order by the worker from reservation.confirmed), the
// abandoned place and the time in line too, and the operator's funnel view adds up what the
// gateways and the worker told Redis.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { ADMIN, apiClient, createOnSaleEvent, startApiPlatform } from "./platform.ts";

const EVENT_ID = `evt_sa_${Date.now().toString(36)}`;
let stack: LocalStack;
let base: string;
const idem = () => ({ "idempotency-key": crypto.randomUUID() });

beforeAll(async () => {
  stack = await startApiPlatform(60, { base: 27000 });
  base = stack.urls.gateway;
  const created = await createOnSaleEvent(base, EVENT_ID, "Analytics night", [
    { section_id: "A", name: "Floor", price: 50000, rows: 1, seats_per_row: 10 },
  ]);
  expect(created).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function buyer(userId: string) {
  const login = await apiClient(base)("POST", "/api/v1/auth/dev-login", { user_id: userId });
  expect(login.status).toBe(200);
  return apiClient(base, { authorization: `Bearer ${login.body.access_token}` });
}

/** The value of a series of this event in a service's /metrics (0 when absent). */
async function series(url: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`${name}{`) && l.includes(`event_id="${EVENT_ID}"`) && l.includes(labels));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("sale analytics", () => {
  test("a purchase moves the funnel from joined to confirmed; a place given up counts as abandoned", async () => {
    const admin = apiClient(base, ADMIN);
    const gatewayMetrics = stack.urls.metrics.gateway;
    const workerMetrics = stack.urls.metrics.worker;
    // Paused, so the buyer who leaves is still waiting when they do.
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/pause`)).status).toBe(200);
    const ann = await buyer("sa-ann");
    const ben = await buyer("sa-ben");
    const joined = await ann("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    expect(joined.status).toBe(202);
    const benJoined = await ben("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
    // A repeat join of the same buyer is the same place, not a new one.
    expect((await ben("POST", "/api/v1/queue/join", { event_id: EVENT_ID })).status).toBe(202);
    const benToken = encodeURIComponent(benJoined.body.waiting_token);
    expect((await ben("DELETE", `/api/v1/queue/leave?token=${benToken}`)).status).toBe(200);
    await Bun.sleep(300); // a little time in line
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/resume`)).status).toBe(200);

    const token = encodeURIComponent(joined.body.waiting_token);
    await eventually(
      async () => (await ann("GET", `/api/v1/queue/status?token=${token}`)).body.ready_for_entry === true,
    );
    const entered = await ann("POST", "/api/v1/queue/enter", { waiting_token: joined.body.waiting_token });
    const hold = {
      event_id: EVENT_ID,
      seat_ids: ["A-1-1"],
      reservation_token: entered.body.reservation_token,
    };
    const holdKey = idem();
    const held = await ann("POST", "/api/v1/reservations", hold, holdKey);
    expect(held.status).toBe(201);
    // A repeat of the hold is answered, not counted again.
    expect((await ann("POST", "/api/v1/reservations", hold, holdKey)).status).toBe(201);
    const intent = await ann(
      "POST",
      "/api/v1/payments/intent",
      { reservation_id: held.body.reservation_id, amount: 50000, currency: "KRW", scenario: "approve" },
      idem(),
    );
    expect(intent.status).toBe(200);
    await eventually(
      async () =>
        (await ann("GET", `/api/v1/reservations/${held.body.reservation_id}`)).body.status === "CONFIRMED",
      10_000,
    );

    expect(await series(gatewayMetrics, "sale_funnel_total", 'step="joined"')).toBe(2);
    expect(await series(gatewayMetrics, "sale_funnel_total", 'step="admitted"')).toBe(1);
    expect(await series(gatewayMetrics, "sale_funnel_total", 'step="held"')).toBe(1);
    expect(await series(gatewayMetrics, "sale_funnel_total", 'step="paid"')).toBe(1);
    // The order is counted once, by the worker, and nowhere else (the dashboard sums every service).
    await eventually(
      async () => (await series(workerMetrics, "sale_funnel_total", 'step="confirmed"')) === 1,
      5000,
    );
    expect(await series(stack.urls.metrics.reservation, "sale_funnel_total", 'step="confirmed"')).toBe(0);
    expect(await series(gatewayMetrics, "queue_abandoned_total", 'reason="left"')).toBe(1);
    expect(await series(gatewayMetrics, "queue_wait_seconds_count", "")).toBe(1);
    // Ann waited at least the 300 ms the line was paused: not in the first bucket's 0 s.
    expect(await series(gatewayMetrics, "queue_wait_seconds_sum", "")).toBeGreaterThanOrEqual(0.3);

    // The console's view: what every gateway added up in Redis (within a second), and the order.
    let view: { body: Record<string, unknown> } = { body: {} };
    await eventually(async () => {
      view = await admin("GET", `/api/v1/admin/events/${EVENT_ID}/funnel`);
      return (view.body.funnel as { paid?: number } | undefined)?.paid === 1;
    }, 5000);
    expect(view.body).toMatchObject({
      event_id: EVENT_ID,
      funnel: { joined: 2, admitted: 1, held: 1, paid: 1, confirmed: 1 },
      abandoned: { silent: 0, left: 1 },
      wait: { count: 1 },
    });
    const wait = view.body.wait as { p50_sec: number; buckets: Array<{ le: number | null; count: number }> };
    expect(wait.buckets.reduce((n, b) => n + b.count, 0)).toBe(1);
    expect(wait.p50_sec).toBeGreaterThan(0);

    // Buyers do not read it.
    expect((await ann("GET", `/api/v1/admin/events/${EVENT_ID}/funnel`)).status).toBe(403);
  }, 60_000);
});
