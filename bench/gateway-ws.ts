#!/usr/bin/env bun
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JoinAnswer, QueueFrame } from "@tt/kit/api";
import { freePort, startTestRedis } from "@tt/kit/testing";
import Redis from "ioredis";
/**
 * The live-queue WebSocket benchmark: `bun bench/gateway-ws.ts [--sockets N] [--seconds S] [--rate R]`.
 *
 * N waiters (default 10,000) join one event and each holds a WebSocket on ONE gateway process;
 * the gateway's own admission ticker then moves the line (R admissions/s, a move every 250 ms)
 * for S seconds. Every move must reach every socket still waiting (none lost), and the delay
 * from the move (its Redis stream id time) to the frame's arrival is measured (goal p99 ≤ 100 ms).
 * Right after, the same client opens N sockets on bare Bun.serve (servers/ws-reference.ts)
 * sending the same per-socket frames on the same schedule: the machine's floor for this fan-out
 * (each frame is one socket write), reported beside the gateway with gateway p99 ÷ reference p99.
 * Results: bench/results/gateway-ws-<time>.{json,md}.
 */
import { commandArgs, numberFlag } from "./lib/args.ts";
import { cpuSeconds, REPO, startBun } from "./lib/processes.ts";
import { startStubInventory } from "./lib/stub-inventory.ts";

const args = commandArgs({
  usage: "bun run --cwd bench gateway-ws [--sockets 10000] [--seconds 10] [--rate 200]",
  flags: ["sockets", "seconds", "rate"],
});
const SOCKETS = numberFlag(args, "sockets", 10_000);
const SECONDS = numberFlag(args, "seconds", 10);
const RATE = numberFlag(args, "rate", 200);
const EVENT = `evt_bench_ws_${Date.now().toString(36)}`;
const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "content-type": "application/json" };

/** One client socket: the arrival time and raw text of every frame, parsed after the run. */
interface Socket {
  ws: WebSocket;
  at: number[];
  raw: string[];
}
/** A frame as it arrived (the gateway's, or the reference server's of the same shape). */
interface Frame {
  at: number;
  type: QueueFrame["type"];
  /** Position frames only. */
  serving?: number;
  position?: number | null;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/**
 * Opens one socket per URL, 500 at a time, each resolved by its first frame. The client only
 * stamps and keeps each frame (parsing comes after the run): it shares the two CPUs with the
 * server it measures, and every microsecond it spends per frame would be counted as latency.
 */
async function openSockets(urls: string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < urls.length; start += 500) {
    const batch = urls.slice(start, start + 500).map(
      (url) =>
        new Promise<Socket>((resolve, reject) => {
          const socket: Socket = { ws: new WebSocket(url), at: [], raw: [] };
          socket.ws.onmessage = (m) => {
            socket.at.push(Date.now());
            socket.raw.push(m.data as string);
            if (socket.raw.length === 1) resolve(socket);
          };
          socket.ws.onerror = () => reject(new Error("socket error"));
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

const framesOf = (s: Socket): Frame[] =>
  s.raw.map((text, i) => {
    const f = JSON.parse(text) as QueueFrame;
    const at = s.at[i] ?? 0;
    return f.type === "position"
      ? { at, type: f.type, serving: f.serving, position: f.position }
      : { at, type: f.type };
  });

/**
 * Frames owed and delivered, and each position frame's delay after its move, for sockets that
 * hear every move from the one after `firstPosition`'s until the one that admits them.
 */
function score(sockets: Socket[], moves: Array<{ at: number; served: number }>) {
  const moveAt = new Map(moves.map((m) => [m.served, m.at]));
  const latencies: number[] = [];
  let expected = 0;
  let delivered = 0;
  for (const s of sockets) {
    const frames = framesOf(s);
    const firstPosition = frames[0]?.position ?? 0;
    const ready = frames.some((f) => f.type === "ready");
    const servedWhenReady = ready ? firstPosition : Number.POSITIVE_INFINITY;
    // A waiter at place p hears every move until the one that admits it (served ≥ p).
    const owed = moves.filter((m) => m.served < servedWhenReady);
    expected += owed.length + (ready ? 1 : 0);
    const heard = new Set(frames.filter((f) => f.type === "position" && f.serving).map((f) => f.serving));
    for (const m of owed) if (heard.has(m.served)) delivered += 1;
    if (ready) delivered += 1;
    for (const f of frames) {
      const at = f.serving ? moveAt.get(f.serving) : undefined;
      if (f.type === "position" && at) latencies.push(f.at - at);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    framesExpected: expected,
    framesDelivered: delivered,
    lost: expected - delivered,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    },
  };
}

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
        tokens[i] = ((await res.json()) as JoinAnswer).waiting_token;
      }
    }),
  );

  process.stdout.write(`opening ${SOCKETS} WebSockets…\n`);
  const wsBase = base.replace("http", "ws");
  const sockets = await openSockets(
    tokens.map((t) => `${wsBase}/api/v1/queue/ws?token=${encodeURIComponent(t)}`),
  );

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
  for (const s of sockets) s.ws.close();
  const gatewayScore = score(sockets, moves);
  await gateway.stop();

  // The same client and number of sockets against bare Bun doing the same fan-out, right after.
  process.stdout.write(`reference: ${SOCKETS} sockets on bare Bun.serve, ${moves.length} moves…\n`);
  const refPort = freePort();
  const reference = await startBun(
    "bench/servers/ws-reference.ts",
    { PORT: String(refPort) },
    `http://127.0.0.1:${refPort}/`,
  );
  const refSockets = await openSockets(Array.from({ length: SOCKETS }, () => `ws://127.0.0.1:${refPort}/ws`));
  const refCpuBefore = await cpuSeconds(reference.pid);
  await fetch(`http://127.0.0.1:${refPort}/moves?count=${moves.length}&every=250`, { method: "POST" });
  await Bun.sleep(moves.length * 250 + 1500);
  const referenceCpuPercent = Math.round(
    (((await cpuSeconds(reference.pid)) - refCpuBefore) / (moves.length * 0.25)) * 100,
  );
  const refMoves = (await (await fetch(`http://127.0.0.1:${refPort}/moves`)).json()) as typeof moves;
  for (const s of refSockets) s.ws.close();
  const referenceScore = score(refSockets, refMoves);
  await reference.stop();

  const at = new Date().toISOString();
  const p99Ratio =
    Math.round((gatewayScore.latencyMs.p99 / Math.max(1, referenceScore.latencyMs.p99)) * 100) / 100;
  const result = {
    at,
    machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version },
    sockets: SOCKETS,
    seconds: SECONDS,
    ratePerSec: RATE,
    moves: moves.length,
    gateway: { ...gatewayScore, cpuPercent: gatewayCpuPercent },
    reference: { ...referenceScore, cpuPercent: referenceCpuPercent },
    p99Ratio,
    goal: { lost: 0, p99Ms: 100 },
  };
  const pass = gatewayScore.lost === 0 && gatewayScore.latencyMs.p99 <= 100;
  const dir = join(REPO, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = at.replace(/[:.]/g, "-");
  writeFileSync(join(dir, `gateway-ws-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const row = (name: string, r: typeof gatewayScore, cpu: number) =>
    `| ${name} | ${r.framesExpected} | ${r.framesDelivered} | ${r.lost} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${cpu} % |`;
  const md = [
    `# gateway-ws — ${at}`,
    "",
    `${SOCKETS} WebSockets on one server process, ${moves.length} queue moves in ${SECONDS} s (${RATE} admissions/s, a move every 250 ms); client, server and Redis on this ${result.machine.cpus}-CPU machine. The reference is bare Bun.serve sending the same per-socket frames to the same number of sockets from the same client, right after: the machine's floor.`,
    "",
    "| server | frames expected | delivered | lost | p50 ms | p95 ms | p99 ms | max ms | server CPU |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("gateway", gatewayScore, gatewayCpuPercent),
    row("reference", referenceScore, referenceCpuPercent),
    "",
    `**goal: none lost, p99 ≤ 100 ms — ${pass ? "met" : "NOT met"}** (gateway p99 ÷ reference p99 = ${p99Ratio})`,
    "",
  ].join("\n");
  writeFileSync(join(dir, `gateway-ws-${stamp}.md`), md);
  process.stdout.write(`\n${md}`);
} finally {
  redis.disconnect();
  await gateway.stop().catch(() => undefined);
  await inventory.stop();
  await redisServer.stop();
}
