#!/usr/bin/env bun
/**
 * What the join challenge costs (docs/spec.md, "Bot protection"): a buyer's solve time per
 * difficulty, and the gateway's check of a solution. In-process, no platform:
 *
 *   bun run --cwd bench pow [--difficulties 8,12,14,16,18,20] [--solves 50] [--min-solves 5]
 *                           [--budget 2] [--verifies 200000]
 *
 * The solver is `@tt/kit/pow`, the one the web app runs in a Web Worker, here run by Bun
 * (JavaScriptCore, Safari's engine) as the stand-in for a browser-class client on this machine;
 * a phone is likely slower (not measured here). The check is the gateway's own `checkChallenge`.
 * Results: bench/results/pow-<time>.{json,md}.
 */
import { challengeKey, checkChallenge, issueChallenge } from "@tt/kit";
import { expectedTries, solveChallenge } from "@tt/kit/pow";
import { commandArgs, numberFlag, stringFlag } from "./lib/args.ts";
import { machineInfo, round2, writeResults } from "./lib/results.ts";

const args = commandArgs({
  usage: `bun run --cwd bench pow [flags]   join challenge: solve time per difficulty, and the server's check
  --difficulties 8,12,14,16,18,20   difficulties (leading zero bits) to solve at
  --solves 50 --min-solves 5        solves per difficulty: at most, and at least
  --budget 2                        seconds per difficulty after which it stops (once --min-solves are done)
  --verifies 200000                 checks of a solution timed per case (valid, wrong solution, forged)`,
  flags: ["difficulties", "solves", "min-solves", "budget", "verifies"],
});
const difficulties = (stringFlag(args, "difficulties") ?? "8,12,14,16,18,20").split(",").map(Number);
if (difficulties.some((d) => !Number.isInteger(d) || d < 0 || d > 28)) {
  throw new Error("--difficulties: whole numbers of bits, 0–28");
}
const maxSolves = numberFlag(args, "solves", 50);
const minSolves = numberFlag(args, "min-solves", 5);
const budgetMs = numberFlag(args, "budget", 2) * 1000;
const verifies = numberFlag(args, "verifies", 200_000);

const EVENT = "evt_pow_bench";
const key = challengeKey("bench-secret");
const validFor = () => Date.now() + 3_600_000;
/** Nearest-rank percentile of sorted numbers. */
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const machine = machineInfo();
const log = (msg: string) => process.stdout.write(`pow: ${msg}\n`);
log(`load average ${machine.loadavg.join(" ")}`);

// Warm the solver's JIT, so the first difficulty does not pay for it.
for (let i = 0; i < 20; i++) solveChallenge(issueChallenge(key, EVENT, 10, validFor()), 10);

/** Solves fresh challenges at each difficulty (each search is different: its nonce is). */
const solves = difficulties.map((difficulty) => {
  const ms: number[] = [];
  let tries = 0;
  const from = performance.now();
  while (ms.length < maxSolves && (ms.length < minSolves || performance.now() - from < budgetMs)) {
    const challenge = issueChallenge(key, EVENT, difficulty, validFor());
    const started = performance.now();
    tries += solveChallenge(challenge, difficulty).tries;
    ms.push(performance.now() - started);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const totalMs = ms.reduce((a, b) => a + b, 0);
  const row = {
    difficulty,
    solves: ms.length,
    expectedTries: expectedTries(difficulty),
    meanTries: Math.round(tries / ms.length),
    medianMs: round2(pct(sorted, 50)),
    p95Ms: round2(pct(sorted, 95)),
    meanMs: round2(totalMs / ms.length),
    maxMs: round2(sorted.at(-1) ?? 0),
    triesPerSec: Math.round(tries / (totalMs / 1000)),
  };
  log(`difficulty ${difficulty}: ${row.solves} solves, median ${row.medianMs} ms, p95 ${row.p95Ms} ms`);
  return row;
});

// The search is geometric: at the solver's rate, a difficulty's mean is 2^d / rate, its median
// ln 2 ≈ 0.69 of that and its p95 ln 20 ≈ 3.0 of it. Beyond what was solved, projected from that.
const allTries = solves.reduce((a, r) => a + r.meanTries * r.solves, 0);
const allSec = solves.reduce((a, r) => a + (r.meanMs * r.solves) / 1000, 0);
const rate = Math.round(allTries / allSec);
const projected = Array.from({ length: 29 }, (_, d) => d)
  .filter((d) => d > Math.max(...difficulties) && d % 2 === 0)
  .map((d) => {
    const meanSec = expectedTries(d) / rate;
    return {
      difficulty: d,
      medianSec: round2(meanSec * Math.LN2),
      p95Sec: round2(meanSec * Math.log(20)),
      meanSec: round2(meanSec),
    };
  });

/** The gateway's check, timed in batches of 1,000 (per-batch µs per check: the spread). */
function timeChecks(label: string, cases: Array<{ challenge: string; solution: string }>, expectOk: boolean) {
  const batch = 1000;
  const check = (i: number) => {
    const c = cases[i % cases.length] ?? { challenge: "", solution: "" };
    return checkChallenge(key, c.challenge, c.solution, EVENT, Date.now()).ok;
  };
  for (let i = 0; i < 10_000; i++) check(i);
  const perBatchUs: number[] = [];
  let wrong = 0;
  const from = performance.now();
  for (let done = 0; done < verifies; done += batch) {
    const started = performance.now();
    for (let i = done; i < done + batch; i++) if (check(i) !== expectOk) wrong++;
    perBatchUs.push(((performance.now() - started) * 1000) / batch);
  }
  if (wrong > 0)
    throw new Error(`${label}: ${wrong} checks answered ${!expectOk} — not the path meant to be timed`);
  const sorted = perBatchUs.sort((a, b) => a - b);
  const meanUs = ((performance.now() - from) * 1000) / (perBatchUs.length * batch);
  const row = {
    case: label,
    checks: perBatchUs.length * batch,
    meanUs: round2(meanUs),
    p50Us: round2(pct(sorted, 50)),
    p99Us: round2(pct(sorted, 99)),
    perSecPerCore: Math.round(1e6 / meanUs),
  };
  log(`check, ${label}: ${row.meanUs} µs (p99 of batches ${row.p99Us} µs)`);
  return row;
}
const valid = Array.from({ length: 64 }, () => {
  const challenge = issueChallenge(key, EVENT, 8, validFor());
  return { challenge, solution: solveChallenge(challenge, 8).solution };
});
const verify = [
  timeChecks("valid solution", valid, true),
  timeChecks(
    "wrong solution",
    valid.map((v) => ({ ...v, solution: `${v.solution}zz` })),
    false,
  ),
  timeChecks(
    "forged MAC",
    valid.map((v) => ({ ...v, challenge: `${v.challenge.slice(0, -3)}AAA` })),
    false,
  ),
];

const at = new Date().toISOString();
const md = [
  `# pow — ${at}`,
  "",
  `The join challenge's solver (\`@tt/kit/pow\`) in Bun ${machine.bun} as the stand-in for a browser-class client, and the gateway's check; ${machine.cpus} CPUs, load average at start ${machine.loadavg.join(" ")}. **${rate.toLocaleString("en")} tries/s** on one core.`,
  "",
  "## Solve time per difficulty (one buyer)",
  "",
  "| difficulty | solves | tries expected (2^d) | mean tries | median ms | p95 ms | mean ms | max ms |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...solves.map(
    (r) =>
      `| ${r.difficulty} | ${r.solves} | ${r.expectedTries} | ${r.meanTries} | ${r.medianMs} | ${r.p95Ms} | ${r.meanMs} | ${r.maxMs} |`,
  ),
  "",
  `Projected from ${rate.toLocaleString("en")} tries/s (a geometric search: median 0.69, p95 3.0 × the mean):`,
  "",
  "| difficulty | median s | p95 s | mean s |",
  "| ---: | ---: | ---: | ---: |",
  ...projected.map((r) => `| ${r.difficulty} | ${r.medianSec} | ${r.p95Sec} | ${r.meanSec} |`),
  "",
  "## The gateway's check (checkChallenge, one core)",
  "",
  "| case | checks | mean µs | p50 µs (batches of 1,000) | p99 µs | checks/s per core |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...verify.map(
    (r) => `| ${r.case} | ${r.checks} | ${r.meanUs} | ${r.p50Us} | ${r.p99Us} | ${r.perSecPerCore} |`,
  ),
  "",
].join("\n");
const base = writeResults("pow", at, {
  json: {
    scenario: "pow",
    at,
    machine,
    settings: { difficulties, maxSolves, minSolves, budgetMs, verifies },
    rate,
    solves,
    projected,
    verify,
  },
  md,
});
process.stdout.write(`\n${md}\npow: wrote ${base}.{json,md}\n`);
