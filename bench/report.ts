#!/usr/bin/env bun
/**
 * `bun bench/report.ts`: one summary of the latest result of every scenario, written to
 * bench/results/REPORT.md (and printed), for the README's "latest results" section.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandArgs } from "./lib/args.ts";
import { latestResult, RESULTS_DIR } from "./lib/results.ts";

commandArgs({
  usage: "bun run --cwd bench report   the latest result of every scenario → bench/results/REPORT.md",
  flags: [],
});

// biome-ignore lint/suspicious/noExplicitAny: result files of several scenarios, read field by field
type Json = any;
const read = (scenario: string): Json | undefined => {
  const file = latestResult(scenario);
  return file
    ? { ...JSON.parse(readFileSync(file, "utf8")), file: file.replace(`${RESULTS_DIR}/`, "") }
    : undefined;
};
const load = (r: Json) =>
  r.machine?.loadavg ? ` (load average at start ${r.machine.loadavg.join(" ")})` : "";

const out: string[] = [
  "# Latest bench results",
  "",
  `Collected ${new Date().toISOString()} from bench/results/.`,
  "",
];

out.push(
  "## Single endpoints",
  "",
  "| scenario | when | tool | req/s | p50 ms | p95 ms | p99 ms | errors | busiest process |",
);
out.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
for (const name of ["reference", "join", "status", "availability"]) {
  const r = read(name);
  if (!r) continue;
  const x = r.result;
  out.push(
    `| ${name} | ${r.at}${load(r)} | ${r.tool} | ${x.perSecond} | ${x.latencyMs.p50} | ${x.latencyMs.p95} | ${x.latencyMs.p99} | ${x.errors} | ${r.cpu?.[0]?.name ?? "?"} ${r.cpu?.[0]?.avgPercent ?? "?"} % |`,
  );
}

const gq = read("gateway-queue");
if (gq) {
  out.push(
    "",
    "## gateway-queue ratio (goal ≥ 0.7)",
    "",
    `${gq.at}, ${gq.tool}, ${gq.connections} connections, ${gq.seconds} s each.`,
    "",
  );
  out.push("| scenario | req/s | p99 ms | server CPU |", "| --- | ---: | ---: | ---: |");
  for (const [k, v] of Object.entries<Json>(gq.results))
    out.push(`| ${k} | ${v.perSecond} | ${v.latencyMs.p99} | ${v.serverCpuPercent} % |`);
  out.push("", `**join ÷ reference = ${gq.ratios.join}, status ÷ reference = ${gq.ratios.status}**`);
}

const ih = read("inventory-hold");
if (ih) {
  out.push(
    "",
    "## inventory-hold ratio (goal ≥ 0.5)",
    "",
    `${ih.at}${load(ih)}, ${ih.settings.holds} holds, ${ih.settings.concurrency} in flight.`,
    "",
  );
  out.push(
    `raw ${ih.raw.perSecond} holds/s (p95 ${ih.raw.latencyMs.p95} ms), service ${ih.service.perSecond} holds/s (p95 ${ih.service.latencyMs.p95} ms): **ratio ${ih.ratio}**`,
  );
}

const d = read("drop");
if (d) {
  out.push(
    "",
    "## drop",
    "",
    `${d.at}${load(d)}: ${d.config.buyers} buyers, ${d.config.seats} seats, admission ${d.config.admitRate}/s (cap ${d.config.admitCap}), hold ${d.config.holdSeconds} s.`,
    "",
    `${d.durationSec} s; ${d.requests} requests; errors ${d.errors} (${(d.errorRate * 100).toFixed(2)} %); seat races lost ${d.expectedRefusals}; outcomes ${JSON.stringify(d.outcomes)}.`,
    "",
    "| step | p50 ms | p95 ms | p99 ms | errors |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...d.steps.map((s: Json) => `| ${s.step} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.errors} |`),
    "",
    d.checks
      ? `Store checks: ${d.checks.ok ? "all passed" : "FAILED"} — ${d.checks.checks.map((c: Json) => `${c.name}: ${c.ok ? "pass" : `FAIL (${c.violations})`}`).join("; ")}.`
      : "Store checks: skipped.",
    "",
    `CPU: ${d.busiest}.`,
    "",
    `Full report: bench/results/${d.file.replace(/\.json$/, ".md")}`,
  );
}
const pow = read("pow");
if (pow) {
  out.push(
    "",
    "## pow — the join challenge",
    "",
    `${pow.at}${load(pow)}: ${pow.rate} tries/s in Bun (the browser stand-in).`,
    "",
    "| difficulty | solves | median ms | p95 ms |",
    "| ---: | ---: | ---: | ---: |",
    ...pow.solves.map((r: Json) => `| ${r.difficulty} | ${r.solves} | ${r.medianMs} | ${r.p95Ms} |`),
    "",
    `The gateway's check: ${pow.verify.map((v: Json) => `${v.case} ${v.p50Us} µs`).join(", ")} (median of batches).`,
  );
}
const text = `${out.join("\n")}\n`;
writeFileSync(join(RESULTS_DIR, "REPORT.md"), text);
process.stdout.write(text);
