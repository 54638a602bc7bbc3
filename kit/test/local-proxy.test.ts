// The local load balancer in front of gateway replicas: connections spread over the replicas,
// HTTP and WebSockets pass through untouched, and a replica that is gone is stepped over.
import { afterAll, expect, test } from "bun:test";
import { startTcpProxy } from "../src/local/proxy.ts";
import { freePort } from "../src/testing.ts";

function replica(name: string) {
  return Bun.serve({
    port: 0,
    fetch(request, server) {
      if (server.upgrade(request)) return undefined;
      return new Response(`${name} ${"x".repeat(Number(new URL(request.url).searchParams.get("big") ?? 0))}`);
    },
    websocket: {
      message: (ws, message) => {
        ws.send(`${name} heard ${message}`);
      },
    },
  });
}

const a = replica("a");
const b = replica("b");
const port = freePort();
const proxy = startTcpProxy(port, [a.port ?? 0, b.port ?? 0]);
afterAll(() => {
  proxy.stop(true);
  a.stop(true);
  b.stop(true);
});

// A new connection per request, as each buyer's browser brings its own.
const ask = async (query = "") => {
  const res = await fetch(`http://127.0.0.1:${port}/${query}`, { headers: { connection: "close" } });
  return (await res.text()).split(" ")[0];
};

test("connections take turns over the replicas, a large answer arriving whole", async () => {
  const names = [];
  for (let i = 0; i < 6; i++) names.push(await ask());
  expect(names.filter((n) => n === "a")).toHaveLength(3);
  expect(names.filter((n) => n === "b")).toHaveLength(3);
  const res = await fetch(`http://127.0.0.1:${port}/?big=3000000`);
  expect((await res.text()).length).toBeGreaterThan(3_000_000);
});

test("a WebSocket passes through both ways", async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const heard = new Promise<string>((resolve) => {
    ws.onmessage = (event) => resolve(String(event.data));
  });
  await new Promise((resolve) => {
    ws.onopen = resolve;
  });
  ws.send("hello");
  expect(await heard).toMatch(/^[ab] heard hello$/);
  ws.close();
});

test("with one replica gone every new connection reaches the other", async () => {
  a.stop(true);
  const names = [];
  for (let i = 0; i < 6; i++) names.push(await ask());
  expect(names).toEqual(Array(6).fill("b"));
});
