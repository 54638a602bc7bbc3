/** A closed-loop load runner: `concurrency` workers each call `op(i)` until `total` calls are done. */

/** Throughput and latency of one measured run. */
export interface RunResult {
  calls: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Error messages by count (first 5 kinds). */
  errorKinds: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `op` for indices `offset .. offset + total - 1` with `concurrency` calls in flight. */
export async function run(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
  offset = 0,
): Promise<RunResult> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = offset + next++;
      const started = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - started);
      } catch (error) {
        errors += 1;
        const kind = (error instanceof Error ? error.message : String(error)).slice(0, 80);
        if (Object.keys(errorKinds).length < 5 || kind in errorKinds)
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    calls: total,
    errors,
    seconds: round(seconds),
    perSecond: Math.round(latencies.length / seconds),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? 0),
    },
    errorKinds,
  };
}

/** Two runs of the same path as one: rates over the summed time, the worse of each percentile. */
export function combine(a: RunResult, b: RunResult): RunResult {
  const calls = a.calls + b.calls;
  const errors = a.errors + b.errors;
  const seconds = Math.round((a.seconds + b.seconds) * 100) / 100;
  const worst = (k: keyof RunResult["latencyMs"]) => Math.max(a.latencyMs[k], b.latencyMs[k]);
  const errorKinds = { ...a.errorKinds };
  for (const [k, n] of Object.entries(b.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + n;
  return {
    calls,
    errors,
    seconds,
    perSecond: Math.round((calls - errors) / seconds),
    latencyMs: { p50: worst("p50"), p95: worst("p95"), p99: worst("p99"), max: worst("max") },
    errorKinds,
  };
}
