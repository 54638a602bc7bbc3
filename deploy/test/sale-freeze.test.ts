// During a sale: Karpenter removes no node for consolidation or drift in sale hours and runs a pinned
// AMI; the services are pre-scaled for a scheduled sale's opening.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { K8S, loadManifests } from "./support/manifests.ts";
import { loadTerraform } from "./support/terraform.ts";

const docs = loadManifests();
const pool = docs.find((d) => d.kind === "NodePool");
const nodeClass = docs.find((d) => d.kind === "EC2NodeClass");

test("consolidation and drift replacement are blocked every day from 10:00 to 24:00 KST", () => {
  const freeze = pool?.spec.disruption.budgets.find((b: { nodes: string }) => b.nodes === "0");
  expect(freeze?.reasons).toEqual(["Underutilized", "Drifted"]);
  const [minute, hour] = String(freeze?.schedule).split(" ").map(Number);
  expect(minute).toBe(0);
  expect(((hour as number) + 9) % 24).toBe(10);
  expect(freeze?.duration).toBe("14h");
});

test("Karpenter's nodes run a pinned AMI set by the overlay, never @latest", () => {
  expect(nodeClass?.spec.amiSelectorTerms).toEqual([{ alias: "set-by-overlay" }]);
  const overlay = docs.find((d) => d.__file === "deploy/k8s/overlays/prod/kustomization.yaml");
  const ami = overlay?.replacements.find((r: { source: { fieldPath: string } }) =>
    r.source.fieldPath.endsWith("KARPENTER_AMI_ALIAS"),
  );
  expect(ami?.targets[0].fieldPaths).toEqual(["spec.amiSelectorTerms.0.alias"]);
});

test("the services are pre-scaled for a scheduled sale in a window Terraform sets, in Korean time", async () => {
  const overlay = docs.find((d) => d.__file === "deploy/k8s/overlays/prod/kustomization.yaml");
  const prod = (await loadTerraform()).filter((f) => f.dir === "terraform/envs/prod");
  const window = prod.flatMap((f) => f.hcl.variable?.sale_prescale_window ?? [])[0]?.default;
  const outputs = prod.map((f) => f.text).join("\n");
  const example = readFileSync(join(K8S, "overlays/prod/deploy.env.example"), "utf8");
  for (const [key, field] of [
    ["SALE_PRESCALE_START", "start"],
    ["SALE_PRESCALE_END", "end"],
  ] as const) {
    const replacement = overlay?.replacements.find(
      (r: { source: { fieldPath: string } }) => r.source.fieldPath === `data.${key}`,
    );
    const targets = replacement?.targets.map((t: { select: { name: string }; fieldPaths: string[] }) => [
      t.select.name,
      t.fieldPaths,
    ]);
    expect(targets?.sort()).toEqual(
      ["gateway", "inventory", "payment", "reservation"].map((n) => [
        n,
        [`spec.triggers.1.metadata.${field}`],
      ]),
    );
    expect(outputs).toMatch(new RegExp(`${key}\\s+= var\\.sale_prescale_window\\.${field}\\n`));
    // The example env file holds what Terraform writes with the defaults.
    expect(example).toContain(`${key}=${window?.[field]}\n`);
  }
  // Before the usual 20:00 KST opening, and ending after it.
  const [startMinute, startHour] = String(window?.start).split(" ").map(Number);
  expect((startHour as number) * 60 + (startMinute as number)).toBeLessThan(20 * 60);
  expect(Number(String(window?.end).split(" ")[1])).toBeGreaterThan(20);
});
