// The Kubernetes manifests: valid YAML, the fields the API server requires, and wiring that
// matches the services (images, ports, probe routes, environment variables they really read).
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { awsFields, baseFields, calleesOf, callersOf, redisFields, upstreamFields } from "@tt/kit";
import { PORTS, SERVICE_NAMES } from "@tt/kit/local";
import { gatewayFields } from "../../gateway/src/config.ts";
import { inventoryFields } from "../../inventory/src/config.ts";
import { paymentFields } from "../../payment/src/config.ts";
import { reservationFields } from "../../reservation/src/config.ts";
import { workerFields } from "../../worker/src/config.ts";
import { atPath, type Doc, K8S, loadManifests } from "./support/manifests.ts";
import { REPO } from "./support/terraform.ts";

const docs = loadManifests();
const objects = docs.filter((d) => d.kind !== "Kustomization");
const of = (kind: string) => objects.filter((d) => d.kind === kind);
const named = (kind: string, name: string) => of(kind).find((d) => d.metadata?.name === name);
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("manifests: what the API server requires", () => {
  test("every document parses and has apiVersion, kind and a DNS-1123 metadata.name", () => {
    expect(objects.length).toBeGreaterThan(25);
    for (const d of objects) {
      expect({ file: d.__file, apiVersion: typeof d.apiVersion, kind: typeof d.kind }).toEqual({
        file: d.__file,
        apiVersion: "string",
        kind: "string",
      });
      expect(`${d.__file}:${d.metadata?.name}`).toMatch(new RegExp(`:${DNS_1123.source.slice(1, -1)}$`));
    }
  });

  test("Deployments: selector matches the pod labels; containers have name, image, ports, resources", () => {
    for (const d of of("Deployment")) {
      const pod = d.spec.template;
      expect(pod.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
      expect(pod.spec.containers.length).toBeGreaterThan(0);
      for (const c of pod.spec.containers) {
        expect(c.name).toMatch(DNS_1123);
        expect(typeof c.image).toBe("string");
        for (const p of c.ports) expect(Number.isInteger(p.containerPort)).toBe(true);
        expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits.memory).toBeString();
      }
      expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
      expect(pod.spec.nodeSelector["kubernetes.io/arch"]).toBe("arm64");
    }
  });

  test("Services, PDBs, HPAs, ScaledObjects and the Ingress point at objects that exist", () => {
    const deployments = [...of("Deployment"), ...of("StatefulSet"), ...of("DaemonSet")];
    const podLabels = (name: string) => named("Deployment", name)?.spec.template.metadata.labels;
    for (const s of of("Service")) {
      const target = deployments.find((d) =>
        Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect({ service: s.metadata.name, found: Boolean(target) }).toEqual({
        service: s.metadata.name,
        found: true,
      });
      const portNames = target?.spec.template.spec.containers.flatMap((c: Doc) =>
        c.ports.map((p: Doc) => p.name),
      );
      for (const p of s.spec.ports) expect(portNames).toContain(p.targetPort);
    }
    for (const p of of("PodDisruptionBudget")) {
      expect(p.spec.minAvailable ?? p.spec.maxUnavailable).toBeDefined();
      expect(podLabels(p.metadata.name)).toMatchObject(p.spec.selector.matchLabels);
    }
    for (const h of [...of("HorizontalPodAutoscaler"), ...of("ScaledObject")]) {
      expect(named("Deployment", h.spec.scaleTargetRef.name)).toBeDefined();
    }
    for (const i of of("Ingress")) {
      for (const path of i.spec.rules.flatMap((r: Doc) => r.http.paths)) {
        const svc = named("Service", path.backend.service.name);
        expect(svc?.spec.ports.map((p: Doc) => p.name)).toContain(path.backend.service.port.name);
      }
    }
  });

  test("KEDA scales every service: CPU and a sale's cron floor for the request-serving ones, queue depth for the worker", () => {
    // KEDA makes the HPAs; a hand-written one beside it would fight it over the same Deployment.
    expect(of("HorizontalPodAutoscaler")).toEqual([]);
    const scaled = of("ScaledObject");
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const s of scaled.filter((x) => x.metadata.name !== "worker")) {
      const [cpu, cron] = s.spec.triggers;
      expect({ name: s.metadata.name, cpu }).toEqual({
        name: s.metadata.name,
        cpu: { type: "cpu", metricType: "Utilization", metadata: { value: "60" } },
      });
      expect(cron).toMatchObject({ type: "cron", metadata: { timezone: "Asia/Seoul" } });
      const floor = Number(cron.metadata.desiredReplicas);
      expect(s.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
      expect(floor).toBeGreaterThan(s.spec.minReplicaCount);
      expect(floor).toBeLessThan(s.spec.maxReplicaCount);
      // Up at once (a drop doubles every 15 s), down slowly (a lull inside the sale is not its end).
      const behavior = s.spec.advanced.horizontalPodAutoscalerConfig.behavior;
      expect(behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
      expect(behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    }
    const worker = named("ScaledObject", "worker");
    expect(worker?.spec.triggers[0]).toMatchObject({
      type: "aws-sqs-queue",
      metadata: { queueURLFromEnv: "EVENTS_QUEUE_URL" },
    });
    expect(named("TriggerAuthentication", worker?.spec.triggers[0].authenticationRef.name)).toBeDefined();
  });

  test("the gateway Ingress is an ALB with a WebSocket-friendly idle timeout", () => {
    const annotations = named("Ingress", "gateway")?.metadata.annotations ?? {};
    expect(named("Ingress", "gateway")?.spec.ingressClassName).toBe("alb");
    const idle = /idle_timeout\.timeout_seconds=(\d+)/.exec(
      annotations["alb.ingress.kubernetes.io/load-balancer-attributes"],
    );
    expect(Number(idle?.[1])).toBeGreaterThanOrEqual(600);
  });
});

describe("manifests: wired to the services", () => {
  test("one Deployment per service, running its image, on its ports (HTTP and gRPC = PORT + 1)", () => {
    for (const name of SERVICE_NAMES) {
      const container = named("Deployment", name)?.spec.template.spec.containers[0];
      const port = PORTS[name].defaultPort;
      expect(container?.image).toBe(`traffic-tacos/${name}`);
      expect(container?.ports).toEqual([
        { name: "http", containerPort: port },
        { name: "grpc", containerPort: port + 1 },
      ]);
      expect(container?.env.find((e: Doc) => e.name === "PORT")?.value).toBe(String(port));
      expect(named("ServiceAccount", name)).toBeDefined();
    }
  });

  test("probes use the kit's /healthz (liveness, startup) and /readyz (readiness) on the HTTP port", () => {
    for (const name of SERVICE_NAMES) {
      const c = named("Deployment", name)?.spec.template.spec.containers[0];
      expect([c.startupProbe, c.livenessProbe, c.readinessProbe].map((p) => p.httpGet)).toEqual([
        { path: "/healthz", port: "http" },
        { path: "/healthz", port: "http" },
        { path: "/readyz", port: "http" },
      ]);
    }
  });

  test("every environment variable the manifests set is one a service reads", () => {
    const read = new Set(
      [
        baseFields(1),
        awsFields(),
        redisFields(),
        upstreamFields(),
        gatewayFields(),
        reservationFields(),
        inventoryFields(),
        paymentFields(),
        workerFields(),
      ].flatMap((fields) => Object.values(fields).map((f) => f.name)),
    );
    // Only composed into REDIS_URL inside the manifests.
    const composeOnly = new Set(["REDIS_HOST", "REDIS_AUTH_TOKEN"]);
    const set = SERVICE_NAMES.flatMap((name) =>
      named("Deployment", name)?.spec.template.spec.containers[0].env.map((e: Doc) => e.name),
    );
    const example = readFileSync(join(K8S, "overlays/prod/app.env.example"), "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => l.split("=")[0] as string);
    const unknown = [...set, ...example].filter((n) => !read.has(n) && !composeOnly.has(n));
    expect(unknown).toEqual([]);
  });

  test("every secret a service requires in production comes from tt-secrets, which Terraform fills (in Secrets Manager)", () => {
    const required: Record<string, string[]> = {
      gateway: ["RESERVATION_TOKEN_SECRET", "PAYMENT_WEBHOOK_SECRET"],
      reservation: ["RESERVATION_TOKEN_SECRET"],
      payment: ["PAYMENT_WEBHOOK_SECRET"],
    };
    const secretData = readFileSync(join(REPO, "terraform/envs/prod/secrets.tf"), "utf8");
    for (const [service, names] of Object.entries(required)) {
      const env: Doc[] = named("Deployment", service)?.spec.template.spec.containers[0].env ?? [];
      for (const name of names) {
        const ref = env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
        expect({ service, name, ref }).toEqual({ service, name, ref: { name: "tt-secrets", key: name } });
        expect(secretData).toMatch(new RegExp(`\\b${name}\\s*=`));
      }
    }
  });

  test("each service gets its signing key if it calls others and the public keys if it is called, from tt-secrets", () => {
    const secretData = readFileSync(join(REPO, "terraform/envs/prod/secrets.tf"), "utf8");
    for (const service of SERVICE_NAMES) {
      const env: Doc[] = named("Deployment", service)?.spec.template.spec.containers[0].env ?? [];
      const ref = (name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
      // Payment calls nobody but signs its approvals for reservation (kit identity/attestation.ts).
      const signs = calleesOf(service).length > 0 || service === "payment";
      const signing = signs ? `SERVICE_SIGNING_KEY_${service.toUpperCase()}` : undefined;
      const trusted = callersOf(service).length > 0 ? "SERVICE_TRUSTED_KEYS" : undefined;
      expect({
        service,
        signing: ref("SERVICE_SIGNING_KEY")?.key,
        trusted: ref("SERVICE_TRUSTED_KEYS")?.key,
      }).toEqual({
        service,
        signing,
        trusted,
      });
      for (const key of [signing, trusted].filter(Boolean))
        expect(secretData).toMatch(new RegExp(`\\b${key}\\s*=`));
    }
  });

  test("NetworkPolicies let each service be called only by its callers in the call graph (plus monitoring)", () => {
    for (const service of SERVICE_NAMES) {
      const policy = named("NetworkPolicy", service);
      expect(policy?.spec.podSelector.matchLabels).toEqual({ "app.kubernetes.io/name": service });
      const rules: Doc[] = policy?.spec.ingress ?? [];
      const fromPods = rules
        .flatMap((r) => r.from ?? [])
        .map((f: Doc) => f.podSelector?.matchLabels?.["app.kubernetes.io/name"])
        .filter(Boolean)
        .sort();
      expect({ service, callers: fromPods }).toEqual({ service, callers: [...callersOf(service)].sort() });
      const monitoring = rules.find((r) =>
        (r.from ?? []).some(
          (f: Doc) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
        ),
      );
      expect(monitoring?.ports).toEqual([{ port: PORTS[service].defaultPort }]);
    }
  });

  test("the production overlay sets an image for every service", () => {
    const overlay = docs.find((d) => d.__file === "deploy/k8s/overlays/prod/kustomization.yaml");
    expect(overlay?.images.map((i: Doc) => i.name).sort()).toEqual(
      SERVICE_NAMES.map((n) => `traffic-tacos/${n}`).sort(),
    );
  });
});

describe("kustomizations", () => {
  const kustomizations = docs.filter((d) => d.kind === "Kustomization");

  test("every resource, env file and dashboard they reference exists", () => {
    expect(kustomizations.length).toBe(3);
    for (const k of kustomizations) {
      const dir = dirname(join(REPO, k.__file));
      const files = [
        ...(k.resources ?? []),
        ...(k.configMapGenerator ?? []).flatMap((g: Doc) => [
          ...(g.files ?? []),
          ...(g.envs ?? []).map((e: string) => `${e}.example`),
        ]),
      ];
      for (const f of files)
        expect({ file: f, exists: existsSync(join(dir, f)) }).toEqual({ file: f, exists: true });
    }
  });

  test("every replacement copies a key the Terraform output provides into a field that exists", () => {
    const overlay = kustomizations.find((k) => k.__file.includes("overlays/prod"));
    const deployEnv = readFileSync(join(K8S, "overlays/prod/deploy.env.example"), "utf8");
    const tfOutputs = readFileSync(join(REPO, "terraform/envs/prod/outputs.tf"), "utf8");
    for (const r of overlay?.replacements ?? []) {
      const key = String(r.source.fieldPath).replace("data.", "");
      expect(deployEnv).toContain(`${key}=`);
      expect(tfOutputs).toMatch(new RegExp(`\\b${key}\\s+=`));
      for (const t of r.targets) {
        const target = named(t.select.kind, t.select.name);
        for (const path of t.fieldPaths)
          expect({ path, value: atPath(target, path) }).toEqual({ path, value: "set-by-overlay" });
      }
    }
  });
});
