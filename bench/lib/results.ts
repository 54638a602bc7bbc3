/** Where every scenario writes its results: bench/results/<scenario>-<time>.{json,md,svg}. */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

/** The git-ignored results folder. */
export const RESULTS_DIR = join(import.meta.dir, "..", "results");

/** The files of one run. */
export interface ResultFiles {
  json: unknown;
  md: string;
  svg?: string;
}

/** Writes a run's files; returns their common path without extension. */
export function writeResults(scenario: string, at: string, files: ResultFiles): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `${scenario}-${at.replace(/[:.]/g, "-")}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(files.json, null, 2)}\n`);
  writeFileSync(`${base}.md`, files.md.endsWith("\n") ? files.md : `${files.md}\n`);
  if (files.svg) writeFileSync(`${base}.svg`, files.svg);
  return base;
}

/** The newest JSON result of a scenario (file names sort by time), or undefined. */
export function latestResult(scenario: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(RESULTS_DIR);
  } catch {
    return undefined;
  }
  // "drop-…" must not pick up another scenario whose name starts the same way: the time follows.
  const mine = names.filter((n) => n.endsWith(".json") && new RegExp(`^${scenario}-\\d{4}-`).test(n)).sort();
  const last = mine.at(-1);
  return last ? join(RESULTS_DIR, last) : undefined;
}

/** Rounds to two decimals, for report numbers. */
export const round2 = (n: number) => Math.round(n * 100) / 100;

/** The machine a run happened on, with the load average when it started (other work skews results). */
export function machineInfo() {
  return {
    cpus: navigator.hardwareConcurrency,
    bun: Bun.version,
    loadavg: loadavg().map(round2),
  };
}
