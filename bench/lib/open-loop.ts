/**
 * Open- and closed-loop load for the overload bench: what an answer is, how capacity is found
 * (closed loop) and how a fixed arrival rate is offered (open loop), and the memory watch.
 */
import { processName } from "./cpu.ts";

/** One answer: its status (0: none), error code, whether it said Retry-After, and its latency. */
export interface Answer {
  status: number;
  code?: string;
  retryAfter: boolean;
  ms: number;
}

export const served = (a: Answer) => (a.status >= 200 && a.status < 300) || a.status === 409;
export const shed = (a: Answer) => a.status === 429 || a.status === 503;

/** Closed loop: `inFlight` callers back to back for `sec` s; served per second and served latencies. */
export async function capacity(request: () => Promise<Answer>, inFlight: number, sec: number) {
  const answers: Answer[] = [];
  const until = performance.now() + sec * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) answers.push(await request());
    }),
  );
  const ok = answers.filter(served);
  return {
    perSec: ok.length / sec,
    p99: pct(
      ok.map((a) => a.ms),
      0.99,
    ),
  };
}

/** Open loop: `rate` requests a second for `sec` s, sent every 10 ms on schedule; all answers. */
export async function openLoop(request: () => Promise<Answer>, rate: number, sec: number): Promise<Answer[]> {
  const pending: Promise<Answer>[] = [];
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < sec * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) pending.push(request());
    await Bun.sleep(10);
  }
  return Promise.all(pending);
}

export function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}

/** The largest resident memory (MB) each platform process reaches while `work` runs. */
export async function watchMemory<T>(
  pids: () => number[],
  work: Promise<T>,
): Promise<{ result: T; rssMb: Record<string, number> }> {
  const rssMb: Record<string, number> = {};
  const sample = async () => {
    for (const pid of pids()) {
      const name = processName(pid);
      const status = await Bun.file(`/proc/${pid}/status`)
        .text()
        .catch(() => "");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rssMb[name] = Math.max(rssMb[name] ?? 0, Math.round(kb / 1024));
    }
  };
  const timer = setInterval(() => void sample(), 500);
  try {
    const result = await work;
    await sample();
    return { result, rssMb };
  } finally {
    clearInterval(timer);
  }
}
