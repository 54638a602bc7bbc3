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
  for (const row of costByOrigin(before, after)) {
    const service = cost[row.service] ?? {};
    for (const [what, n] of Object.entries(row.requests)) service[what] = (service[what] ?? 0) + n;
    cost[row.service] = service;
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

/** One line of a cost table: what one kind of work cost in one dependency, in all and per run. */
export interface CostRow {
  service: string;
  origin: string;
  /** How many times the work ran (requests served on that route; 0 for background loops). */
  runs: number;
  /** Requests per dependency and operation, e.g. { "dynamodb.TransactWriteItems": 1000 }. */
  requests: Record<string, number>;
}

/**
 * What each route and background loop of each service sent to its dependencies between two
 * scrapes (`dependency_requests_total`), with how often the route was served
 * (`http_server_requests_total`), so a step's cost per request can be read off.
 */
export function costByOrigin(before: Record<string, Sample[]>, after: Record<string, Sample[]>): CostRow[] {
  const rows: CostRow[] = [];
  for (const [service, samples] of Object.entries(after)) {
    const prior = before[service] ?? [];
    const delta = (name: string, by: (l: Record<string, string>) => string) => {
      const a = sumBy(samples, name, by);
      const b = sumBy(prior, name, by);
      return Object.fromEntries(
        Object.entries(a)
          .map(([k, v]) => [k, Math.round(v - (b[k] ?? 0))] as const)
          .filter(([, v]) => v > 0),
      );
    };
    const runs = delta("http_server_requests_total", (l) => `${l.method} ${l.route}`);
    const deps = delta("dependency_requests_total", (l) => `${l.origin}\n${l.dependency}.${l.operation}`);
    const byOrigin = new Map<string, Record<string, number>>();
    for (const [k, v] of Object.entries(deps)) {
      const [origin = "", what = ""] = k.split("\n");
      if (origin.endsWith(" /metrics")) continue;
      const row = byOrigin.get(origin) ?? {};
      row[what] = v;
      byOrigin.set(origin, row);
    }
    for (const [origin, requests] of byOrigin)
      rows.push({ service, origin, runs: runs[origin] ?? 0, requests });
  }
  return rows.sort((a, b) => b.runs - a.runs || a.service.localeCompare(b.service));
}

/** Requests per second to one dependency (e.g. "dynamodb") between two scrapes `seconds` apart. */
export function ratePerSec(
  before: Record<string, Sample[]>,
  after: Record<string, Sample[]>,
  dependency: string,
  seconds: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of costByOrigin(before, after)) {
    for (const [what, n] of Object.entries(row.requests)) {
      if (!what.startsWith(`${dependency}.`)) continue;
      const key = `${row.service} ${row.origin}`;
      out[key] = Math.round(((out[key] ?? 0) + n / seconds) * 10) / 10;
    }
  }
  return out;
}

/** The cost table as Markdown: per service and route, requests per run to each dependency. */
export function costMarkdown(rows: CostRow[]): string[] {
  const lines = [
    "| service | route or loop | runs | per run (or in all, for loops) |",
    "| --- | --- | ---: | --- |",
  ];
  for (const r of rows) {
    const per = Object.entries(r.requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([what, n]) => `${what} ${r.runs > 0 ? (n / r.runs).toFixed(2) : n}`)
      .join(", ");
    lines.push(`| ${r.service} | ${r.origin} | ${r.runs} | ${per} |`);
  }
  return lines;
}
