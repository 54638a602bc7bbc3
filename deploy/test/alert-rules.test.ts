// The alert rules as Prometheus itself reads them: `promtool check rules` (syntax, PromQL, templates)
// and `promtool test rules`, which replays made-up series and asserts the alerts that matter
// during a drop fire within their one-to-two-minute windows, and not on a healthy system.
// promtool comes from Debian's prometheus package (scripts/bootstrap.sh installs it).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadManifests } from "./support/manifests.ts";

const rule = loadManifests().find((d) => d.kind === "PrometheusRule");
const dir = mkdtempSync(join(tmpdir(), "tt-rules-"));
const rulesFile = join(dir, "rules.yaml");
writeFileSync(rulesFile, stringify({ groups: rule?.spec.groups ?? [] }));
// The unit tests compare labels only: promtool would also demand every rendered annotation.
const bareRulesFile = join(dir, "bare-rules.yaml");
writeFileSync(
  bareRulesFile,
  stringify({
    groups: (rule?.spec.groups ?? []).map((g: { rules: object[] }) => ({
      ...g,
      rules: g.rules.map((r) => ({ ...r, annotations: undefined })),
    })),
  }),
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]) {
  const run = Bun.spawnSync(["promtool", ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: run.exitCode, out: `${run.stdout.toString()}${run.stderr.toString()}` };
}

/** Runs `promtool test rules` on one unit-test case against the repository's rules. */
function unitTest(name: string, testCase: object) {
  const file = join(dir, `${name}.test.yaml`);
  writeFileSync(
    file,
    stringify({ rule_files: [bareRulesFile], evaluation_interval: "15s", tests: [testCase] }),
  );
  return promtool("test", "rules", file);
}

const gateway = { app: "gateway", namespace: "traffic-tacos", pod: "gateway-1" };
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

describe("alert rules under promtool", () => {
  test("promtool is installed (scripts/bootstrap.sh) and accepts every rule", () => {
    expect(rule?.spec.groups.length).toBeGreaterThan(2);
    const { code, out } = promtool("check", "rules", rulesFile);
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
  });

  test("the check catches a broken expression (promtool is really reading the rules)", () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(
      broken,
      stringify({ groups: [{ name: "b", rules: [{ alert: "X", expr: "sum(rate(x[1m])" }] }] }),
    );
    expect(promtool("check", "rules", broken).code).not.toBe(0);
  });

  test("a gateway whose admission ticks stop pages within a minute; one that ticks does not", () => {
    // Ticks every 15 s up to minute 2, then nothing: its last-tick gauge stands still at 120.
    const ticking = Array.from({ length: 9 }, (_, i) => i * 15).join(" ");
    const { code, out } = unitTest("ticker", {
      interval: "15s",
      input_series: [
        { series: `queue_ticker_last_tick_seconds${labels(gateway)}`, values: `${ticking} 120x20` },
      ],
      alert_rule_test: [
        { eval_time: "2m", alertname: "QueueTickerStalled", exp_alerts: [] },
        {
          eval_time: "3m",
          alertname: "QueueTickerStalled",
          exp_alerts: [{ exp_labels: { ...gateway, severity: "page" } }],
        },
      ],
    });
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
  });

  test("a breaker that keeps opening pages within two minutes; one left half-open by an idle caller does not", () => {
    const { code, out } = unitTest("breaker", {
      interval: "15s",
      input_series: [
        {
          series: 'circuit_breaker_state{app="gateway",service="inventory"}',
          values: "0 0 2 1 2 2 1 2 2 2 1 2 2",
        },
        { series: 'circuit_breaker_state{app="gateway",service="payment"}', values: "0 2 1x11" },
      ],
      alert_rule_test: [
        {
          eval_time: "3m",
          alertname: "CircuitBreakerOpen",
          exp_alerts: [{ exp_labels: { app: "gateway", service: "inventory", severity: "page" } }],
        },
      ],
    });
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
  });

  test("1 % of requests failing for a minute pages; a healthy minute does not", () => {
    const { code, out } = unitTest("errors", {
      interval: "15s",
      input_series: [
        { series: 'http_server_requests_total{app="gateway",status_code="200"}', values: "0+1000x20" },
        { series: 'http_server_requests_total{app="gateway",status_code="503"}', values: "0x4 0+50x16" },
      ],
      alert_rule_test: [
        { eval_time: "1m", alertname: "HighErrorRate", exp_alerts: [] },
        {
          eval_time: "3m",
          alertname: "HighErrorRate",
          exp_alerts: [{ exp_labels: { app: "gateway", severity: "page" } }],
        },
      ],
    });
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining("SUCCESS") });
  });
});
