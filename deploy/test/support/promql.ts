/** Just enough PromQL reading to list the metric names an expression selects. */

const FUNCTIONS_AND_KEYWORDS = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "rate",
  "irate",
  "increase",
  "histogram_quantile",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "abs",
  "clamp_min",
  "clamp_max",
  "label_values",
  "topk",
  "bottomk",
  "delta",
  "deriv",
  "time",
  "vector",
  "scalar",
]);

/** Histogram series suffixes that belong to a metric registered under the base name. */
const SERIES_SUFFIXES = ["_bucket", "_sum", "_count"];

/** Metric names referenced by a PromQL expression (labels, functions and strings excluded). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/label_values\(([^,)]+),[^)]*\)/g, "$1") // Grafana's label_values(metric, label)
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, "") // grouping label lists
    .replace(/\[[^\]]*\]/g, ""); // range selectors
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const next = stripped.slice((m.index ?? 0) + word.length).trimStart()[0];
    if (FUNCTIONS_AND_KEYWORDS.has(word) || next === "(") continue;
    if (/^\d/.test(word) || word === "le" || word === "e") continue;
    names.add(word);
  }
  return [...names];
}

/** Metric families of a Prometheus text exposition (`# TYPE` lines), with histogram series names. */
export function exportedSeries(exposition: string): Set<string> {
  const out = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    out.add(name);
    if (type === "histogram" || type === "summary") for (const s of SERIES_SUFFIXES) out.add(name + s);
  }
  return out;
}
