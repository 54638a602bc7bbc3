/**
 * Reads the services' own Prometheus counters, so a scenario can say what each step cost inside
 * the platform (service-to-service calls, DynamoDB and SQS requests) and how long each hop took.
 */

/** One sample of the text exposition: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text (the subset prom-client writes). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k ?? ""] = v ?? "";
    out.push({ name: m[1] ?? "", labels, value: Number(m[3]) });
  }
  return out;
}

/** Every service's samples, by service name (a service that does not answer is left out). */
export async function scrapeAll(services: Record<string, string>): Promise<Record<string, Sample[]>> {
  const entries = await Promise.all(
    Object.entries(services).map(async ([name, url]) => {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      return [name, res?.ok ? parseMetrics(await res.text()) : []] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Sums `name` per value of the label `by` (counters, or a histogram's _count/_sum). */
export function sumBy(samples: Sample[], name: string, by: (labels: Record<string, string>) => string) {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = by(s.labels);
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** What happened between two scrapes: per service, requests sent to each dependency by operation. */
export function costBetween(before: Record<string, Sample[]>, after: Record<string, Sample[]>) {
  const cost: Record<string, Record<string, number>> = {};
  for (const [service, samples] of Object.entries(after)) {
    const prior = before[service] ?? [];
    const diff = (name: string, by: (l: Record<string, string>) => string) => {
      const a = sumBy(samples, name, by);
      const b = sumBy(prior, name, by);
      for (const [k, v] of Object.entries(a)) {
        const d = v - (b[k] ?? 0);
        if (d <= 0) continue;
        cost[service] ??= {};
        cost[service][k] = Math.round(d);
      }
    };
    diff("aws_requests_total", (l) => `${l.client}.${l.operation}`);
    diff("backend_call_duration_seconds_count", (l) => `→${l.service}.${l.method}`);
  }
  return cost;
}

/** Mean milliseconds per call between two scrapes, per service and dependency operation. */
export function latencyBetween(before: Record<string, Sample[]>, after: Record<string, Sample[]>) {
  const out: Record<string, Record<string, number>> = {};
  for (const [service, samples] of Object.entries(after)) {
    const prior = before[service] ?? [];
    for (const [metric, by] of [
      ["aws_request_duration_seconds", (l: Record<string, string>) => `${l.client}.${l.operation}`],
      ["backend_call_duration_seconds", (l: Record<string, string>) => `→${l.service}.${l.method}`],
      ["http_server_request_duration_seconds", (l: Record<string, string>) => `${l.method} ${l.route}`],
      ["inventory_operation_duration_seconds", (l: Record<string, string>) => `op ${l.operation}`],
    ] as const) {
      const sum = sumBy(samples, `${metric}_sum`, by);
      const count = sumBy(samples, `${metric}_count`, by);
      const sum0 = sumBy(prior, `${metric}_sum`, by);
      const count0 = sumBy(prior, `${metric}_count`, by);
      for (const [k, c] of Object.entries(count)) {
        const n = c - (count0[k] ?? 0);
        if (n <= 0) continue;
        out[service] ??= {};
        out[service][k] = Math.round((((sum[k] ?? 0) - (sum0[k] ?? 0)) / n) * 1000);
      }
    }
  }
  return out;
}
