// docs/runbook.md answers every alert on-call can receive: each Prometheus rule and each CloudWatch alarm.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { blocksOf, loadTerraform, REPO } from "./support/terraform.ts";

const runbook = readFileSync(join(REPO, "docs/runbook.md"), "utf8");
const headings = runbook.split("\n").filter((line) => line.startsWith("### "));

describe("the runbook", () => {
  test("has an entry for every Prometheus alert rule", () => {
    const rules = parseAllDocuments(readFileSync(join(REPO, "deploy/k8s/base/alerts.yaml"), "utf8"))
      .map((d) => d.toJS())
      .flatMap((d) => d?.spec?.groups ?? [])
      .flatMap((g: { rules: { alert?: string }[] }) => g.rules.map((r) => r.alert))
      .filter((a): a is string => typeof a === "string");
    expect(rules.length).toBeGreaterThan(5);
    const missing = rules.filter((alert) => !headings.some((h) => new RegExp(`\\b${alert}\\b`).test(h)));
    expect(missing).toEqual([]);
  });

  test("has an entry for every CloudWatch alarm Terraform makes", async () => {
    const alarms = blocksOf(await loadTerraform(), "resource", "aws_cloudwatch_metric_alarm").map((a) =>
      // "${var.name}-dynamodb-${each.key}-throttled" → "-dynamodb-…-throttled", as the runbook names it.
      String(a.body.alarm_name)
        .replace(/^\$\{[^}]+\}/, "")
        .replace(/\$\{[^}]+\}/g, "<"),
    );
    expect(alarms.length).toBeGreaterThan(3);
    const missing = alarms.filter((suffix) => {
      const [head = "", tail = ""] = suffix.split("<");
      return !headings.some((h) => h.includes(head) && h.includes(tail.replace(/^[^-]*/, "")));
    });
    expect(missing).toEqual([]);
  });
});
