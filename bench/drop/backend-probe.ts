/**
 * What the back end was doing, window by window: every few seconds the services' own metrics are
 * scraped, and the window's DynamoDB request rate and mean DynamoDB and SQS latency per service are
 * kept. A slow step then shows whether a store or the queue was slow (queueing) or the step sent
 * too much.
 */
import { readFileSync } from "node:fs";
import { latencyBetween, ratePerSec, type Sample, scrapeAll } from "../lib/service-metrics.ts";

export interface BackendWindow {
  /** Seconds since the probe started, at the window's end. */
  atSec: number;
  dynamoPerSec: number;
  /** Mean milliseconds of a DynamoDB request, per service (all operations). */
  dynamoMeanMs: Record<string, number>;
  /** Mean milliseconds of an SQS request, per service (sends, receives that found messages, deletes). */
  sqsMeanMs: Record<string, number>;
  /** The whole machine's CPU in use over the window, % of all cores (from /proc/stat). */
  machineBusyPct: number;
  /** The slowest DynamoDB operation of the window, e.g. "inventory TransactWriteItems 412 ms". */
  slowest: string;
}

export function probeBackend(services: Record<string, string>, everyMs = 5000) {
  const windows: BackendWindow[] = [];
  const started = performance.now();
  let last: Record<string, Sample[]> | undefined;
  let lastAt = started;
  let lastCpu = machineCpu();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = await scrapeAll(services);
      const at = performance.now();
      const cpu = machineCpu();
      const busyPct = Math.round(((cpu.busy - lastCpu.busy) / Math.max(1, cpu.total - lastCpu.total)) * 100);
      if (last)
        windows.push({
          ...window(last, now, (at - lastAt) / 1000, Math.round((at - started) / 1000)),
          machineBusyPct: busyPct,
        });
      last = now;
      lastCpu = cpu;
      lastAt = at;
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(tick, everyMs);
  return {
    windows,
    /** The latest window in a few words, for the live progress line. */
    latest(): string {
      const w = windows.at(-1);
      if (!w) return "";
      const means = Object.entries(w.dynamoMeanMs)
        .map(([s, ms]) => `${s} ${ms}`)
        .join(" ");
      return `machine ${w.machineBusyPct} % busy; ${w.dynamoPerSec}/s, mean ms ${means}; slowest ${w.slowest}`;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

function window(
  before: Record<string, Sample[]>,
  after: Record<string, Sample[]>,
  sec: number,
  atSec: number,
) {
  const rates = ratePerSec(before, after, "dynamodb", sec);
  const dynamoPerSec = Math.round(Object.values(rates).reduce((a, b) => a + b, 0));
  const meanMs = (client: string, skip: (operation: string) => boolean = () => false) => {
    const means: Record<string, number> = {};
    for (const [service, samples] of Object.entries(after)) {
      const delta = (name: string) =>
        total(samples, name, client, skip) - total(before[service] ?? [], name, client, skip);
      const n = delta("aws_request_duration_seconds_count");
      if (n > 0) means[service] = Math.round((delta("aws_request_duration_seconds_sum") / n) * 1000);
    }
    return means;
  };
  const dynamoMeanMs = meanMs("dynamodb");
  // A long poll waits for messages by design: its time says nothing about the queue's speed.
  const sqsMeanMs = meanMs("sqs", (operation) => operation === "ReceiveMessage");
  let slowest = "";
  let slowestMs = -1;
  for (const [service, ops] of Object.entries(latencyBetween(before, after)))
    for (const [k, ms] of Object.entries(ops))
      if (k.startsWith("dynamodb.") && ms > slowestMs) {
        slowestMs = ms;
        slowest = `${service} ${k.slice("dynamodb.".length)} ${ms} ms`;
      }
  return { atSec, dynamoPerSec, dynamoMeanMs, sqsMeanMs, slowest };
}

/** The sum of a metric's samples for one AWS client, less the operations `skip` names. */
function total(
  samples: Sample[],
  name: string,
  client: string,
  skip: (operation: string) => boolean,
): number {
  return samples
    .filter((s) => s.name === name && s.labels.client === client && !skip(s.labels.operation ?? ""))
    .reduce((a, s) => a + s.value, 0);
}

/** Busy and total CPU ticks of the whole machine (idle and iowait count as not busy). */
function machineCpu(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}
