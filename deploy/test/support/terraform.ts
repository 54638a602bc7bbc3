/** Loads and parses every Terraform file of the repository once, with lookups the tests share. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseHcl as parse } from "./hcl.ts";

/** The repository root. */
export const REPO = join(import.meta.dir, "..", "..", "..");
/** The Terraform root. */
export const TERRAFORM = join(REPO, "terraform");

/** Parsed HCL: hcl2json's JSON (blocks are arrays; expressions are "${...}" strings). */
// biome-ignore lint/suspicious/noExplicitAny: hcl2json output is untyped JSON by nature
export type Hcl = Record<string, any>;

/** One parsed .tf file. */
export interface TfFile {
  /** Path relative to the repository root. */
  path: string;
  /** Its folder relative to the repository root (a module or environment). */
  dir: string;
  text: string;
  hcl: Hcl;
}

/** One resource or data block. */
export interface TfBlock {
  file: TfFile;
  type: string;
  name: string;
  body: Hcl;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (entry === ".terraform") return [];
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every .tf path under terraform/. */
export function tfPaths(): string[] {
  return walk(TERRAFORM)
    .filter((p) => p.endsWith(".tf"))
    .sort();
}

let loaded: Promise<TfFile[]> | undefined;

/** Parses every .tf file (once per test process); rejects with the file name on a syntax error. */
export function loadTerraform(): Promise<TfFile[]> {
  loaded ??= Promise.all(
    tfPaths().map(async (full) => {
      const path = relative(REPO, full);
      const text = readFileSync(full, "utf8");
      const hcl = (await parse(path, text)) as Hcl;
      return { path, dir: relative(REPO, join(full, "..")), text, hcl };
    }),
  );
  return loaded;
}

/** Every `resource` (kind "resource") or `data` block of a type, across all files. */
export function blocksOf(files: TfFile[], kind: "resource" | "data", type: string): TfBlock[] {
  return files.flatMap((file) =>
    Object.entries((file.hcl[kind]?.[type] ?? {}) as Record<string, Hcl[]>).flatMap(([name, bodies]) =>
      bodies.map((body) => ({ file, type, name, body })),
    ),
  );
}

/** The merged `locals` of one folder. */
export function localsOf(files: TfFile[], dir: string): Hcl {
  return Object.assign({}, ...files.filter((f) => f.dir === dir).flatMap((f) => f.hcl.locals ?? []));
}

/** Replaces whole-string `${local.x}` references by the local's value (one level, as the tests need). */
export function resolveLocals(value: unknown, locals: Hcl): unknown {
  if (typeof value === "string") {
    const m = /^\$\{local\.([a-z0-9_]+)\}$/.exec(value);
    return m ? resolveLocals(locals[m[1] as string], locals) : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveLocals(v, locals));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveLocals(v, locals)]));
  }
  return value;
}

/** An IAM policy statement from an aws_iam_policy_document, with where it came from. */
export interface Statement {
  where: string;
  effect: string;
  actions: string[];
  resources: string[];
  hasPrincipals: boolean;
}

/** Every statement of every aws_iam_policy_document, with `local.*` action lists resolved. */
export function statements(files: TfFile[]): Statement[] {
  return blocksOf(files, "data", "aws_iam_policy_document").flatMap((doc) => {
    const locals = localsOf(files, doc.file.dir);
    return ((doc.body.statement ?? []) as Hcl[]).map((s, i) => ({
      where: `${doc.file.path} data.aws_iam_policy_document.${doc.name} statement ${s.sid ?? i}`,
      effect: s.effect ?? "Allow",
      actions: expandList(s.actions, locals),
      resources: expandList(s.resources, locals),
      hasPrincipals: Array.isArray(s.principals),
    }));
  });
}

/** Resolves `concat(local.a, local.b, [...])` and `local.a` action lists into plain strings. */
function expandList(value: unknown, locals: Hcl): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => expandList(v, locals));
  const text = String(value);
  const concat = /^\$\{concat\((.*)\)\}$/.exec(text);
  if (concat) {
    return (concat[1] as string).split(/,\s*(?![^[]*\])/).flatMap((part) => {
      const p = part.trim();
      if (p.startsWith("local.")) return expandList(`\${${p}}`, locals);
      if (p.startsWith("[")) return [...p.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
      return [`\${${p}}`];
    });
  }
  const resolved = resolveLocals(text, locals);
  return resolved === text ? [text] : expandList(resolved, locals);
}
