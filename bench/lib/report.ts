/** The Markdown summary of an inventory-hold run. */
import type { RunResult } from "./load.ts";

/** A run as a small Markdown report. */
export function markdown(r: {
  at: string;
  machine: { cpus: number; bun: string };
  settings: { holds: number; concurrency: number; seatsPerHold: number };
  raw: RunResult;
  service: RunResult;
  ratio: number;
  goal: number;
  pass: boolean;
}): string {
  const row = (name: string, x: RunResult) =>
    `| ${name} | ${x.perSecond} | ${x.latencyMs.p50} | ${x.latencyMs.p95} | ${x.latencyMs.p99} | ${x.errors} |`;
  return [
    `# inventory-hold — ${r.at}`,
    "",
    `${r.settings.holds} holds of ${r.settings.seatsPerHold} distinct seats, ${r.settings.concurrency} in flight; ` +
      `${r.machine.cpus} CPUs, Bun ${r.machine.bun}; everything on this machine.`,
    "",
    "| path | holds/s | p50 ms | p95 ms | p99 ms | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    row("raw TransactWriteItems (DynamoDB Local)", r.raw),
    row("ReserveSeats via Connect (service)", r.service),
    "",
    `**ratio service ÷ raw = ${r.ratio}** (goal ≥ ${r.goal}: ${r.pass ? "met" : "NOT met"})`,
    "",
  ].join("\n");
}
