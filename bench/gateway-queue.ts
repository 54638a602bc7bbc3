#!/usr/bin/env bun
/**
 * The gateway ratio benchmark: `bun bench/gateway-queue.ts [--seconds N] [--connections C]`.
 *
 * In one run, with the same load generator (oha, or wrk where oha is missing) and the same
 * private Redis, it measures
 *   1. reference: bare Bun.serve doing one auto-pipelined EVALSHA per request;
 *   2. join:   POST /api/v1/queue/join on the real gateway (validation, event check, one script);
 *   3. status: GET /api/v1/queue/status on the real gateway;
 * and reports join ÷ reference and status ÷ reference (goal ≥ 0.7). Rate limiting is off (one
 * client IP would be limited) and the admission ticker is off (the line must not move).
 * Results: bench/results/gateway-queue-<time>.{json,md,svg}.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startTestRedis } from "@tt/kit/testing";
import { chartSvg } from "./lib/chart.ts";
import { type HttpLoadResult, httpLoad, loadTool } from "./lib/http-load.ts";
import { cpuSeconds, REPO, startBun } from "./lib/processes.ts";
import { startStubInventory } from "./lib/stub-inventory.ts";
import { type Counter, gatewayRouteCounter, redisKeyCounter, sampleRate } from "./lib/timeline.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? "", process.argv[i + 1] ?? "");
const SECONDS = Number(args.get("--seconds") ?? 10);
const CONNECTIONS = Number(args.get("--connections") ?? 64);
const GOAL = 0.7;
const EVENT = "evt_bench_queue";

const redis = await startTestRedis();
const inventory = await startStubInventory();
const refPort = freePort();
const gwPort = freePort();
const reference = await startBun(
  "bench/servers/reference.ts",
  { PORT: String(refPort), REDIS_URL: redis.url },
  `http://127.0.0.1:${refPort}/`,
);
const gateway = await startBun(
  "gateway/src/main.ts",
  {
    PORT: String(gwPort),
    RPC_PORT: "0",
    HOST: "127.0.0.1",
    REDIS_URL: redis.url,
    INVENTORY_URL: inventory.url,
    RATE_LIMIT_ENABLED: "false",
    QUEUE_TICKER_ENABLED: "false",
    LOG_LEVEL: "warn",
  },
  `http://127.0.0.1:${gwPort}/healthz`,
);

try {
  const gw = `http://127.0.0.1:${gwPort}`;
  const joined = await fetch(`${gw}/api/v1/queue/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ event_id: EVENT }),
  });
  const { waiting_token } = (await joined.json()) as { waiting_token: string };
  const scenarios = {
    reference: { url: `http://127.0.0.1:${refPort}/`, pid: reference.pid },
    join: {
      url: `${gw}/api/v1/queue/join`,
      method: "POST" as const,
      body: JSON.stringify({ event_id: EVENT }),
      pid: gateway.pid,
    },
    status: { url: `${gw}/api/v1/queue/status?token=${encodeURIComponent(waiting_token)}`, pid: gateway.pid },
  };
  // Server-side request counters, read once a second for the throughput-over-time chart only.
  const refCounter = redisKeyCounter(redis.url, "ref:{evt}:seq");
  const counters: Record<string, Counter> = {
    reference: refCounter,
    join: gatewayRouteCounter(gw, "/api/v1/queue/join"),
    status: gatewayRouteCounter(gw, "/api/v1/queue/status"),
  };
  const timelines: Record<string, Array<[number, number]>> = {};
  const results: Record<string, HttpLoadResult & { serverCpuPercent: number }> = {};
  for (const [name, s] of Object.entries(scenarios)) {
    await httpLoad({ ...s, connections: CONNECTIONS, durationSec: 2 }); // warm-up
    const cpuBefore = await cpuSeconds(s.pid);
    const sampler = counters[name] ? sampleRate(counters[name]) : undefined;
    const result = await httpLoad({ ...s, connections: CONNECTIONS, durationSec: SECONDS });
    const serverCpuPercent = Math.round((((await cpuSeconds(s.pid)) - cpuBefore) / SECONDS) * 100);
    timelines[name] = (await sampler?.stop()) ?? [];
    results[name] = { ...result, serverCpuPercent };
    process.stdout.write(
      `${name}: ${result.perSecond} req/s, p99 ${result.latencyMs.p99} ms, errors ${result.errors}\n`,
    );
  }
  const ref = results.reference?.perSecond ?? 1;
  const ratios = {
    join: Math.round(((results.join?.perSecond ?? 0) / ref) * 100) / 100,
    status: Math.round(((results.status?.perSecond ?? 0) / ref) * 100) / 100,
  };
  const at = new Date().toISOString();
  const report = {
    at,
    machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version },
    tool: loadTool(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    results,
    ratios,
    goal: GOAL,
  };
  const dir = join(REPO, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = at.replace(/[:.]/g, "-");
  writeFileSync(join(dir, `gateway-queue-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const row = (name: string) => {
    const r = results[name];
    return r
      ? `| ${name} | ${r.perSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.errors} | ${r.serverCpuPercent} % |`
      : "";
  };
  const md = [
    `# gateway-queue — ${at}`,
    "",
    `${report.tool}, ${CONNECTIONS} connections, ${SECONDS} s per scenario after a 2 s warm-up; ${report.machine.cpus} CPUs, Bun ${Bun.version}; server, load generator and Redis on this machine.`,
    "",
    "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("reference"),
    row("join"),
    row("status"),
    "",
    `**join ÷ reference = ${ratios.join}, status ÷ reference = ${ratios.status}** (goal ≥ ${GOAL}: ${ratios.join >= GOAL && ratios.status >= GOAL ? "met" : "NOT met"})`,
    "",
  ].join("\n");
  writeFileSync(join(dir, `gateway-queue-${stamp}.md`), md);
  refCounter.close();
  const svg = chartSvg({
    title: `gateway-queue: join ÷ reference ${ratios.join}, status ÷ reference ${ratios.status}`,
    subtitle: `${report.tool}, ${CONNECTIONS} connections, ${SECONDS} s per scenario — ${at}`,
    latency: Object.entries(results).map(([label, r]) => ({ label, ...r.latencyMs })),
    throughput: Object.entries(timelines).map(([label, points]) => ({ label: `${label} req/s`, points })),
    throughputUnit: "requests per second (server-side count; scenarios run one after another, each from 0 s)",
  });
  writeFileSync(join(dir, `gateway-queue-${stamp}.svg`), svg);
  process.stdout.write(`\n${md}`);
} finally {
  await gateway.stop();
  await reference.stop();
  await inventory.stop();
  await redis.stop();
}
