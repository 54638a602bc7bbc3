#!/usr/bin/env bun
/**
 * `bun run --cwd bench fuzz`: the long pass of the property-based fuzzer (lib/fuzz). Starts the
 * whole local platform, then sends `--runs` generated requests (10,000 by default) to every REST
 * route and Connect procedure of every service — malformed and edge bodies, params and headers —
 * and holds every answer to docs/spec.md "Errors": no 5xx, every failure in the standard body.
 * A broken promise is shrunk to a small request that still breaks it, printed with its seed.
 * Results: bench/results/fuzz-<time>.{json,md}. Exit code 1 when any target failed.
 */
import { commandArgs, numberFlag } from "./lib/args.ts";
import { describeFailure, fuzzAll, type TargetResult } from "./lib/fuzz/run.ts";
import { startFuzzPlatform } from "./lib/fuzz/stack.ts";
import { fuzzTargets } from "./lib/fuzz/targets.ts";
import { machineInfo, writeResults } from "./lib/results.ts";

const args = commandArgs({
  usage: `bun run --cwd bench fuzz [--runs 10000] [--only TEXT] [--parallel 4] [--seed N]

  --runs      generated requests per route or procedure (default 10000)
  --only      fuzz only targets whose name contains TEXT, e.g. "POST /api/v1/reservations"
  --parallel  targets fuzzed at once (default 4)
  --seed      fast-check seed, to replay a run`,
  flags: ["runs", "only", "parallel", "seed"],
});
const runs = numberFlag(args, "runs", 10_000);
const parallel = numberFlag(args, "parallel", 4);
const seedFlag = args.flags.get("seed");
const only = args.flags.get("only");

const at = new Date().toISOString();
process.stdout.write("fuzz: starting the platform…\n");
const platform = await startFuzzPlatform();
let results: TargetResult[] = [];
const started = performance.now();
try {
  const all = await fuzzTargets(platform.services, platform.fixtures);
  const targets = only ? all.filter((t) => t.name.includes(only)) : all;
  if (targets.length === 0) throw new Error(`no target matches --only ${JSON.stringify(only)}`);
  process.stdout.write(`fuzz: ${targets.length} targets × ${runs} requests, ${parallel} at a time\n`);
  results = await fuzzAll(targets, {
    runs,
    parallel,
    ...(seedFlag !== undefined ? { seed: Number(seedFlag) } : {}),
    onResult: (r) =>
      process.stdout.write(
        `${r.failure ? "FAIL" : "ok  "} ${r.name}: ${r.requests} requests in ${(r.ms / 1000).toFixed(1)} s ${JSON.stringify(r.statuses)}\n`,
      ),
  });
} finally {
  await platform.stop();
}
const seconds = (performance.now() - started) / 1000;
const failed = results.filter((r) => r.failure);
const total = results.reduce((n, r) => n + r.requests, 0);
const md = [
  `# fuzz — ${at}`,
  "",
  `${results.length} targets, ${total.toLocaleString("en")} requests in ${seconds.toFixed(0)} s (${Math.round(total / seconds)} req/s), ${failed.length} failed.`,
  "",
  "| target | requests | answers by status | result |",
  "| --- | ---: | --- | --- |",
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.requests} | ${Object.entries(r.statuses)
        .map(([s, n]) => `${s}: ${n}`)
        .join(", ")} | ${r.failure ? `**${r.failure.verdict.slice(0, 80)}**` : "ok"} |`,
  ),
  ...(failed.length > 0 ? ["", "## Failures", "", "```", ...failed.map(describeFailure), "```"] : []),
].join("\n");
const base = writeResults("fuzz", at, {
  json: { scenario: "fuzz", at, runs, machine: machineInfo(), seconds, results },
  md,
});
process.stdout.write(`\n${failed.map(describeFailure).join("\n\n")}\nfuzz: ${base}.md\n`);
process.exit(failed.length > 0 ? 1 : 0);
