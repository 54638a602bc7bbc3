// The line on the whole real platform. It knows the stock: when no seat is AVAILABLE the people
// in line hear it at once (and stop being admitted), seats that come back reopen admission, and
// when everything is sold the line closes. And its admission can tune itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { apiClient, createOnSaleEvent, startApiPlatform } from "./platform.ts";

const EVENT_ID = `evt_sold_${Date.now().toString(36)}`;
const SEATS = ["A-1-1", "A-1-2", "A-1-3", "A-1-4"];
let stack: LocalStack;
let base: string;

beforeAll(async () => {
  stack = await startApiPlatform(60, { base: 15000, env: { QUEUE_STOCK_EVERY_MS: "200" } });
  base = stack.urls.gateway;
  const created = await createOnSaleEvent(base, EVENT_ID, "Sold out night", [
    { section_id: "A", name: "Floor", price: 50000, rows: 1, seats_per_row: 4 },
  ]);
  expect(created).toBe(201);
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
const join = (b: Buyer) => b("POST", "/api/v1/queue/join", { event_id: EVENT_ID });
const status = (b: Buyer, token: string) =>
  b("GET", `/api/v1/queue/status?token=${encodeURIComponent(token)}`);

/** Join → admitted → enter: a reservation token. */
async function admitted(b: Buyer): Promise<string> {
  const token = (await join(b)).body.waiting_token;
  await eventually(async () => (await status(b, token)).body.ready_for_entry === true, 5000, 20);
  const entered = await b("POST", "/api/v1/queue/enter", { waiting_token: token });
  expect(entered.status).toBe(200);
  return entered.body.reservation_token;
}

/** A hold of `seatIds` with a reservation token: the reservation id. */
async function hold(b: Buyer, reservationToken: string, seatIds: string[]): Promise<string> {
  const held = await b(
    "POST",
    "/api/v1/reservations",
    { event_id: EVENT_ID, seat_ids: seatIds, reservation_token: reservationToken },
    { "idempotency-key": crypto.randomUUID() },
  );
  expect(held.status).toBe(201);
  return held.body.reservation_id;
}

/** A WebSocket following a waiting token, recording every frame (with when it came) and the close. */
function follow(token: string) {
  const frames: Array<{ type: string; sale?: string; seats_held?: number; at: number }> = [];
  const closed = Promise.withResolvers<{ code: number; reason: string }>();
  const ws = new WebSocket(
    `${base.replace("http", "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`,
  );
  ws.onmessage = (m) => frames.push({ ...JSON.parse(String(m.data)), at: Date.now() });
  ws.onclose = (e) => closed.resolve({ code: e.code, reason: e.reason });
  return { ws, frames, closed: closed.promise };
}

const saleFrames = <F extends { type: string }>(frames: F[]) => frames.filter((f) => f.type === "sale");
const admin = (...args: Parameters<Buyer>) =>
  apiClient(base, { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" })(...args);

describe("sold out", () => {
  const alice = buyer("sold-alice");
  const bob = buyer("sold-bob");
  const carol = buyer("sold-carol");
  let aliceHold = "";
  let bobHold = "";
  let carolToken = "";
  let carolSocket: ReturnType<typeof follow>;

  test("a line with seats says it is on sale", async () => {
    const joined = await join(buyer("sold-early"));
    expect(joined.status).toBe(202);
    expect(joined.body).toMatchObject({ sale: "on_sale" });
  }, 10_000);

  test("the last seat held: people in line hear it within 5 s, by frame and status, and are not admitted", async () => {
    const [aliceToken, bobToken] = [await admitted(alice), await admitted(bob)];
    // Carol waits with admission paused, so that she is still in line when the seats go.
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/pause`)).status).toBe(200);
    carolToken = (await join(carol)).body.waiting_token;
    carolSocket = follow(carolToken);
    await eventually(() => carolSocket.frames.length > 0);
    expect(saleFrames(carolSocket.frames)).toEqual([]);

    aliceHold = await hold(alice, aliceToken, SEATS.slice(0, 2));
    bobHold = await hold(bob, bobToken, SEATS.slice(2));
    const tookLast = Date.now();
    await eventually(() => saleFrames(carolSocket.frames).length > 0, 5000, 20);
    const told = saleFrames(carolSocket.frames)[0];
    expect(told).toMatchObject({ sale: "sold_out", seats_held: 4 });
    expect((told?.at ?? Number.POSITIVE_INFINITY) - tookLast).toBeLessThan(5000);

    expect((await status(carol, carolToken)).body).toMatchObject({
      status: "waiting",
      sale: "sold_out",
      seats_held: 4,
    });
    const late = await join(buyer("sold-late"));
    expect([late.status, late.body.sale, late.body.seats_held]).toEqual([202, "sold_out", 4]);
    // Admission resumes, yet spends no place on an event with nothing to sell.
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/resume`)).status).toBe(200);
    await Bun.sleep(1000);
    expect((await status(carol, carolToken)).body.status).toBe("waiting");
    expect(carolSocket.frames.some((f) => f.type === "ready")).toBe(false);
  }, 30_000);

  test("seats that come back reopen admission by themselves", async () => {
    expect((await bob("POST", `/api/v1/reservations/${bobHold}/cancel`)).status).toBe(200);
    await eventually(() => carolSocket.frames.some((f) => f.type === "ready"), 5000, 20);
    const reopened = saleFrames(carolSocket.frames).at(-1);
    expect(reopened).toMatchObject({ sale: "on_sale" });
  }, 15_000);

  test("everything sold: the line closes, everyone in it is told, and a join is refused", async () => {
    // Carol takes the two seats that came back.
    const entered = await carol("POST", "/api/v1/queue/enter", { waiting_token: carolToken });
    const carolHold = await hold(carol, entered.body.reservation_token, SEATS.slice(2));
    // Dave waits (admission paused, so that no reading a moment old lets him in).
    expect((await admin("POST", `/api/v1/admin/events/${EVENT_ID}/queue/pause`)).status).toBe(200);
    const dave = buyer("sold-dave");
    const daveToken = (await join(dave)).body.waiting_token;
    const daveSocket = follow(daveToken);
    await eventually(() => saleFrames(daveSocket.frames).some((f) => f.sale === "sold_out"));
    for (const [who, id] of [
      [alice, aliceHold],
      [carol, carolHold],
    ] as const) {
      const intent = await who(
        "POST",
        "/api/v1/payments/intent",
        { reservation_id: id, amount: 100000, currency: "KRW", scenario: "approve" },
        { "idempotency-key": crypto.randomUUID() },
      );
      expect(intent.status).toBe(200);
    }
    const close = await daveSocket.closed;
    expect(saleFrames(daveSocket.frames).at(-1)).toMatchObject({ sale: "closed", seats_held: 0 });
    expect(close.code).toBe(1000);
    expect((await status(dave, daveToken)).body).toMatchObject({ sale: "closed" });
    const refused = await join(buyer("sold-never"));
    expect([refused.status, refused.body.error?.code]).toEqual([409, "SOLD_OUT"]);
  }, 30_000);
});

describe("self-tuning admission", () => {
  const TUNED = `${EVENT_ID}_auto`;

  test("bounds are checked, kept with the event, and shown with the rate chosen", async () => {
    const created = await createOnSaleEvent(base, TUNED, "Tuned night", [
      { section_id: "A", name: "Floor", price: 50000, rows: 10, seats_per_row: 10 },
    ]);
    expect(created).toBe(201);
    const path = `/api/v1/admin/events/${TUNED}/queue`;
    const wrong = await admin("PATCH", path, { admission: "auto", rate_min: 20, rate_max: 10 });
    expect([wrong.status, wrong.body.error?.code]).toEqual([400, "VALIDATION_FAILED"]);
    const set = await admin("PATCH", path, { rate: 2, admission: "auto", rate_min: 2, rate_max: 40 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ rate: 2, admission: "auto", rate_min: 2, rate_max: 40 });
  }, 30_000);

  test("with nothing going wrong and people waiting, the rate climbs from the floor within seconds", async () => {
    const people = Array.from({ length: 200 }, (_, i) => buyer(`tuned-${i}`));
    const from = Date.now();
    await Promise.all(people.map((p) => p("POST", "/api/v1/queue/join", { event_id: TUNED })));
    const path = `/api/v1/admin/events/${TUNED}/queue`;
    await eventually(async () => ((await admin("GET", path)).body.auto_rate ?? 0) >= 6, 8000, 200);
    const view = (await admin("GET", path)).body;
    expect(view.admission).toBe("auto");
    // More admitted than the floor alone could have let in (2/s, plus a first second's credit).
    expect(view.served).toBeGreaterThan(2 * ((Date.now() - from) / 1000 + 1));
    const fixed = await admin("PATCH", path, { admission: "fixed" });
    expect(fixed.body).toMatchObject({ admission: "fixed", rate: 2, rate_min: null, auto_rate: null });
  }, 30_000);
});
