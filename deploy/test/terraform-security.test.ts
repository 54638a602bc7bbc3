// Least privilege, encryption and placement rules that a reviewer would otherwise check by eye.
import { describe, expect, test } from "bun:test";
import { blocksOf, loadTerraform, localsOf, statements } from "./support/terraform.ts";

const files = await loadTerraform();
const all = statements(files);

/** Services whose actions read or write application data. */
const DATA_SERVICES = ["dynamodb", "sqs", "scheduler", "s3", "kms", "secretsmanager", "elasticache"];
/** Account-level calls AWS cannot scope to a resource (the readiness probes use these two). */
const UNSCOPABLE_DATA_ACTIONS = new Set(["dynamodb:ListTables", "sqs:ListQueues"]);

describe("IAM", () => {
  test("there are statements to check (the loader resolves local action lists)", () => {
    expect(all.length).toBeGreaterThan(20);
    const reservation = all.find((s) => s.where.includes("ReservationTables"));
    expect(reservation?.actions).toContain("dynamodb:PutItem");
  });

  test("no statement grants a wildcard action", () => {
    const wild = all.filter((s) => s.actions.some((a) => a === "*" || a.endsWith(":*") || a.includes("*")));
    expect(wild.map((s) => s.where)).toEqual([]);
  });

  test('no statement grants a data action on "*" (only unscopable listing calls)', () => {
    const offenders = all.filter(
      (s) =>
        s.resources.includes("*") &&
        s.actions.some(
          (a) => DATA_SERVICES.includes(a.split(":")[0] ?? "") && !UNSCOPABLE_DATA_ACTIONS.has(a),
        ),
    );
    expect(offenders.map((s) => s.where)).toEqual([]);
  });

  test("no Allow on every resource of a data service through a wildcard ARN", () => {
    const broad = all.filter((s) =>
      s.resources.some((r) => /^arn:aws:(dynamodb|sqs|scheduler):[^:]*:[^:]*:\*$/.test(r)),
    );
    expect(broad.map((s) => s.where)).toEqual([]);
  });

  test("the Scheduler role can only sqs:SendMessage to the event queue", () => {
    const [role] = blocksOf(files, "resource", "aws_iam_role").filter((r) => r.name === "scheduler");
    expect(role?.body.assume_role_policy).toBe("${data.aws_iam_policy_document.scheduler_trust.json}");
    const trust = all.filter((s) => s.where.includes("scheduler_trust"));
    expect(trust).toHaveLength(1);

    // Every policy attached to the role, inline or managed.
    const roleRef = "${aws_iam_role.scheduler.id}";
    const inline = blocksOf(files, "resource", "aws_iam_role_policy").filter((p) => p.body.role === roleRef);
    const managed = blocksOf(files, "resource", "aws_iam_role_policy_attachment").filter((p) =>
      String(p.body.role).includes("aws_iam_role.scheduler."),
    );
    expect(managed).toEqual([]);
    expect(inline.map((p) => p.body.policy)).toEqual(["${data.aws_iam_policy_document.scheduler_send.json}"]);
    const grants = all.filter((s) => s.where.includes("aws_iam_policy_document.scheduler_send "));
    expect(grants.map(({ effect, actions, resources }) => ({ effect, actions, resources }))).toEqual([
      { effect: "Allow", actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.events.arn}"] },
    ]);
    // ...and aws_sqs_queue.events is the event queue, not the DLQ.
    const [queue] = blocksOf(files, "resource", "aws_sqs_queue").filter(
      (q) => q.file.path === role?.file.path.replace("scheduler.tf", "queues.tf") && q.name === "events",
    );
    expect(queue?.body.name).toBe("${local.events.name}");
    expect(localsOf(files, "terraform/modules/messaging").events.name).toBe("${var.stage}-events");
  });

  test("only the reservation service may create schedules or pass the Scheduler role", () => {
    const scheduling = all.filter((s) =>
      s.actions.some((a) => a.startsWith("scheduler:") || a === "iam:PassRole"),
    );
    const scheduler = scheduling.filter((s) => s.actions.some((a) => a.startsWith("scheduler:")));
    expect(scheduler.map((s) => s.where)).toEqual([
      expect.stringContaining("aws_iam_policy_document.reservation statement HoldExpirySchedules"),
    ]);
    const passSchedulerRole = scheduling.filter((s) => s.resources.includes("${var.scheduler_role_arn}"));
    expect(passSchedulerRole.map((s) => s.where)).toEqual([
      expect.stringContaining("HandTheSchedulerItsRole"),
    ]);
  });

  test("the gateway gets no AWS role (it only talks to Redis and its peers)", () => {
    const roles = localsOf(files, "terraform/modules/service-roles").roles;
    expect(Object.keys(roles).sort()).toEqual(["inventory", "keda", "payment", "reservation", "worker"]);
  });
});

describe("EKS", () => {
  test("every managed node group is arm64 Graviton, with an on-demand and a spot group", () => {
    const [group] = blocksOf(files, "resource", "aws_eks_node_group");
    expect(group?.body.ami_type).toBe("AL2023_ARM_64_STANDARD");
    const locals = localsOf(files, "terraform/modules/eks");
    const capacity = Object.values(locals.node_groups as Record<string, { capacity_type: string }>).map(
      (g) => g.capacity_type,
    );
    expect(capacity.sort()).toEqual(["ON_DEMAND", "SPOT"]);

    const eksVariables = files
      .filter((f) => f.dir === "terraform/modules/eks")
      .flatMap((f) => Object.entries(f.hcl.variable ?? {}));
    const types = eksVariables
      .filter(([name]) => name.endsWith("instance_types"))
      .flatMap(([, bodies]) => (bodies as { default: string[] }[])[0]?.default ?? []);
    expect(types.length).toBeGreaterThan(3);
    // Graviton families end in "g" (c7g, m7g, c7gd, c7gn...): the letter after the generation digit.
    for (const type of types) expect(type).toMatch(/^[a-z]+\d+g[a-z]*\.[a-z0-9]+$/);
  });

  test("Pod Identity is how pods get roles (no long-lived keys, no node-role sharing)", () => {
    const associations = blocksOf(files, "resource", "aws_eks_pod_identity_association");
    expect(associations).toHaveLength(1);
    const trust = all.find((s) => s.where.includes("terraform/modules/pod-identity"));
    expect(trust?.actions).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(blocksOf(files, "resource", "aws_iam_access_key")).toEqual([]);
  });
});

describe("ElastiCache", () => {
  const [redis] = blocksOf(files, "resource", "aws_elasticache_replication_group");

  test("cluster mode, TLS required in transit, AUTH token, encrypted at rest", () => {
    expect(redis?.body).toMatchObject({
      cluster_mode: "enabled",
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
      at_rest_encryption_enabled: true,
      auth_token: "${random_password.auth.result}",
    });
  });

  test("multi-AZ with automatic failover", () => {
    expect(redis?.body).toMatchObject({ automatic_failover_enabled: true, multi_az_enabled: true });
    expect(redis?.body.replicas_per_node_group).toBe("${var.replicas_per_shard}");
  });

  test("keys are never evicted, and every node has a memory alarm that notifies someone", () => {
    const [params] = blocksOf(files, "resource", "aws_elasticache_parameter_group");
    const policy = ((params?.body.parameter ?? []) as { name: string; value: string }[]).find(
      (p) => p.name === "maxmemory-policy",
    );
    expect(policy?.value).toBe("noeviction");
    const [alarm] = blocksOf(files, "resource", "aws_cloudwatch_metric_alarm").filter(
      (a) => a.body.metric_name === "DatabaseMemoryUsagePercentage",
    );
    expect(alarm?.body).toMatchObject({
      namespace: "AWS/ElastiCache",
      for_each: "${toset(local.node_ids)}",
      alarm_actions: "${var.alarm_actions}",
    });
    const module = files
      .filter((f) => f.dir === "terraform/envs/prod")
      .flatMap((f) => (f.hcl.module?.redis ?? []) as { alarm_actions?: string[] }[])[0];
    expect(module?.alarm_actions).toEqual(["${aws_sns_topic.alerts.arn}"]);
  });
});
