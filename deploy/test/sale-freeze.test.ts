// Karpenter during a sale: no node removed for consolidation or drift in sale hours, a pinned AMI.
import { expect, test } from "bun:test";
import { loadManifests } from "./support/manifests.ts";

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
