// Black-box attacks on the live queue's sockets (#18 part 4) that the other edge files leave out:
// the cap on sockets per client address, and a client frame past the 4 KB limit. Each refusal is
// what a client would see (429 in the standard body, close code 1009), and each leaves no socket
// or watcher behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestRedis, type TestRedis } from "@tt/kit/testing";
import { CachedEventDirectory } from "../src/adapters/upstream/event-directory.connect.ts";
import { type EdgeGateway, startEdgeGateway, upgradeHeaders } from "./edge-support.ts";

let server: TestRedis;
let gw: EdgeGateway;

beforeAll(async () => {
  server = await startTestRedis();
  gw = await startEdgeGateway(
    server.url,
    {
      TRUST_PROXY: "true",
      RATE_LIMIT_PER_SEC: "1000",
      RATE_LIMIT_BURST: "1000",
      WS_UPGRADE_RATE_PER_SEC: "1000",
      WS_UPGRADE_BURST: "1000",
      WS_MAX_PER_TOKEN: "0",
      WS_MAX_PER_CLIENT: "2",
      QUEUE_TICKER_ENABLED: "false",
    },
    undefined,
    undefined,
    // No inventory behind this gateway: every event exists.
    new CachedEventDirectory(async () => true),
  );
});

afterAll(async () => {
  await gw?.stop();
  await server?.stop();
});

const openSockets = async () =>
  Number(
    (await (await fetch(`${gw.url}/metrics`)).text()).match(
      /^websocket_connections(?:\{[^}]*\})? (\d+)/m,
    )?.[1] ?? 0,
  );

/** A waiting token from `ip`. */
async function place(ip: string): Promise<string> {
  const res = await fetch(`${gw.url}/api/v1/queue/join`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ event_id: "evt_ws_limits" }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { waiting_token: string }).waiting_token;
}

/** A socket from `ip`, with its frames, whether it opened, and how it closed. */
function socket(token: string, ip: string) {
  const url = `${gw.url.replace("http", "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`;
  // Bun's WebSocket takes headers: the address the gateway trusts through the proxy header.
  const ws = new WebSocket(url, { headers: { "x-forwarded-for": ip } } as unknown as string[]);
  const frames: Array<{ type: string }> = [];
  const opened = Promise.withResolvers<boolean>();
  const closed = Promise.withResolvers<number>();
  ws.onopen = () => opened.resolve(true);
  ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)));
  ws.onerror = () => opened.resolve(false);
  ws.onclose = (e) => {
    opened.resolve(false);
    closed.resolve(e.code);
  };
  return { ws, frames, opened: opened.promise, closed: closed.promise };
}

describe("the live queue's sockets", () => {
  test("one address holds at most WS_MAX_PER_CLIENT sockets: the next is refused and opens nothing; another address is not held back", async () => {
    const before = await openSockets();
    const ip = "10.77.0.1";
    const first = socket(await place(ip), ip);
    const second = socket(await place(ip), ip);
    expect([await first.opened, await second.opened]).toEqual([true, true]);
    await eventually(async () => (await openSockets()) === before + 2);

    const third = socket(await place(ip), ip);
    expect(await third.opened).toBe(false);
    expect(await openSockets()).toBe(before + 2);
    // The refusal itself, as a client without WebSocket support sees it.
    const res = await fetch(`${gw.url}/api/v1/queue/ws?token=${encodeURIComponent(await place(ip))}`, {
      headers: upgradeHeaders({ "x-forwarded-for": ip }),
    });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBeTruthy();

    const elsewhere = socket(await place("10.77.0.2"), "10.77.0.2");
    expect(await elsewhere.opened).toBe(true);
    // One closes: the address may open another.
    first.ws.close();
    await first.closed;
    await eventually(async () => (await openSockets()) === before + 2);
    const again = socket(await place(ip), ip);
    expect(await again.opened).toBe(true);
    for (const s of [second, elsewhere, again]) s.ws.close();
    await eventually(async () => (await openSockets()) === before);
  }, 20_000);

  test("a client frame over 4 KB closes the socket with 1009 and leaves no watcher behind", async () => {
    const before = await openSockets();
    const ip = "10.77.0.3";
    const s = socket(await place(ip), ip);
    expect(await s.opened).toBe(true);
    await eventually(() => s.frames.length > 0);
    s.ws.send(JSON.stringify({ type: "watch", reservation_id: "rsv_x", watch_token: "x".repeat(5000) }));
    expect(await s.closed).toBe(1009);
    await eventually(async () => (await openSockets()) === before);
  }, 20_000);
});
