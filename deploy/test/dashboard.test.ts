// The Grafana dashboard and the alert rules may only use metrics the services really export:
// the names come from the /metrics of each service running on the local platform.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LocalStack, SERVICE_NAMES, startLocalStack } from "@tt/kit/local";
import { freePortBlock } from "@tt/kit/testing";
import { K8S, loadManifests } from "./support/manifests.ts";
import { exportedSeries, metricNames } from "./support/promql.ts";

const dashboard = JSON.parse(readFileSync(join(K8S, "base/dashboards/traffic-tacos.json"), "utf8"));
const rules = loadManifests().find((d) => d.kind === "PrometheusRule");

/** Every PromQL expression of the dashboard (panels, nested panels, template queries). */
function dashboardExprs(): string[] {
  const panels = dashboard.panels.flatMap((p: { panels?: unknown[] }) => [p, ...(p.panels ?? [])]);
  const targets = panels
    .flatMap((p: { targets?: { expr: string }[] }) => p.targets ?? [])
    .map((t: { expr: string }) => t.expr);
  const variables = dashboard.templating.list
    .map((v: { definition?: string }) => v.definition)
    .filter(Boolean);
  return [...targets, ...variables];
}

const ruleExprs: string[] =
  rules?.spec.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((r) => r.expr)) ?? [];

/** Series the cluster's own exporters give (kube-prometheus-stack), not the services. */
const PLATFORM_METRICS = new Set(["kube_pod_container_resource_limits"]);

let stack: LocalStack;
const exported = new Map<string, Set<string>>();

beforeAll(async () => {
  // Each service uses PORT and PORT + 1; Redis, DynamoDB Local and the SQS emulator one each.
  const b = freePortBlock(13);
  stack = await startLocalStack({
    web: false,
    stage: `dash${Math.random().toString(36).slice(2, 7)}`,
    ports: {
      gateway: b,
      reservation: b + 2,
      inventory: b + 4,
      payment: b + 6,
      worker: b + 8,
      redis: b + 10,
      dynamodb: b + 11,
      sqs: b + 12,
    },
    env: { ...process.env, REDIS_URL: undefined, LOCAL_DATA_DIR: undefined },
    sink: () => undefined,
  });
  for (const name of SERVICE_NAMES) {
    exported.set(name, exportedSeries(await (await fetch(stack.urls.metrics[name])).text()));
  }
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe("dashboard and alerts against the services' /metrics", () => {
  test("the dashboard parses and covers the metrics catalogue", () => {
    expect(dashboard.uid).toBe("traffic-tacos");
    const used = new Set(dashboardExprs().flatMap(metricNames));
    for (const m of [
      "http_server_requests_total",
      "queue_waiting",
      "queue_admitted_total",
      "websocket_connections",
      "outbox_lag_seconds",
      "worker_events_total",
      "worker_queue_messages",
      "inventory_operations_total",
    ]) {
      expect(used).toContain(m);
    }
  });

  test("every metric the dashboard or an alert uses is exported by some service", () => {
    const all = new Set([...exported.values()].flatMap((s) => [...s]));
    expect(all.size).toBeGreaterThan(20);
    const used = [...new Set([...dashboardExprs(), ...ruleExprs].flatMap(metricNames))].sort();
    expect(used.filter((m) => !all.has(m) && !PLATFORM_METRICS.has(m))).toEqual([]);
  });

  test("each service serves the probe routes the manifests use", async () => {
    for (const name of SERVICE_NAMES) {
      for (const path of ["/healthz", "/readyz"]) {
        const res = await fetch(`${stack.urls.services[name]}${path}`);
        expect({ name, path, status: res.status }).toEqual({ name, path, status: 200 });
      }
      expect(exported.get(name)).toContain("http_server_requests_total");
    }
  });

  test("the metric-name reader ignores functions, labels and strings", () => {
    expect(
      metricNames('histogram_quantile(0.95, sum by (le, app) (rate(x_bucket{app=~"a|b"}[5m]))) / y > 0.1'),
    ).toEqual(["x_bucket", "y"]);
  });
});
