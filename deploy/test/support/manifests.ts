/** Loads every Kubernetes/Kustomize YAML document under deploy/k8s. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { REPO } from "./terraform.ts";

/** The manifests root. */
export const K8S = join(REPO, "deploy", "k8s");

/** One YAML document. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML
export type Doc = Record<string, any> & { __file: string };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every .yaml file under deploy/k8s. */
export function yamlPaths(): string[] {
  return walk(K8S)
    .filter((p) => p.endsWith(".yaml"))
    .sort();
}

/** Parses every document; throws with the file name and YAML error on a syntax problem. */
export function loadManifests(): Doc[] {
  return yamlPaths().flatMap((full) => {
    const file = relative(REPO, full);
    return parseAllDocuments(readFileSync(full, "utf8")).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return { ...(doc.toJS() as object), __file: file } as Doc;
    });
  });
}

/** Follows a Kustomize field path (`a.b.[x.y].0`) into an object; undefined when absent. */
export function atPath(obj: unknown, path: string): unknown {
  const parts = path.match(/\[[^\]]+\]|[^.]+/g) ?? [];
  let cur: unknown = obj;
  for (const raw of parts) {
    const key = raw.startsWith("[") ? raw.slice(1, -1) : raw;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
