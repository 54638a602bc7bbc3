#!/usr/bin/env bun
/**
 * Single-endpoint scenarios with oha (wrk where oha is missing), one per command:
 *   bun bench/http.ts join|status|availability|reference [--seconds 10] [--connections 64]
 *                     [--url http://gateway] [--event evt_id] [--seats 1000]
 * join, status and availability start the whole local platform (or use `--url`/BENCH_URL);
 * reference runs the gateway issue's bare Bun.serve + one EVALSHA server on a private Redis.
 * Results: bench/results/<scenario>-<time>.{json,md,svg}.
 */
import type { JoinAnswer } from "@tt/kit/api";
import { freePort, startTestRedis } from "@tt/kit/testing";
import { type Args, commandArgs, numberFlag, stringFlag } from "./lib/args.ts";
import { chartSvg } from "./lib/chart.ts";
import { busiestSentence, CpuSampler, cpuTable, pidsMatching } from "./lib/cpu.ts";
import { type HttpLoad, httpLoad, loadTool } from "./lib/http-load.ts";
import { type BenchPlatform, createBenchEvent, remotePlatform, startBenchStack } from "./lib/platform.ts";
import { startBun } from "./lib/processes.ts";
import { machineInfo, writeResults } from "./lib/results.ts";
import { type Counter, gatewayRouteCounter, redisKeyCounter, sampleRate } from "./lib/timeline.ts";

/** What one scenario loads, and how its throughput is counted server-side. */
interface Target {
  load: Omit<HttpLoad, "connections" | "durationSec">;
  counter: Counter;
  /** Processes to sample for CPU. */
  pids: number[];
  describe: string;
  stop(): Promise<void>;
}

const SCENARIOS = ["join", "status", "availability", "reference"] as const;
type Scenario = (typeof SCENARIOS)[number];

async function referenceTarget(): Promise<Target> {
  const redis = await startTestRedis();
  const port = freePort();
  const server = await startBun(
    "bench/servers/reference.ts",
    { PORT: String(port), REDIS_URL: redis.url },
    `http://127.0.0.1:${port}/`,
  );
  // The reference INCRs this key once per request: a free server-side request counter.
  const counter = redisKeyCounter(redis.url, "ref:{evt}:seq");
  return {
    load: { url: `http://127.0.0.1:${port}/` },
    counter,
    pids: [server.pid, ...pidsMatching(`redis-server *:${redis.port}`)],
    describe: "bare Bun.serve doing one auto-pipelined EVALSHA (INCR + ZADD) per request, private Redis",
    stop: async () => {
      counter.close();
      await server.stop();
      await redis.stop();
    },
  };
}

async function gatewayTarget(scenario: Exclude<Scenario, "reference">, args: Args): Promise<Target> {
  const url = stringFlag(args, "url", "BENCH_URL");
  const platform: BenchPlatform = url ? remotePlatform(url) : await startBenchStack({});
  const gw = platform.gateway;
  let eventId = stringFlag(args, "event");
  if (!eventId) {
    eventId = `evt_http_${Date.now().toString(36)}`;
    await createBenchEvent(platform, eventId, numberFlag(args, "seats", 1000));
  }
  const where = url ? `gateway at ${url}` : "the whole local platform on this machine (rate limits off)";
  const common = { pids: platform.pids(), stop: () => platform.stop() };
  if (scenario === "join") {
    return {
      ...common,
      load: { url: `${gw}/api/v1/queue/join`, method: "POST", body: JSON.stringify({ event_id: eventId }) },
      counter: gatewayRouteCounter(gw, "/api/v1/queue/join"),
      describe: `POST /api/v1/queue/join (anonymous, a new place per request) on ${where}`,
    };
  }
  if (scenario === "status") {
    const joined = await fetch(`${gw}/api/v1/queue/join`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event_id: eventId }),
    });
    const { waiting_token } = (await joined.json()) as JoinAnswer;
    return {
      ...common,
      load: { url: `${gw}/api/v1/queue/status?token=${encodeURIComponent(waiting_token)}` },
      counter: gatewayRouteCounter(gw, "/api/v1/queue/status"),
      describe: `GET /api/v1/queue/status for one waiting token on ${where}`,
    };
  }
  return {
    ...common,
    load: { url: `${gw}/api/v1/events/${eventId}/availability` },
    counter: gatewayRouteCounter(gw, "/api/v1/events/:id/availability"),
    describe: `GET /api/v1/events/{id}/availability (full seat map of ${eventId}) through gateway → inventory on ${where}`,
  };
}

const args = commandArgs({
  usage: `bun run --cwd bench ${SCENARIOS.join("|")} [--seconds 10] [--connections 64] [--url U] [--event E] [--seats 1000]`,
  flags: ["seconds", "connections", "url", "event", "seats"],
});
const scenario = args.positional[0] as Scenario;
if (!SCENARIOS.includes(scenario)) {
  process.stderr.write(
    `usage: bun bench/http.ts ${SCENARIOS.join("|")} [--seconds N] [--connections C] [--url U]\n`,
  );
  process.exit(2);
}
const seconds = numberFlag(args, "seconds", 10);
const connections = numberFlag(args, "connections", 64);
const machine = machineInfo();
process.stdout.write(`bench: ${scenario}: starting (load average ${machine.loadavg.join(" ")})\n`);
const target = scenario === "reference" ? await referenceTarget() : await gatewayTarget(scenario, args);
try {
  await httpLoad({ ...target.load, connections, durationSec: 2 }); // warm-up (JIT, caches, pools)
  const cpu = new CpuSampler(target.pids);
  cpu.start(1000);
  const timeline = sampleRate(target.counter);
  process.stdout.write(`bench: ${scenario}: ${loadTool()} × ${connections} connections for ${seconds} s\n`);
  const result = await httpLoad({ ...target.load, connections, durationSec: seconds });
  const points = await timeline.stop();
  const processes = cpu.stop();
  const at = new Date().toISOString();
  const report = {
    scenario,
    at,
    machine,
    tool: result.tool,
    target: target.describe,
    settings: { seconds, connections, warmupSec: 2 },
    result,
    cpu: processes,
    busiest: busiestSentence(processes),
    timeline: points,
  };
  const md = [
    `# ${scenario} — ${at}`,
    "",
    `${target.describe}. ${result.tool}, ${connections} connections, ${seconds} s after a 2 s warm-up; ` +
      `${machine.cpus} CPUs, Bun ${machine.bun}, load average at start ${machine.loadavg.join(" ")}.`,
    "",
    "| req/s | p50 ms | p95 ms | p99 ms | max ms | requests | errors |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${result.perSecond} | ${result.latencyMs.p50} | ${result.latencyMs.p95} | ${result.latencyMs.p99} | ${result.latencyMs.max} | ${result.requests} | ${result.errors} |`,
    "",
    `CPU (${report.busiest}):`,
    "",
    ...cpuTable(processes),
    "",
  ].join("\n");
  const svg = chartSvg({
    title: `${scenario}: ${result.perSecond} req/s`,
    subtitle: `${result.tool}, ${connections} connections, ${seconds} s — ${at}`,
    latency: [{ label: scenario, ...result.latencyMs }],
    throughput: [{ label: `${scenario} req/s (server-side count)`, points }],
    throughputUnit: "requests per second",
  });
  const base = writeResults(scenario, at, { json: report, md, svg });
  process.stdout.write(`\n${md}\nbench: wrote ${base}.{json,md,svg}\n`);
} finally {
  await target.stop();
}
