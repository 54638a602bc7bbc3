// Operating a sale: the CloudWatch alarms an operator needs, wired to someone; Alertmanager's
// receivers; and the change freeze and capacity settings that keep a sale undisturbed.
import { describe, expect, test } from "bun:test";
import { blocksOf, loadTerraform, localsOf } from "./support/terraform.ts";

const files = await loadTerraform();
const alarms = blocksOf(files, "resource", "aws_cloudwatch_metric_alarm");
const alarmIn = (dir: string) => alarms.filter((a) => a.file.dir === dir);
const prodModule = (name: string) =>
  files.filter((f) => f.dir === "terraform/envs/prod").flatMap((f) => f.hcl.module?.[name] ?? [])[0];
/** Metric names an alarm reads, plain or inside its metric queries (Metrics Insights included). */
const metricsOf = (body: Record<string, unknown>): string => JSON.stringify(body);

describe("CloudWatch alarms", () => {
  test("throttling on every DynamoDB table, DLQ depth, ALB and CloudFront 5xx, Redis memory and evictions", () => {
    const watched = alarms.map((a) => metricsOf(a.body)).join("\n");
    for (const metric of [
      "ReadThrottleEvents",
      "WriteThrottleEvents",
      "ApproximateNumberOfMessagesVisible",
      "HTTPCode_ELB_5XX_Count",
      "5xxErrorRate",
      "DatabaseMemoryUsagePercentage",
      "Evictions",
    ])
      expect(watched).toContain(metric);
    const throttles = alarmIn("terraform/modules/alarms").find((a) => a.name === "dynamodb_throttles");
    expect(throttles?.body.for_each).toBe("${var.table_names}");
    expect(prodModule("alarms")?.table_names).toBe("${module.dynamodb.table_names}");
  });

  test("every alarm notifies on alarm and on recovery, and production wires them to the alerts topics", () => {
    for (const a of alarms) {
      expect({ alarm: a.name, actions: a.body.alarm_actions }).toEqual({
        alarm: a.name,
        actions: expect.stringMatching(/^\$\{var\.(edge_)?alarm_actions\}$/),
      });
      expect(a.body.ok_actions).toBe(a.body.alarm_actions);
    }
    expect(prodModule("alarms")?.alarm_actions).toEqual(["${aws_sns_topic.alerts.arn}"]);
    expect(prodModule("redis")?.alarm_actions).toEqual(["${aws_sns_topic.alerts.arn}"]);
  });

  test("the CloudFront alarm lives in us-east-1 (where its metrics are) and notifies a topic there", () => {
    const cdn = alarmIn("terraform/modules/alarms").find((a) => a.name === "cdn_5xx");
    expect(cdn?.body.provider).toBe("${aws.us_east_1}");
    expect(cdn?.body.alarm_actions).toBe("${var.edge_alarm_actions}");
    expect(prodModule("alarms")?.edge_alarm_actions).toEqual(["${aws_sns_topic.alerts_us_east_1.arn}"]);
    const [topic] = blocksOf(files, "resource", "aws_sns_topic").filter((t) => t.name === "alerts_us_east_1");
    expect(topic?.body.provider).toBe("${aws.us_east_1}");
  });
});

describe("Alertmanager", () => {
  const locals = localsOf(files, "terraform/modules/addons");
  const config = locals.alertmanager_values?.config;

  test("pages go to the pager and every alert to the notify receivers (SNS, Slack); the heartbeat nowhere", () => {
    const routes: { matchers?: string[]; receiver: string; continue?: boolean }[] = config.route.routes;
    expect(config.route.receiver).toBe("notify");
    expect(routes.find((r) => r.matchers?.includes('severity = "page"'))).toMatchObject({
      receiver: "page",
      continue: true,
    });
    expect(routes.at(-1)).toEqual({ receiver: "notify" });
    const receivers = config.receivers.map((r: { name: string }) => r.name).sort();
    expect(receivers).toEqual(["notify", "null", "page"]);
    // Within two minutes of a rule firing: a 10 s first wait, one-minute updates.
    expect(config.route.group_wait).toBe("10s");
    expect(config.route.group_interval).toBe("1m");
  });

  test("the Slack webhook and PagerDuty key are read from mounted files, never written into the config", () => {
    const text = JSON.stringify(config);
    expect(text).toContain("api_url_file");
    expect(text).toContain("routing_key_file");
    expect(text).not.toContain("var.alert_secrets");
    expect(locals.alertmanager_values.alertmanagerSpec.secrets).toEqual(["${local.alert_secret_name}"]);
  });
});

describe("prepared for a sale in Korea", () => {
  const variable = (dir: string, name: string) =>
    files.filter((f) => f.dir === dir).flatMap((f) => f.hcl.variable?.[name] ?? [])[0];

  test("Seoul by default, and a CDN price class with Asian edges", () => {
    expect(variable("terraform/envs/prod", "region")?.default).toBe("ap-northeast-2");
    expect(variable("terraform/envs/prod", "availability_zones")?.default).toEqual([
      "ap-northeast-2a",
      "ap-northeast-2b",
      "ap-northeast-2c",
    ]);
    expect(variable("terraform/envs/prod", "cdn_price_class")?.default).not.toBe("PriceClass_100");
    expect(prodModule("web")?.price_class).toBe("${var.cdn_price_class}");
  });

  test("DynamoDB tables and their indexes take warm throughput from a variable", () => {
    const [table] = blocksOf(files, "resource", "aws_dynamodb_table");
    expect(table?.body.dynamic?.warm_throughput).toBeDefined();
    expect(table?.body.dynamic?.global_secondary_index?.[0].content[0].dynamic.warm_throughput).toBeDefined();
    expect(prodModule("dynamodb")?.warm_throughput).toBe("${var.dynamodb_warm_throughput}");
  });

  test("change freeze: no add-on on 'most recent', the Karpenter chart supports the cluster's Kubernetes", () => {
    for (const d of blocksOf(files, "data", "aws_eks_addon_version")) expect(d.body.most_recent).toBe(false);
    const k8s = variable("terraform/envs/prod", "kubernetes_version")?.default as string;
    const chart = variable("terraform/modules/addons", "chart_versions")?.default.karpenter as string;
    // Newest Kubernetes minor each Karpenter minor supports (karpenter.sh compatibility matrix).
    const supports: Record<string, number> = { "1.8": 34, "1.9": 35, "1.10": 35, "1.11": 35 };
    const minor = chart.split(".").slice(0, 2).join(".");
    expect({ chart, k8s, ok: (supports[minor] ?? 0) >= Number(k8s.split(".")[1]) }).toEqual({
      chart,
      k8s,
      ok: true,
    });
  });

  test("Redis maintenance and snapshots fall outside sale hours (10:00–24:00 KST)", () => {
    const [group] = blocksOf(files, "resource", "aws_elasticache_replication_group");
    const kstHour = (hhmm: string) => (Number(hhmm.split(":")[0]) + 9) % 24;
    const maintenance = String(group?.body.maintenance_window)
      .split("-")
      .map((p) => kstHour(p.split(":").slice(1).join(":")));
    const snapshot = String(group?.body.snapshot_window).split("-").map(kstHour);
    for (const hour of [...maintenance, ...snapshot])
      expect({ hour, inSale: hour >= 10 }).toEqual({ hour, inSale: false });
  });
});
