// Production starts, provably: each service's production environment is rendered the way the
// cluster builds it — the tt-config ConfigMap from Terraform's app_env output, the tt-secrets
// Secret from the keys Terraform writes to Secrets Manager (External Secrets copies them), the
// Deployment's own env with its $(VAR) references — and run through that service's config
// schema. There is no Terraform state here: values Terraform computes come from the overlay's
// examples, generated secrets are made up in their real shape (keys are real Ed25519 keys).
import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, type Env } from "@tt/kit";
import { SERVICE_NAMES } from "@tt/kit/local";
import { gatewayConfig } from "../../gateway/src/config.ts";
import { inventoryConfig } from "../../inventory/src/config.ts";
import { paymentConfig } from "../../payment/src/config.ts";
import { reservationConfig } from "../../reservation/src/config.ts";
import { workerConfig } from "../../worker/src/config.ts";
import { type Doc, K8S, loadManifests } from "./support/manifests.ts";
import { REPO } from "./support/terraform.ts";

const SCHEMAS = {
  gateway: gatewayConfig,
  reservation: reservationConfig,
  inventory: inventoryConfig,
  payment: paymentConfig,
  worker: workerConfig,
} as const;
const PROD = join(REPO, "terraform/envs/prod");
const read = (path: string) => readFileSync(path, "utf8");

/** `KEY = expression` lines of the map inside a block of `text` that starts at `opening`. */
function mapEntries(text: string, opening: string): Map<string, string> {
  const start = text.indexOf(opening);
  if (start < 0) throw new Error(`no ${opening}`);
  const end = text.indexOf("\n  }", start);
  const body = text.slice(start + opening.length, end);
  return new Map(
    [...body.matchAll(/^\s+([A-Z][A-Z0-9_]*)\s+=\s+(.+)$/gm)].map((m) => [m[1], m[2]] as [string, string]),
  );
}

const envFile = (path: string) =>
  new Map(
    read(path)
      .split("\n")
      .filter((l) => /^[A-Z]/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]),
  );

/** Terraform variables as the example tfvars (or their defaults) set them. */
function tfvars(): Map<string, string> {
  const vars = new Map<string, string>();
  for (const m of read(join(PROD, "variables.tf")).matchAll(
    /variable "(\w+)" \{[^}]*?default\s+=\s+"([^"]*)"/gs,
  ))
    vars.set(m[1] as string, m[2] as string);
  for (const m of read(join(PROD, "terraform.tfvars.example")).matchAll(/^(\w+)\s+=\s+"([^"]*)"/gm))
    vars.set(m[1] as string, m[2] as string);
  return vars;
}

/** The tt-config ConfigMap: Terraform's app_env output, each value as Terraform would render it. */
function renderAppEnv(): Env {
  const vars = tfvars();
  const example = envFile(join(K8S, "overlays/prod/app.env.example"));
  const out: Env = {};
  for (const [key, expr] of mapEntries(read(join(PROD, "outputs.tf")), 'output "app_env" {')) {
    const variable = /^var\.(\w+)$/.exec(expr);
    if (variable) out[key] = vars.get(variable[1] as string);
    else if (expr.startsWith('"'))
      out[key] = expr.slice(1, -1).replace(/\$\{var\.(\w+)\}/g, (_, v) => vars.get(v) ?? "");
    // Computed by a module at apply time: the overlay's example stands in for it.
    else out[key] = example.get(key);
    if (out[key] === undefined) throw new Error(`app_env ${key} = ${expr}: no value to render`);
  }
  return out;
}

const pem = () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    private: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    public: publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
};

/** The tt-secrets Secret: every key Terraform writes to Secrets Manager, in the shape it writes. */
function renderSecret(): Env {
  const text = read(join(PROD, "secrets.tf"));
  const services = [
    ...(/tls_private_key" "service" \{\s+for_each\s+=\s+toset\(\[([^\]]*)\]/.exec(text)?.[1] ?? "").matchAll(
      /"(\w+)"/g,
    ),
  ].map((m) => m[1] as string);
  const keys = Object.fromEntries(services.map((s) => [s, pem()]));
  const out: Env = {};
  for (const [key, expr] of mapEntries(text, "secret_string_wo = jsonencode({")) {
    const signing = /^tls_private_key\.service\["(\w+)"\]\.private_key_pem_pkcs8$/.exec(expr);
    if (/^(ephemeral\.random_password\.\w+\.result|module\.redis\.auth_token)$/.test(expr))
      out[key] = crypto.randomUUID().replaceAll("-", "");
    else if (signing) out[key] = keys[signing[1] as string]?.private;
    else if (
      expr === "jsonencode({ for name, key in tls_private_key.service : name => [key.public_key_pem] })"
    )
      out[key] = JSON.stringify(Object.fromEntries(services.map((s) => [s, [keys[s]?.public]])));
    if (out[key] === undefined) throw new Error(`secrets.tf ${key} = ${expr}: teach this test to render it`);
  }
  return out;
}

const docs = loadManifests();
const deployment = (name: string) => docs.find((d) => d.kind === "Deployment" && d.metadata?.name === name);

/** A container's environment as the kubelet builds it: envFrom first, then env in order, $(VAR) expanded. */
function podEnv(service: string, config: Env, secret: Env): { env: Env; problems: string[] } {
  const container = deployment(service)?.spec.template.spec.containers[0];
  const env: Env = {};
  const problems: string[] = [];
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef?.name !== "tt-config")
      problems.push(`envFrom ${JSON.stringify(from)} is not rendered`);
    else Object.assign(env, config);
  }
  for (const e of container.env as Doc[]) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      if (ref.name !== "tt-secrets") problems.push(`${e.name}: Secret ${ref.name} is not rendered`);
      else if (secret[ref.key] === undefined)
        problems.push(`${e.name}: tt-secrets has no key ${ref.key} (the pod cannot start)`);
      else env[e.name] = secret[ref.key];
    } else env[e.name] = String(e.value ?? "").replace(/\$\(([A-Z0-9_]+)\)/g, (whole, v) => env[v] ?? whole);
  }
  return { env, problems };
}

/** What a service's config check says of the environment the manifests give it. */
function check(service: keyof typeof SCHEMAS, secret = renderSecret()): string[] {
  const { env, problems } = podEnv(service, renderAppEnv(), secret);
  try {
    SCHEMAS[service].load(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  return problems;
}

describe("production environment, rendered from the manifests, the Secret and the Terraform outputs", () => {
  test("a schema for every service", () => {
    expect(Object.keys(SCHEMAS).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  for (const service of SERVICE_NAMES) {
    test(`${service} passes its configuration check in production`, () => {
      expect({ service, problems: check(service) }).toEqual({ service, problems: [] });
      expect(podEnv(service, renderAppEnv(), renderSecret()).env.APP_ENV).toBe("production");
    });

    test(`${service}: every secret it reads comes from tt-secrets, never a plain value or the ConfigMap`, () => {
      const container = deployment(service)?.spec.template.spec.containers[0];
      const appEnv = renderAppEnv();
      for (const name of SCHEMAS[service].secrets()) {
        const e = (container.env as Doc[]).find((x) => x.name === name);
        expect({ name, inConfigMap: name in appEnv, plain: e?.value !== undefined }).toEqual({
          name,
          inConfigMap: false,
          plain: false,
        });
      }
    });
  }

  test("a secret missing from Secrets Manager fails the check of every service that needs it", () => {
    const { RESERVATION_TOKEN_SECRET: _gone, ...secret } = renderSecret();
    expect(check("gateway", secret)).toContain(
      "RESERVATION_TOKEN_SECRET: tt-secrets has no key RESERVATION_TOKEN_SECRET (the pod cannot start)",
    );
    expect(check("reservation", secret).join("\n")).toContain("RESERVATION_TOKEN_SECRET");
    expect(check("payment", secret)).toEqual([]);
  });

  test("External Secrets fills tt-secrets from the secret Terraform writes, named by a Terraform output", () => {
    const external = docs.find((d) => d.kind === "ExternalSecret" && d.metadata?.name === "tt-secrets");
    expect(external?.spec.target.name).toBe("tt-secrets");
    expect(external?.spec.secretStoreRef.name).toBe(
      docs.find((d) => d.kind === "SecretStore")?.metadata.name,
    );
    expect(mapEntries(read(join(PROD, "outputs.tf")), 'output "deploy_env" {').get("APP_SECRET_NAME")).toBe(
      "aws_secretsmanager_secret.app.name",
    );
    // No Kubernetes Secret written by Terraform any more: the values stay out of its state.
    expect(read(join(PROD, "kubernetes.tf"))).not.toContain("kubernetes_secret");
  });
});
