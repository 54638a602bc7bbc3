import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestRedis, type TestRedis } from "@tt/kit/testing";
import { startQueueGateway, type TestGateway } from "./support.ts";

let redisServer: TestRedis;
let gateways: TestGateway[] = [];

beforeAll(async () => {
  redisServer = await startTestRedis();
  gateways = [await startQueueGateway(redisServer.url), await startQueueGateway(redisServer.url)];
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await redisServer.stop();
});

interface Frame {
  type: string;
  position?: number;
  eta_sec?: number | null;
  serving?: number;
}

/** A WebSocket client that records every frame. */
async function follow(gateway: TestGateway, token: string) {
  const frames: Frame[] = [];
  const ws = new WebSocket(`${gateway.wsUrl}/api/v1/queue/ws?token=${encodeURIComponent(token)}`);
  ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  await eventually(() => frames.length > 0);
  return { ws, frames, last: () => frames[frames.length - 1] };
}

async function join(gateway: TestGateway, eventId: string) {
  const res = await fetch(`${gateway.url}/api/v1/queue/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ event_id: eventId }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { waiting_token: string; position_hint: number };
}

describe("the live queue over WebSocket", () => {
  test("clients on two gateway processes all receive every queue move", async () => {
    const eventId = `evt_ws_${Date.now()}`;
    const [a, b] = gateways as [TestGateway, TestGateway];
    const clients: ({ joined: { waiting_token: string; position_hint: number } } & Awaited<
      ReturnType<typeof follow>
    >)[] = [];
    for (let i = 0; i < 40; i++) {
      const gateway = i % 2 === 0 ? a : b;
      const joined = await join(gateway, eventId);
      clients.push({ joined, ...(await follow(gateway, joined.waiting_token)) });
    }
    for (const c of clients)
      expect(c.last()).toMatchObject({ type: "position", position: c.joined.position_hint });

    // Two admission ticks of 10 each (default rate 10/s): everyone moves up 10, then 20.
    for (const [tick, admittedSoFar] of [
      [1, 10],
      [2, 20],
    ] as const) {
      // Admission credit accrues in real time here: a second's worth per tick.
      if (tick > 1) await Bun.sleep(1000);
      await a.room.admitTick(eventId);
      await eventually(() =>
        clients.every((c) => {
          const expected = c.joined.position_hint - admittedSoFar;
          const frame = c.last();
          return expected <= 0 ? frame?.type === "ready" : frame?.position === expected;
        }),
      );
    }
    const ready = clients.filter((c) => c.last()?.type === "ready");
    expect(ready).toHaveLength(20);
    const waiting = clients.filter((c) => c.last()?.type === "position");
    expect(waiting.every((c) => c.last()?.serving === 20 && (c.last()?.eta_sec ?? 0) > 0)).toBe(true);
    for (const c of clients) c.ws.close();
  });

  test("a reconnecting client keeps its place", async () => {
    const eventId = `evt_ws_re_${Date.now()}`;
    const [a, b] = gateways as [TestGateway, TestGateway];
    const first = await join(a, eventId);
    const second = await join(a, eventId);
    const third = await join(a, eventId);
    const client = await follow(a, third.waiting_token);
    expect(client.last()).toMatchObject({ position: 3 });
    client.ws.close();

    await a.room.leave(first.waiting_token);
    const again = await follow(b, third.waiting_token);
    expect(again.last()).toMatchObject({ type: "position", position: 2 });
    await a.room.leave(second.waiting_token);
    await eventually(() => again.last()?.position === 1);
    again.ws.close();
  });

  test("moves faster than a second reach a socket as at most one position frame a second, the latest place last", async () => {
    const eventId = `evt_ws_burst_${Date.now()}`;
    const gw = gateways[0] as TestGateway;
    const ahead = [];
    for (let i = 0; i < 6; i++) ahead.push(await join(gw, eventId));
    const mine = await join(gw, eventId);
    const client = await follow(gw, mine.waiting_token);
    expect(client.last()).toMatchObject({ type: "position", position: 7 });
    const started = performance.now();
    // Six moves within a few milliseconds: six places given up ahead of this waiter.
    await Promise.all(ahead.map((a) => gw.room.leave(a.waiting_token)));
    await eventually(() => client.last()?.position === 1);
    const positions = client.frames.slice(1).filter((f) => f.type === "position");
    // The first move goes out at once, the rest together on the next flush (≤ 1 s later).
    expect(positions.length).toBeLessThanOrEqual(2);
    expect(performance.now() - started).toBeLessThan(2500);
    client.ws.close();
  });

  test("a client whose place was given up is told so", async () => {
    const eventId = `evt_ws_left_${Date.now()}`;
    const joined = await join(gateways[0] as TestGateway, eventId);
    const client = await follow(gateways[0] as TestGateway, joined.waiting_token);
    await fetch(`${gateways[0]?.url}/api/v1/queue/leave?token=${encodeURIComponent(joined.waiting_token)}`, {
      method: "DELETE",
    });
    await eventually(() => client.last()?.type === "left");
    client.ws.close();
  });

  test("an unknown or malformed token gets one frame saying so", async () => {
    // A token the room does not know is a place it lost (docs/spec.md, "Live queue").
    const unknown = await follow(gateways[0] as TestGateway, "evt_x.AAAAAAAAAAAAAAAAAAAAAA");
    expect(unknown.last()).toMatchObject({ type: "error", code: "QUEUE_PLACE_LOST" });
    const malformed = await follow(gateways[0] as TestGateway, "garbage");
    expect(malformed.last()).toMatchObject({ type: "error", code: "VALIDATION_FAILED" });
  });

  test("the connection gauge follows open sockets", async () => {
    const eventId = `evt_ws_gauge_${Date.now()}`;
    const gw = gateways[1] as TestGateway;
    const joined = await join(gw, eventId);
    const client = await follow(gw, joined.waiting_token);
    const gauge = async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      return Number(text.match(/^websocket_connections(?:\{[^}]*\})? (\d+)/m)?.[1]);
    };
    const open = await gauge();
    expect(open).toBeGreaterThanOrEqual(1);
    client.ws.close();
    await eventually(async () => (await gauge()) === open - 1);
  });
});
