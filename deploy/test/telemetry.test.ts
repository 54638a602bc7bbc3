// Traces and logs leave the pods: the services export to the collector, which samples whole traces
// (every error, the reservation path, 10 % of the rest) into X-Ray; Fluent Bit ships every node's
// container logs to a CloudWatch Logs group with a retention. Both call AWS by Pod Identity.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { baseFields } from "@tt/kit";
import { parse } from "yaml";
import { type Doc, K8S, loadManifests } from "./support/manifests.ts";
import { blocksOf, type Hcl, loadTerraform } from "./support/terraform.ts";

const docs = loadManifests();
const named = (kind: string, name: string) =>
  docs.find((d) => d.kind === kind && d.metadata?.name === name) as Doc;
const files = await loadTerraform();
const prod = files.filter((f) => f.dir === "terraform/envs/prod");
const prodText = prod.map((f) => f.text).join("\n");
const prodModule = (name: string): Hcl => prod.flatMap((f) => f.hcl.module?.[name] ?? [])[0];
const envOf = (doc: Doc) =>
  Object.fromEntries(doc.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e]));

const collectorConfig = named("ConfigMap", "otel-collector");
const routing = parse(collectorConfig.data["routing.yaml"]);
const sampling = parse(collectorConfig.data["sampling.yaml"]);

describe("traces", () => {
  test("every service exports OTLP to the collector's Service, through the variable the kit reads", () => {
    const name = baseFields(1).otlpEndpoint.name;
    expect(name).toBe("OTEL_EXPORTER_OTLP_ENDPOINT");
    const fromTerraform = new RegExp(`${name}\\s+=\\s+"([^"]+)"`).exec(prodText)?.[1];
    const example = readFileSync(join(K8S, "overlays/prod/app.env.example"), "utf8");
    expect(example).toContain(`${name}=${fromTerraform}\n`);
    // The kit posts to `${endpoint}/v1/traces`, OTLP over HTTP: the collector's 4318 receiver.
    const url = new URL(fromTerraform as string);
    const service = named("Service", url.hostname);
    expect(service.spec.ports.map((p: Doc) => p.port)).toContain(Number(url.port));
    expect(routing.receivers.otlp.protocols.http.endpoint).toEndWith(`:${url.port}`);
  });

  test("the routing tier sends each trace, by its id, to one sampler pod of the headless Service", () => {
    const lb = routing.exporters.loadbalancing;
    expect(lb.routing_key).toBe("traceID");
    expect(routing.service.pipelines.traces.exporters).toEqual(["loadbalancing"]);
    const headless = named("Service", lb.resolver.dns.hostname.split(".")[0]);
    expect(headless.spec.clusterIP).toBe("None");
    expect(lb.resolver.dns.hostname).toBe(`${headless.metadata.name}.traffic-tacos.svc.cluster.local`);
    const sampler = named("StatefulSet", "otel-sampler");
    expect(sampler.spec.serviceName).toBe(headless.metadata.name);
    expect(sampler.spec.template.metadata.labels).toMatchObject(headless.spec.selector);
    const grpc = sampler.spec.template.spec.containers[0].ports.find((p: Doc) => p.name === "otlp-grpc");
    expect(String(grpc.containerPort)).toBe(lb.resolver.dns.port);
    expect(sampling.receivers.otlp.protocols.grpc.endpoint).toEndWith(`:${grpc.containerPort}`);
    // Each tier runs its own configuration from the one ConfigMap.
    expect(named("Deployment", "otel-collector").spec.template.spec.containers[0].args).toEqual([
      "--config=/conf/routing.yaml",
    ]);
    expect(sampler.spec.template.spec.containers[0].args).toEqual(["--config=/conf/sampling.yaml"]);
  });

  test("the sampler keeps every error, the whole reservation path and 10 % of the rest, for X-Ray", () => {
    const policies: Doc[] = sampling.processors.tail_sampling.policies;
    const byType = (type: string) => policies.filter((p) => p.type === type);
    expect(byType("status_code")[0]?.status_code.status_codes).toEqual(["ERROR"]);
    expect(byType("numeric_attribute")[0]?.numeric_attribute).toEqual({
      key: "http.response.status_code",
      min_value: 500,
      max_value: 599,
    });
    const attributes = byType("string_attribute").map((p) => p.string_attribute);
    expect(attributes.find((a) => a.key === "service.name")?.values).toEqual(["reservation"]);
    const routes = attributes.find((a) => a.key === "http.route");
    expect(routes?.enabled_regex_matching).toBe(true);
    const kept = (route: string) => routes?.values.some((v: string) => new RegExp(v).test(route));
    expect(
      ["/api/v1/reservations", "/api/v1/reservations/:id/confirm", "/api/v1/payments/intent"].map(kept),
    ).toEqual([true, true, true]);
    expect(["/api/v1/queue/status", "/api/v1/events/:id/availability"].map(kept)).toEqual([false, false]);
    expect(byType("probabilistic")[0]?.probabilistic.sampling_percentage).toBe(10);
    // No and/composite policy: they are OR-ed, so any one keeps the trace.
    expect(policies.length).toBe(5);
    const pipeline = sampling.service.pipelines.traces;
    expect(pipeline.processors).toContain("tail_sampling");
    expect(pipeline.exporters).toEqual(["awsxray"]);
    expect(sampling.exporters.awsxray.region).toBe("${env:AWS_REGION}");
    const region = envOf(named("StatefulSet", "otel-sampler")).AWS_REGION;
    expect(region.valueFrom.configMapKeyRef).toEqual({ name: "tt-config", key: "AWS_REGION" });
  });

  test("only the sampler has an AWS role, bound by Pod Identity to its service account, write-only X-Ray", () => {
    const identity = prodModule("otel_sampler_identity");
    const sampler = named("StatefulSet", "otel-sampler").spec.template.spec;
    expect(identity.namespace).toBe("${local.namespace}");
    expect(identity.service_account).toBe(sampler.serviceAccountName);
    expect(identity.managed_policy_arns).toEqual(["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]);
    expect(named("Deployment", "otel-collector").spec.template.spec.serviceAccountName).not.toBe(
      sampler.serviceAccountName,
    );
  });
});

describe("logs", () => {
  const daemonSet = named("DaemonSet", "fluent-bit");
  const conf: string = named("ConfigMap", "fluent-bit").data["fluent-bit.conf"];
  const section = (name: string) =>
    Object.fromEntries(
      (conf.split(`[${name}]`)[1] ?? "")
        .split("\n[")[0]
        ?.split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((p) => p.length > 1)
        .map((p) => [p[0], p.slice(1).join(" ")]) ?? [],
    );

  test("Fluent Bit runs on every node and tails every container's log file", () => {
    expect(daemonSet.spec.template.spec.tolerations).toEqual([{ operator: "Exists" }]);
    expect(section("INPUT")).toMatchObject({ Name: "tail", Path: "/var/log/containers/*.log" });
    const mounts = daemonSet.spec.template.spec.containers[0].volumeMounts.map((m: Doc) => m.mountPath);
    expect(mounts).toContain("/var/log");
  });

  test("it ships to the CloudWatch Logs group Terraform makes with a retention, never one it makes itself", () => {
    const output = section("OUTPUT");
    expect(output).toMatchObject({
      Name: "cloudwatch_logs",
      region: "${AWS_REGION}",
      log_group_name: "${CONTAINER_LOG_GROUP}",
      auto_create_group: "Off",
    });
    // Both values come from deploy_env through the overlay (the replacement test checks the rest).
    const env = envOf(daemonSet);
    expect([env.AWS_REGION.value, env.CONTAINER_LOG_GROUP.value]).toEqual([
      "set-by-overlay",
      "set-by-overlay",
    ]);
    expect(prodText).toMatch(/CONTAINER_LOG_GROUP\s+= aws_cloudwatch_log_group\.containers\.name/);
    const [group] = blocksOf(files, "resource", "aws_cloudwatch_log_group").filter(
      (g) => g.name === "containers",
    );
    expect(group?.body.retention_in_days).toBe("${var.container_log_retention_days}");
    const retention = prod.flatMap((f) => f.hcl.variable?.container_log_retention_days ?? [])[0];
    expect(retention?.default).toBeGreaterThanOrEqual(7);
  });

  test("its Pod Identity role may write streams of that group and nothing else", () => {
    const identity = prodModule("fluent_bit_identity");
    expect(identity.namespace).toBe(daemonSet.metadata.namespace);
    expect(identity.service_account).toBe(daemonSet.spec.template.spec.serviceAccountName);
    const [policy] = blocksOf(files, "data", "aws_iam_policy_document").filter(
      (d) => d.name === "fluent_bit",
    );
    expect(identity.policy_json).toBe("${data.aws_iam_policy_document.fluent_bit.json}");
    expect(policy?.body.statement).toEqual([
      expect.objectContaining({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: ["${aws_cloudwatch_log_group.containers.arn}:*"],
      }),
    ]);
    const binding = named("ClusterRoleBinding", "fluent-bit");
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "fluent-bit", namespace: "logging" }]);
  });
});
