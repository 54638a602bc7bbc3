#!/usr/bin/env bun
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JoinAnswer } from "@tt/kit/api";
import { freePort, startTestRedis } from "@tt/kit/testing";
/**
 * The gateway ratio benchmark:
 * `bun bench/gateway-queue.ts [--rounds R] [--seconds N] [--connections C] [--pin]`.
 *
 * In one run, with the same load generator (oha, or wrk where oha is missing) and the same
 * private Redis, it measures
 *   1. reference: bare Bun.serve doing one auto-pipelined EVALSHA per request;
 *   2. join:   POST /api/v1/queue/join on the real gateway (validation, event check, one script);
 *   3. status: GET /api/v1/queue/status on the real gateway;
 * and reports join ÷ reference and status ÷ reference (goal ≥ 0.7). The scenarios run in
 * interleaved rounds (reference, join, status; then join, status, reference; …) and each ratio is
 * the median of the rounds' ratios: this VM's throughput drifts by half between minutes, so only
 * measurements taken seconds apart are comparable. Rate limiting is off (one client IP would be
 * limited) and the admission ticker is off (the line must not move). `--pin` runs each server
 * alone on CPU 0 with Redis and wrk on the rest (lib/processes.ts isolateServerCpu): a steadier
 * reference, but Redis then shares a core with wrk, which slows the scripts that do more.
 * Results: bench/results/gateway-queue-<time>.{json,md,svg}.
 */
import { boolFlag, commandArgs, numberFlag } from "./lib/args.ts";
import { chartSvg } from "./lib/chart.ts";
import { type HttpLoadResult, httpLoad, loadTool } from "./lib/http-load.ts";
import { cpuSeconds, isolateServerCpu, REPO, startBun } from "./lib/processes.ts";
import { startStubInventory } from "./lib/stub-inventory.ts";
import { type Counter, gatewayRouteCounter, redisKeyCounter, sampleRate } from "./lib/timeline.ts";

const args = commandArgs({
  usage: "bun run --cwd bench gateway-queue [--rounds 5] [--seconds 4] [--connections 64] [--pin]",
  flags: ["rounds", "seconds", "connections", "pin"],
});
const PIN = boolFlag(args, "pin");
const SECONDS = numberFlag(args, "seconds", 4);
const ROUNDS = numberFlag(args, "rounds", 5);
const CONNECTIONS = numberFlag(args, "connections", 64);
const GOAL = 0.7;

const round2 = (n: number) => Math.round(n * 100) / 100;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : round2(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
}
/** The run with the median throughput, standing for the scenario in the table. */
function medianRun<T extends { perSecond: number }>(runs: T[]): T | undefined {
  return [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)];
}
const EVENT = "evt_bench_queue";

// Before anything starts, so Redis, wrk and the stand-in inventory inherit the other CPUs.
const serverCpu = PIN ? isolateServerCpu() : [];
const placement =
  serverCpu.length > 0
    ? "each server alone on CPU 0; Redis, wrk and the bench on the others"
    : "no CPU placement (every process on every CPU)";
const redis = await startTestRedis();
const inventory = await startStubInventory();
const refPort = freePort();
const gwPort = freePort();
const reference = await startBun(
  "bench/servers/reference.ts",
  { PORT: String(refPort), REDIS_URL: redis.url },
  `http://127.0.0.1:${refPort}/`,
  serverCpu,
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
  serverCpu,
);

try {
  const gw = `http://127.0.0.1:${gwPort}`;
  const joined = await fetch(`${gw}/api/v1/queue/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ event_id: EVENT }),
  });
  const { waiting_token } = (await joined.json()) as JoinAnswer;
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
  const timelines: Record<string, Array<[number, number]>> = { reference: [], join: [], status: [] };
  const runs: Record<string, Array<HttpLoadResult & { serverCpuPercent: number }>> = {
    reference: [],
    join: [],
    status: [],
  };
  const perRound: Array<{ join: number; status: number }> = [];
  const names = Object.keys(scenarios) as Array<keyof typeof scenarios>;
  for (const name of names) await httpLoad({ ...scenarios[name], connections: CONNECTIONS, durationSec: 2 }); // warm-up
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that no scenario always runs first (or always right after another).
    const order = names.map((_, i) => names[(i + round) % names.length] as keyof typeof scenarios);
    const rps: Record<string, number> = {};
    for (const name of order) {
      const s = scenarios[name];
      const offset = (performance.now() - started) / 1000;
      const cpuBefore = await cpuSeconds(s.pid);
      const sampler = sampleRate(counters[name] as Counter);
      const result = await httpLoad({ ...s, connections: CONNECTIONS, durationSec: SECONDS });
      const serverCpuPercent = Math.round((((await cpuSeconds(s.pid)) - cpuBefore) / SECONDS) * 100);
      for (const [t, v] of await sampler.stop())
        timelines[name]?.push([Math.round((offset + t) * 10) / 10, v]);
      runs[name]?.push({ ...result, serverCpuPercent });
      rps[name] = result.perSecond;
      process.stdout.write(
        `round ${round + 1} ${name}: ${result.perSecond} req/s, p99 ${result.latencyMs.p99} ms, errors ${result.errors}\n`,
      );
    }
    const ref = rps.reference || 1;
    perRound.push({ join: round2((rps.join ?? 0) / ref), status: round2((rps.status ?? 0) / ref) });
  }
  const results = Object.fromEntries(names.map((name) => [name, medianRun(runs[name] ?? [])]));
  const ratios = {
    join: median(perRound.map((r) => r.join)),
    status: median(perRound.map((r) => r.status)),
  };
  const at = new Date().toISOString();
  const report = {
    at,
    machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version },
    tool: loadTool(),
    placement,
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    results,
    runs,
    perRound,
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
    `${report.tool}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per scenario after a 2 s warm-up each; ${report.machine.cpus} CPUs, Bun ${Bun.version}; server, load generator and Redis on this machine: ${placement}.`,
    "",
    "Each scenario's median round:",
    "",
    "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("reference"),
    row("join"),
    row("status"),
    "",
    "| round | reference req/s | join ÷ reference | status ÷ reference |",
    "| ---: | ---: | ---: | ---: |",
    ...perRound.map(
      (r, i) => `| ${i + 1} | ${runs.reference?.[i]?.perSecond ?? "—"} | ${r.join} | ${r.status} |`,
    ),
    "",
    `**join ÷ reference = ${ratios.join}, status ÷ reference = ${ratios.status}** (medians of the rounds; goal ≥ ${GOAL}: ${ratios.join >= GOAL && ratios.status >= GOAL ? "met" : "NOT met"})`,
    "",
  ].join("\n");
  writeFileSync(join(dir, `gateway-queue-${stamp}.md`), md);
  refCounter.close();
  const svg = chartSvg({
    title: `gateway-queue: join ÷ reference ${ratios.join}, status ÷ reference ${ratios.status}`,
    subtitle: `${report.tool}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per scenario — ${at}`,
    latency: Object.entries(results).flatMap(([label, r]) => (r ? [{ label, ...r.latencyMs }] : [])),
    throughput: Object.entries(timelines).map(([label, points]) => ({ label: `${label} req/s`, points })),
    throughputUnit: "requests per second (server-side count; the scenarios take turns)",
  });
  writeFileSync(join(dir, `gateway-queue-${stamp}.svg`), svg);
  process.stdout.write(`\n${md}`);
} finally {
  await gateway.stop();
  await reference.stop();
  await inventory.stop();
  await redis.stop();
}
