#!/usr/bin/env bun
/**
 * The live-queue WebSocket benchmark: `bun bench/gateway-ws.ts [--sockets N] [--seconds S] [--rate R]`.
 *
 * N waiters (default 10,000) join one event and each holds a WebSocket on ONE gateway process;
 * the gateway's own admission ticker then moves the line (R admissions/s, a move every 250 ms)
 * for S seconds. Every move must reach every socket still waiting (none lost), and the delay
 * from the move (its Redis stream id time) to the frame's arrival is measured (goal p99 ≤ 100 ms).
 * Results: bench/results/gateway-ws-<time>.{json,md}.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startTestRedis } from "@tt/kit/testing";
import Redis from "ioredis";
import { cpuSeconds, REPO, startBun } from "./lib/processes.ts";
import { startStubInventory } from "./lib/stub-inventory.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? "", process.argv[i + 1] ?? "");
const SOCKETS = Number(args.get("--sockets") ?? 10_000);
const SECONDS = Number(args.get("--seconds") ?? 10);
const RATE = Number(args.get("--rate") ?? 200);
const EVENT = `evt_bench_ws_${Date.now().toString(36)}`;
const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "content-type": "application/json" };

interface Socket {
  ws: WebSocket;
  firstPosition: number;
  frames: { at: number; type: string; serving?: number; position?: number }[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

const redisServer = await startTestRedis();
const inventory = await startStubInventory();
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const gateway = await startBun(
  "gateway/src/main.ts",
  {
    PORT: String(port),
    RPC_PORT: "0",
    HOST: "127.0.0.1",
    REDIS_URL: redisServer.url,
    INVENTORY_URL: inventory.url,
    RATE_LIMIT_ENABLED: "false",
    QUEUE_TICK_MS: "250",
    QUEUE_ADMIT_CAP: "1000000",
    LOG_LEVEL: "warn",
  },
  `${base}/healthz`,
);
const redis = new Redis(redisServer.url);

try {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${base}/api/v1/admin/events/${EVENT}/queue${path}`, {
      method,
      headers: ADMIN,
      body: JSON.stringify(body),
    });
  await admin("POST", "/pause");

  process.stdout.write(`joining ${SOCKETS} waiters…\n`);
  const tokens: string[] = new Array(SOCKETS);
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < SOCKETS) {
        const i = next++;
        const res = await fetch(`${base}/api/v1/queue/join`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ event_id: EVENT }),
        });
        tokens[i] = ((await res.json()) as { waiting_token: string }).waiting_token;
      }
    }),
  );

  process.stdout.write(`opening ${SOCKETS} WebSockets…\n`);
  const sockets: Socket[] = [];
  for (let start = 0; start < SOCKETS; start += 500) {
    const batch = tokens.slice(start, start + 500).map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const socket: Socket = {
            ws: new WebSocket(
              `${base.replace("http", "ws")}/api/v1/queue/ws?token=${encodeURIComponent(token)}`,
            ),
            firstPosition: 0,
            frames: [],
          };
          socket.ws.onmessage = (m) => {
            const frame = JSON.parse(String(m.data));
            if (socket.frames.length === 0 && frame.type === "position") {
              socket.firstPosition = frame.position;
              resolve(socket);
            }
            socket.frames.push({
              at: Date.now(),
              type: frame.type,
              serving: frame.serving,
              position: frame.position,
            });
          };
          socket.ws.onerror = () => reject(new Error("socket error"));
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }

  const lastBefore = (await redis.xrevrange(`tt:q:{${EVENT}}:moves`, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";
  const cpuBefore = await cpuSeconds(gateway.pid);
  process.stdout.write(`admitting ${RATE}/s for ${SECONDS} s…\n`);
  await admin("PATCH", "", { rate: RATE });
  await admin("POST", "/resume");
  await Bun.sleep(SECONDS * 1000);
  await admin("POST", "/pause");
  const gatewayCpuPercent = Math.round((((await cpuSeconds(gateway.pid)) - cpuBefore) / SECONDS) * 100);
  await Bun.sleep(1500);

  // Every move of the run, by the "served" count it carries, with its time (stream id ms).
  const moves = (await redis.xrange(`tt:q:{${EVENT}}:moves`, `(${lastBefore}`, "+")).map(([id, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] ?? ""] = fields[i + 1] ?? "";
    return { at: Number(id.split("-")[0]), served: Number(f.served) };
  });
  const moveAt = new Map(moves.map((m) => [m.served, m.at]));

  const latencies: number[] = [];
  let expected = 0;
  let delivered = 0;
  for (const s of sockets) {
    const readyAt = s.frames.findIndex((f) => f.type === "ready");
    const servedWhenReady = readyAt >= 0 ? s.firstPosition : Number.POSITIVE_INFINITY;
    // A waiter at place p hears every move until the one that admits it (served ≥ p).
    const owed = moves.filter((m) => m.served < servedWhenReady);
    expected += owed.length + (readyAt >= 0 ? 1 : 0);
    const heard = new Set(s.frames.filter((f) => f.type === "position" && f.serving).map((f) => f.serving));
    for (const m of owed) if (heard.has(m.served)) delivered += 1;
    if (readyAt >= 0) delivered += 1;
    for (const f of s.frames) {
      const at = f.serving ? moveAt.get(f.serving) : undefined;
      if (f.type === "position" && at) latencies.push(f.at - at);
    }
  }
  for (const s of sockets) s.ws.close();
  latencies.sort((a, b) => a - b);
  const lost = expected - delivered;
  const result = {
    at: new Date().toISOString(),
    machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version },
    sockets: SOCKETS,
    seconds: SECONDS,
    ratePerSec: RATE,
    moves: moves.length,
    framesExpected: expected,
    framesDelivered: delivered,
    lost,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    },
    gatewayCpuPercent,
    goal: { lost: 0, p99Ms: 100 },
  };
  const pass = lost === 0 && result.latencyMs.p99 <= 100;
  const dir = join(REPO, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, "-");
  writeFileSync(join(dir, `gateway-ws-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    `# gateway-ws — ${result.at}`,
    "",
    `${SOCKETS} WebSockets on one gateway process, ${moves.length} queue moves in ${SECONDS} s (${RATE} admissions/s, a move every 250 ms); client, gateway and Redis on this ${result.machine.cpus}-CPU machine.`,
    "",
    "| frames expected | delivered | lost | p50 ms | p95 ms | p99 ms | max ms | gateway CPU |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${expected} | ${delivered} | ${lost} | ${result.latencyMs.p50} | ${result.latencyMs.p95} | ${result.latencyMs.p99} | ${result.latencyMs.max} | ${gatewayCpuPercent} % |`,
    "",
    `**goal: none lost, p99 ≤ 100 ms — ${pass ? "met" : "NOT met"}**`,
    "",
  ].join("\n");
  writeFileSync(join(dir, `gateway-ws-${stamp}.md`), md);
  process.stdout.write(`\n${md}`);
} finally {
  redis.disconnect();
  await gateway.stop();
  await inventory.stop();
  await redisServer.stop();
}
