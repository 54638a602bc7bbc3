/**
 * CPU use of the processes under test, sampled from /proc: which one was at 100 % of a core is
 * the first question about any throughput number on a 2-core machine.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SEC = 100; // USER_HZ on Linux

/** user + system CPU seconds of a process, or undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** A readable name for a process from its command line (service, redis, dynamodb, fauxqs…). */
export function processName(pid: number): string {
  let cmd = "";
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return `pid ${pid}`;
  }
  const service = cmd.match(/\/(gateway|reservation|inventory|payment|worker)\/src\/main\.ts/);
  if (service?.[1]) return service[1];
  if (cmd.includes("DynamoDBLocal")) return "dynamodb-local";
  if (cmd.includes("redis-server")) return "redis";
  if (/fauxqs/i.test(cmd)) return "fauxqs";
  if (cmd.includes("reference.ts")) return "reference";
  if (cmd.includes("proxy-main.ts")) return "proxy (load balancer)";
  return cmd.split(" ")[0]?.split("/").at(-1) ?? `pid ${pid}`;
}

/** Pids whose command line contains `needle` (a child started without handing back its pid). */
export function pidsMatching(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").includes(needle)) out.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** `roots` and every process descending from them (a launcher may wrap the real server). */
export function withDescendants(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out = new Set<number>();
  const visit = (pid: number) => {
    if (out.has(pid)) return;
    out.add(pid);
    for (const c of children.get(pid) ?? []) visit(c);
  };
  for (const r of roots) visit(r);
  return [...out];
}

/** One process's CPU over a run, in % of one core. */
export interface ProcessCpu {
  name: string;
  pids: number[];
  avgPercent: number;
  /** 90th percentile of the per-interval samples: "at 100 %" means this is ~100. */
  p90Percent: number;
  maxPercent: number;
  /** Share of the samples at ≥ 90 % of a core. */
  saturatedShare: number;
}

/** Samples the CPU of named process groups every `everyMs` until stopped. */
export class CpuSampler {
  private readonly groups = new Map<string, number[]>();
  private readonly samples = new Map<string, number[]>();
  private last = new Map<string, number>();
  private lastAt = 0;
  private startedAt = 0;
  private first = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Groups `roots` (with descendants) by process name; `extra` adds named pids (e.g. the load generator). */
  constructor(roots: number[], extra: Record<string, number> = {}) {
    for (const pid of withDescendants(roots)) {
      const name = processName(pid);
      this.groups.set(name, [...(this.groups.get(name) ?? []), pid]);
    }
    for (const [name, pid] of Object.entries(extra)) this.groups.set(name, [pid]);
  }

  private read(): Map<string, number> {
    const now = new Map<string, number>();
    for (const [name, pids] of this.groups) {
      now.set(
        name,
        pids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0),
      );
    }
    return now;
  }

  /** Starts sampling. */
  start(everyMs = 2000): void {
    this.last = this.read();
    this.first = this.last;
    this.lastAt = this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  private tick(): void {
    const now = this.read();
    const at = performance.now();
    const seconds = (at - this.lastAt) / 1000;
    for (const [name, cpu] of now) {
      const percent = ((cpu - (this.last.get(name) ?? cpu)) / seconds) * 100;
      this.samples.set(name, [...(this.samples.get(name) ?? []), percent]);
    }
    this.last = now;
    this.lastAt = at;
  }

  /** Stops sampling; returns every group, busiest first. */
  stop(): ProcessCpu[] {
    clearInterval(this.timer);
    const end = this.read();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const out: ProcessCpu[] = [];
    for (const [name, pids] of this.groups) {
      const s = [...(this.samples.get(name) ?? [])].sort((a, b) => a - b);
      const avg = (((end.get(name) ?? 0) - (this.first.get(name) ?? 0)) / Math.max(seconds, 0.001)) * 100;
      out.push({
        name,
        pids,
        avgPercent: Math.round(avg),
        p90Percent: Math.round(s[Math.floor(s.length * 0.9)] ?? avg),
        maxPercent: Math.round(s.at(-1) ?? avg),
        saturatedShare: s.length ? Math.round((s.filter((v) => v >= 90).length / s.length) * 100) / 100 : 0,
      });
    }
    return out.sort((a, b) => b.avgPercent - a.avgPercent);
  }
}

/** One sentence naming the busiest process (and any other that sat near a full core). */
export function busiestSentence(cpu: ProcessCpu[]): string {
  const top = cpu[0];
  if (!top) return "no CPU samples";
  const hot = cpu.filter((c) => c.p90Percent >= 90).map((c) => `${c.name} (p90 ${c.p90Percent} %)`);
  return (
    `busiest: ${top.name} at ${top.avgPercent} % of a core on average (p90 ${top.p90Percent} %, max ${top.maxPercent} %)` +
    (hot.length
      ? `; at ~100 % of a core for most of the run: ${hot.join(", ")}`
      : "; no process sat at 100 % of a core")
  );
}

/** The CPU table in Markdown. */
export function cpuTable(cpu: ProcessCpu[]): string[] {
  return [
    "| process | avg % of a core | p90 % | max % | samples ≥ 90 % |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...cpu.map(
      (c) =>
        `| ${c.name} | ${c.avgPercent} | ${c.p90Percent} | ${c.maxPercent} | ${Math.round(c.saturatedShare * 100)} % |`,
    ),
  ];
}
