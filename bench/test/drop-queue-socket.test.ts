// How a drop buyer's wait on the live queue counts a refused socket: a retryable refusal (Redis
// restarting) that a reconnect within 5 s turns into the place back is a retried try, as the web
// app lives it; a refusal no reconnect recovers from is an error. A stand-in gateway speaks the
// frames from a script per connection.
import { afterAll, expect, test } from "bun:test";
import { BuyerClient } from "../drop/client.ts";
import { waitForAdmission } from "../drop/queue-socket.ts";
import { DropStats } from "../drop/stats.ts";

const REDIS_DOWN = { type: "error", code: "UPSTREAM_UNAVAILABLE", message: "Redis is unavailable" };
const BAD_TOKEN = { type: "error", code: "VALIDATION_FAILED", message: "token: malformed" };

// Per token, the frames each successive connection gets; a script's last connection is kept open.
const scripts: Record<string, object[][]> = {
  blip: [[REDIS_DOWN], [{ type: "position", position: 3 }, { type: "ready" }]],
  broken: [[BAD_TOKEN], [{ type: "ready" }]],
};
const connections = new Map<string, number>();

const gateway = Bun.serve<{ token: string }, never>({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req, server) {
    const token = new URL(req.url).searchParams.get("token") ?? "";
    return server.upgrade(req, { data: { token } }) ? undefined : new Response("no", { status: 400 });
  },
  websocket: {
    open(ws) {
      const n = connections.get(ws.data.token) ?? 0;
      connections.set(ws.data.token, n + 1);
      const script = scripts[ws.data.token] ?? [];
      for (const frame of script[n] ?? []) ws.send(JSON.stringify(frame));
      // As the gateway does, an error frame is followed by the close.
      if (n < script.length - 1) ws.close(1011, "refused");
    },
    message() {},
  },
});
afterAll(() => gateway.stop(true));

const wait = (token: string, stats: DropStats) =>
  waitForAdmission(
    `ws://127.0.0.1:${gateway.port}`,
    token,
    new BuyerClient(`http://127.0.0.1:${gateway.port}`, "buyer-1", stats, 2000),
    stats,
    { silenceMs: 60_000, maxWaitMs: 10_000 },
  );

test("a retryable refusal that a reconnect recovers from is counted as retried, not as an error", async () => {
  const stats = new DropStats();
  expect(await wait("blip", stats)).toBe("ready");
  expect(connections.get("blip")).toBe(2);
  expect(stats.errors).toBe(0);
  expect(stats.retried).toBe(1);
});

test("a refusal that is not retryable is an error even though the next connection gets through", async () => {
  const stats = new DropStats();
  expect(await wait("broken", stats)).toBe("ready");
  expect(stats.errors).toBe(1);
  expect(stats.retried).toBe(0);
});
