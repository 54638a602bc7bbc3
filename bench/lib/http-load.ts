import { join } from "node:path";

/** One HTTP load run: what to send and for how long. */
export interface HttpLoad {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  authorization?: string;
  connections: number;
  durationSec: number;
}

/** The same result whichever load generator ran. */
export interface HttpLoadResult {
  tool: "oha" | "wrk";
  requests: number;
  perSecond: number;
  /** Responses that were not 2xx/3xx, plus socket errors. */
  errors: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

const has = (tool: string) => Bun.which(tool) !== null;

/**
 * The load generator this machine has: oha where installed, else wrk (docs/architecture.md,
 * "Measured facts").
 */
export function loadTool(): "oha" | "wrk" {
  if (has("oha")) return "oha";
  if (has("wrk")) return "wrk";
  throw new Error("neither oha nor wrk is installed: run  sudo apt-get install -y wrk");
}

const ms = (seconds: number) => Math.round(seconds * 100_000) / 100;

async function runOha(load: HttpLoad): Promise<HttpLoadResult> {
  const args = [
    "oha",
    "-z",
    `${load.durationSec}s`,
    "-c",
    String(load.connections),
    "--no-tui",
    "--output-format",
    "json",
  ];
  args.push("-m", load.method ?? "GET", "-H", "content-type: application/json");
  if (load.body) args.push("-d", load.body);
  if (load.authorization) args.push("-H", `authorization: ${load.authorization}`);
  const proc = Bun.spawn([...args, load.url], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`oha failed: ${await new Response(proc.stderr).text()}`);
  const r = JSON.parse(out);
  const codes: Record<string, number> = r.statusCodeDistribution ?? {};
  const bad = Object.entries(codes).reduce((n, [code, count]) => (Number(code) >= 400 ? n + count : n), 0);
  const socket = Object.values<number>(r.errorDistribution ?? {}).reduce((a, b) => a + b, 0);
  return {
    tool: "oha",
    requests: r.summary.total ? Object.values(codes).reduce((a, b) => a + b, 0) : 0,
    perSecond: Math.round(r.summary.requestsPerSec),
    errors: bad + socket,
    latencyMs: {
      p50: ms(r.latencyPercentiles.p50),
      p95: ms(r.latencyPercentiles.p95),
      p99: ms(r.latencyPercentiles.p99),
      max: ms(r.summary.slowest),
    },
  };
}

async function runWrk(load: HttpLoad): Promise<HttpLoadResult> {
  const script = join(import.meta.dir, "wrk-report.lua");
  const args = ["wrk", "-t1", `-c${load.connections}`, `-d${load.durationSec}s`, "-s", script, load.url];
  const proc = Bun.spawn(args, {
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...process.env,
      TT_METHOD: load.method ?? "GET",
      TT_BODY: load.body ?? "",
      TT_AUTHORIZATION: load.authorization ?? "",
    },
  });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`wrk failed: ${await new Response(proc.stderr).text()}`);
  const line = out.split("\n").find((l) => l.startsWith("TTJSON "));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const r = JSON.parse(line.slice(7));
  const us = (n: number) => Math.round(n / 10) / 100;
  return {
    tool: "wrk",
    requests: r.requests,
    perSecond: Math.round(r.requests / (r.duration_us / 1e6)),
    errors: r.socket_errors + r.non_2xx,
    latencyMs: { p50: us(r.p50_us), p95: us(r.p95_us), p99: us(r.p99_us), max: us(r.max_us) },
  };
}

/** Runs one load with oha (preferred) or wrk, returning the same result format. */
export function httpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  return loadTool() === "oha" ? runOha(load) : runWrk(load);
}
