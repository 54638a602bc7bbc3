/** The drop's result document, its Markdown summary and its chart. */

import type { ChartSpec } from "../lib/chart.ts";
import { cpuTable, type ProcessCpu } from "../lib/cpu.ts";
import { type CostRow, costMarkdown } from "../lib/service-metrics.ts";
import type { BackendWindow } from "./backend-probe.ts";
import type { KillReport } from "./chaos.ts";
import type { DropConfig } from "./config.ts";
import { goalsMarkdown } from "./goals.ts";
import { type SoldOutTold, soldOutToldSentence } from "./sale-told.ts";
import type { DropStats, StepSummary } from "./stats.ts";
import type { CheckReport } from "./store-check.ts";

/** Everything a drop run reports (the JSON file). */
export interface DropResult {
  scenario: "drop";
  at: string;
  machine: { cpus: number; bun: string; loadavg: number[] };
  config: DropConfig;
  platformEnv: Record<string, string>;
  durationSec: number;
  /** When the store first showed every seat SOLD (seconds into the drop). */
  soldOutAtSec?: number;
  /** Seconds from the first admission to the first store poll that found no seat AVAILABLE. */
  allTakenSec?: number;
  /** Orders confirmed in the first 60 s after the first admission (self-tuning's yardstick). */
  ordersFirst60s?: number;
  /** How fast the line told waiting buyers that nothing was left (drop/sale-told.ts). */
  soldOutTold?: SoldOutTold;
  /** What the join challenge (`--challenge`) cost the simulated buyers. */
  challenge?: ChallengeCost;
  requests: number;
  errors: number;
  errorRate: number;
  expectedRefusals: number;
  outcomes: Record<string, number>;
  steps: StepSummary[];
  errorKinds: Record<string, number>;
  expectedKinds: Record<string, number>;
  errorExamples: string[];
  socketFindings: Record<string, number>;
  throughput: {
    avgRequestsPerSec: number;
    peakRequestsPerSec: number;
    peakAdmittedPerSec: number;
    peakOrdersPerSec: number;
  };
  checks?: CheckReport;
  /** What each route and loop cost in dependency requests, from the services' own counters. */
  cost?: CostRow[];
  /** DynamoDB requests per second of the idle platform (before the buyers arrive), by origin. */
  idleDynamoPerSec?: Record<string, number>;
  /** Failed tries the buyer's own retry turned into an answer (not errors), and their kinds. */
  retried?: number;
  retriedKinds?: Record<string, number>;
  /** The chaos drop's kills (drop/chaos.ts). */
  kills?: KillReport[];
  /** DynamoDB request rate and latency seen by the services, every 5 s (drop/backend-probe.ts). */
  backend?: BackendWindow[];
  /** Orders per second against what DynamoDB Local alone can do (lib/raw-dynamo.ts). */
  yardstick?: { rawHoldsPerSec: number; bestOrdersPerSec10s: number; ratio: number };
  cpu: ProcessCpu[];
  busiest: string;
  timeline: Record<string, Array<[number, number]>>;
}

/** What solving the join challenge cost the simulated buyers (drop/challenge.ts). */
export interface ChallengeCost {
  difficulty: number;
  solves: number;
  meanTries: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The simulator's time spent solving, all buyers together. */
  totalSec: number;
  triesPerSec: number;
}

/** Sums up the drop's challenge solves. */
export function challengeCost(difficulty: number, stats: DropStats): ChallengeCost {
  const { solves, tries, ms } = stats.solving;
  const step = stats.summary().find((s) => s.step === "pow_solve");
  return {
    difficulty,
    solves,
    meanTries: solves ? Math.round(tries / solves) : 0,
    p50Ms: step?.p50 ?? 0,
    p95Ms: step?.p95 ?? 0,
    maxMs: step?.max ?? 0,
    totalSec: Math.round(ms / 100) / 10,
    triesPerSec: ms ? Math.round(tries / (ms / 1000)) : 0,
  };
}

function challengeSentence(k: ChallengeCost): string {
  return (
    `${k.solves} solves (${2 ** k.difficulty} tries expected each, ${k.meanTries} on average): per buyer p50 ${k.p50Ms} ms, ` +
    `p95 ${k.p95Ms} ms, max ${k.maxMs} ms; **${k.totalSec} s of the simulator's CPU** in all (${k.triesPerSec} tries/s). ` +
    "The simulator solves on its one thread between its other buyers' steps, so at a high difficulty it, not the platform, paces the joins."
  );
}

const PLAIN: Record<string, string> = {
  pow_solve: "join challenge solved (simulator CPU)",
  ws_first_frame: "WebSocket open → first frame",
  queue_wait: "join → ready (time in line)",
  sold_out_in_line: "join → told the line closed (time in line, buyers who end sold out)",
  queue_status: "queue status (fallback poll)",
  paid_to_final: "payment intent → CONFIRMED/DECLINED/EXPIRED seen",
  outcome_pushed: "payment intent → outcome pushed on the socket",
};

/** The Markdown summary. */
export function dropMarkdown(r: DropResult): string {
  const c = r.config;
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  const lines = [
    `# drop — ${r.at}`,
    "",
    `${c.buyers} buyers for ${c.seats} seats; arrivals over ${c.arrivalSec} s; admission ${c.autoAdmission ? `self-tuning ${c.autoAdmission.min}–${c.autoAdmission.max}/s` : `${c.admitRate}/s`} (cap ${c.admitCap}); ` +
      `hold ${c.holdSeconds} s; mix approve ${pct(c.mix.approve)} / fail ${pct(c.mix.fail)} (${pct(c.retryDeclined)} of them pay again) / abandon ${pct(c.mix.abandon)}; ` +
      `${r.machine.cpus} CPUs, Bun ${r.machine.bun}, load average at start ${r.machine.loadavg.join(" ")}.`,
    "",
    `**${r.durationSec} s**${r.soldOutAtSec !== undefined ? ` (every seat SOLD at ${r.soldOutAtSec} s; admission then raised to ${c.soldOutRate}/s)` : ""}, ${r.requests} requests (avg ${r.throughput.avgRequestsPerSec} req/s, peak ${r.throughput.peakRequestsPerSec}), ` +
      `**errors ${r.errors} = ${pct(r.errorRate)}** (5xx, timeouts, network/WebSocket failures, unexpected 4xx); ` +
      `expected refusals (seat races lost) ${r.expectedRefusals}` +
      (r.retried ? `; failed tries the buyer's retry turned into an answer (not errors) ${r.retried}` : "") +
      ".",
    "",
    r.allTakenSec !== undefined
      ? `No seat AVAILABLE (each held or sold) **${r.allTakenSec} s after the first admission** (the store is polled every 3 s).`
      : "Some seat was still AVAILABLE at every store poll.",
    "",
    ...(r.ordersFirst60s !== undefined
      ? [`**${r.ordersFirst60s} orders in the first 60 s** after the first admission.`, ""]
      : []),
    ...(r.soldOutTold ? [soldOutToldSentence(r.soldOutTold, c.operator), ""] : []),
    ...(r.challenge
      ? [`## Join challenge (difficulty ${r.challenge.difficulty})`, "", challengeSentence(r.challenge), ""]
      : []),
    ...goalsMarkdown(r),
    "## Outcomes",
    "",
    "| outcome | buyers |",
    "| --- | ---: |",
    ...Object.entries(r.outcomes).map(([k, v]) => `| ${k} | ${v} |`),
    `| **total** | ${Object.values(r.outcomes).reduce((a, b) => a + b, 0)} |`,
    "",
    "## Latency per step (ms)",
    "",
    "| step | count | p50 | p95 | p99 | max | errors | expected refusals |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...r.steps.map(
      (s) =>
        `| ${PLAIN[s.step] ?? s.step} | ${s.count} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} | ${s.errors} | ${s.expected} |`,
    ),
    "",
  ];
  if (r.kills?.length) {
    lines.push(
      "## Chaos: kill -9 during the drop",
      "",
      "| at s | killed | pid | answered again after | buyer requests failed meanwhile |",
      "| ---: | --- | ---: | ---: | ---: |",
      ...r.kills.map(
        (k) =>
          `| ${k.atSec} | ${k.target} | ${k.pid} | ${k.backAfterMs === undefined ? "**never (60 s)**" : `${k.backAfterMs} ms`} | ${k.failedMeanwhile} |`,
      ),
      "",
      "Failed meanwhile counts every failed try (errors and tries a retry later turned into an answer) between the kill and the process answering again; kills close together share their failures.",
      "",
    );
  }
  if (r.checks) {
    const k = r.checks;
    lines.push(
      `## Store checks (DynamoDB) — ${k.ok ? "ALL PASSED" : "FAILED"}`,
      "",
      "| check | result | violations |",
      "| --- | --- | ---: |",
      ...k.checks.map((x) => `| ${x.name} | ${x.ok ? "pass" : "**FAIL**"} | ${x.violations} |`),
      "",
      `Seats: ${JSON.stringify(k.seatCounts)}; reservations: ${JSON.stringify(k.reservationCounts)}; orders: ${k.orders}; payments: ${JSON.stringify(k.paymentCounts)}.`,
      `Expired holds released after expiry (ms): n=${k.releaseLagMs.count}, p50 ${k.releaseLagMs.p50}, p95 ${k.releaseLagMs.p95}, max ${k.releaseLagMs.max}.`,
      `Expiry grace: ${k.grace.rule}; ${k.grace.extendedHolds} holds got more than the base, up to ${k.grace.maxMs} ms.`,
      "",
      ...k.checks.filter((x) => !x.ok).flatMap((x) => [`- ${x.name}:`, ...x.examples.map((e) => `  - ${e}`)]),
      "",
    );
  } else lines.push("## Store checks", "", "Skipped: no DynamoDB endpoint/stage for this target.", "");
  lines.push(
    "## Errors and refusals",
    "",
    ...Object.entries(r.errorKinds).map(([k, v]) => `- error ${k}: ${v}`),
    ...Object.entries(r.expectedKinds).map(([k, v]) => `- expected ${k}: ${v}`),
    ...Object.entries(r.retriedKinds ?? {}).map(([k, v]) => `- retried into an answer ${k}: ${v}`),
    ...r.errorExamples.map((e) => `- buyer error: ${e}`),
    `- live queue: ${JSON.stringify(r.socketFindings)}`,
    "",
    `## CPU (${r.busiest})`,
    "",
    ...cpuTable(r.cpu),
    "",
  );
  if (r.cost) {
    lines.push(
      "## Cost per step (the services' own dependency_requests_total)",
      "",
      "Requests each route sent to DynamoDB, SQS, Redis and other services, per request it served",
      "(background loops: in all, over the whole drop).",
      "",
      ...costMarkdown(r.cost),
      "",
    );
  }
  if (r.yardstick) {
    const y = r.yardstick;
    lines.push(
      `## Yardstick: ${y.bestOrdersPerSec10s} orders/s (best 10 s) ÷ (${y.rawHoldsPerSec} raw hold transactions/s ÷ 4) = **${y.ratio}**`,
      "",
      "Raw: DynamoDB Local's own rate of two-seat hold transactions at 32 in flight, measured on",
      "the same instance with the platform idle just before the buyers arrive; a purchase needs",
      "about four such writes (hold, reservation, payment, commit).",
      "",
    );
  }
  const byService = (means: Record<string, number>) =>
    Object.entries(means)
      .map(([s, ms]) => `${s} ${ms}`)
      .join(", ");
  if (r.backend?.length) {
    lines.push(
      "## DynamoDB and SQS as the services saw them (per 5 s window)",
      "",
      "| at s | machine CPU busy | requests/s | mean ms by service | slowest operation | SQS mean ms (no receives) |",
      "| ---: | ---: | ---: | --- | --- | --- |",
      ...r.backend.map(
        (w) =>
          `| ${w.atSec} | ${w.machineBusyPct} % | ${w.dynamoPerSec} | ${byService(w.dynamoMeanMs)} | ${w.slowest} | ${byService(w.sqsMeanMs ?? {})} |`,
      ),
      "",
    );
  }
  if (r.idleDynamoPerSec) {
    const total = Object.values(r.idleDynamoPerSec).reduce((a, b) => a + b, 0);
    lines.push(
      `## Idle platform: ${total.toFixed(1)} DynamoDB requests/s`,
      "",
      ...Object.entries(r.idleDynamoPerSec).map(([k, v]) => `- ${k}: ${v}/s`),
      "",
    );
  }
  return lines.join("\n");
}

/** The chart: per-step percentiles (request steps) and rates over time. */
export function dropChart(r: DropResult): ChartSpec {
  return {
    title: `drop: ${r.config.buyers} buyers, ${r.config.seats} seats — ${r.durationSec} s, errors ${(r.errorRate * 100).toFixed(2)} %`,
    subtitle: r.at,
    latency: r.steps
      .filter((s) => s.step !== "queue_wait")
      .map((s) => ({ label: s.step, p50: s.p50, p95: s.p95, p99: s.p99 })),
    throughput: Object.entries(r.timeline).map(([label, points]) => ({ label: `${label}/s`, points })),
    throughputUnit: "per second",
  };
}
