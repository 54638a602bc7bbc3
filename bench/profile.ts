#!/usr/bin/env bun
/**
 * Profile summary: `bun profile.ts DIR [--top 15] [--from MS --to MS]`.
 *
 * Reads every `*.cpuprofile` that `BUN_OPTIONS="--cpu-prof --cpu-prof-dir=DIR"` left behind (one
 * per process of a bench run: the services, the simulator, the SQS emulator) and prints, per
 * process, the CPU samples by package or file and by the project's own function that led there
 * — counted, not weighted by wall time (lib/cpu-profile.ts says why).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { commandArgs, numberFlag } from "./lib/args.ts";
import { type CpuProfile, countSamples, processOf, topRows } from "./lib/cpu-profile.ts";

const args = commandArgs({
  usage: `bun run --cwd bench profile DIR [--top 15] [--from EPOCH_MS --to EPOCH_MS]
  DIR: where BUN_OPTIONS="--cpu-prof --cpu-prof-dir=DIR" wrote its profiles (an absolute path)`,
  flags: ["top", "from", "to"],
});
if (args.positional.length !== 1) {
  console.error("usage: bun run --cwd bench profile DIR (--help for more)");
  process.exit(2);
}
const dir = resolve(args.positional[0] ?? "");
const top = numberFlag(args, "top", 15);
const from = numberFlag(args, "from", 0);
const to = numberFlag(args, "to", Number.MAX_SAFE_INTEGER);
const root = resolve(import.meta.dir, "..");

const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
if (files.length === 0) {
  console.error(`no .cpuprofile in ${dir}`);
  process.exit(2);
}
const out: string[] = [];
for (const file of files.sort()) {
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
  const c = countSamples(profile, root, from, to);
  out.push(
    `## ${processOf(profile)} (${file}): ${c.total} samples, ≈ ${(c.total / 1000).toFixed(1)} s of CPU`,
    "",
    "| share | samples | package or file |",
    "| ---: | ---: | --- |",
    ...topRows(c.byPlace, c.total, top),
    "",
    "| share | samples | the project's own code that led there |",
    "| ---: | ---: | --- |",
    ...topRows(c.byCode, c.total, top),
    "",
  );
}
process.stdout.write(`${out.join("\n")}\n`);
