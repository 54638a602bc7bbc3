/**
 * The house measures of the README's "Repository layout": over the hand-written TypeScript of a
 * commit (no tests, no test support, no generated code), the files, their non-blank lines, the
 * files over 300 lines and the import cycles (strongly connected groups of files that import each
 * other at run time; `import type` is erased, so it is not an edge). Duplicate pairs come from the
 * workplace's `duplicates` tool, not from here.
 *
 *   bun scripts/house-measures.ts [commit]     (default HEAD; reads the commit, not the working tree)
 */
import { execFileSync } from "node:child_process";
import { dirname, join, normalize } from "node:path";

const rev = process.argv[2] ?? "HEAD";
const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", maxBuffer: 1 << 28 });

const handWritten = (path: string) =>
  /\.tsx?$/.test(path) &&
  !path.endsWith(".d.ts") &&
  !path.includes("/gen/") &&
  !/(^|\/)(test|e2e)\//.test(path) &&
  !/\.test\.tsx?$/.test(path);

const files = git("ls-tree", "-r", "--name-only", rev).split("\n").filter(handWritten);
const text = new Map(files.map((f) => [f, git("show", `${rev}:${f}`)]));
const known = new Set(files);
// Workspace packages imported by name; any other bare specifier is a dependency, not an edge.
const workspaces: Record<string, string> = { "@tt/kit": "kit/src", "@tt/contracts": "contracts/src" };

/** The file an import names, if it is one of the measured files. */
function resolve(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith(".")) base = normalize(join(dirname(from), spec));
  else {
    const name = Object.keys(workspaces).find((w) => spec === w || spec.startsWith(`${w}/`));
    if (!name) return undefined;
    base = `${workspaces[name]}${spec.slice(name.length) || "/index"}`;
  }
  base = base.replace(/\.(js|ts|tsx)$/, "");
  return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((c) => known.has(c));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/g;
const edges = new Map<string, string[]>();
let lines = 0;
const long: string[] = [];
for (const [file, source] of text) {
  const all = source.split("\n");
  if (source.endsWith("\n")) all.pop();
  lines += all.filter((l) => l.trim() !== "").length;
  if (all.length > 300) long.push(`${file} (${all.length})`);
  const deps: string[] = [];
  for (const [, typeOnly, spec] of source.matchAll(IMPORT)) {
    const target = !typeOnly && spec ? resolve(file, spec) : undefined;
    if (target) deps.push(target);
  }
  edges.set(file, deps);
}

// Tarjan's strongly connected components: each group of two or more files is one cycle.
const index = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const cycles: string[][] = [];
function visit(v: string): void {
  index.set(v, index.size);
  low.set(v, index.get(v) ?? 0);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!index.has(w)) visit(w);
    if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0, index.get(w) ?? 0));
  }
  if (low.get(v) !== index.get(v)) return;
  const group: string[] = [];
  let w: string | undefined;
  do {
    w = stack.pop();
    if (w === undefined) break;
    onStack.delete(w);
    group.push(w);
  } while (w !== v);
  if (group.length > 1) cycles.push(group);
}
for (const file of edges.keys()) if (!index.has(file)) visit(file);

console.log(`commit ${git("rev-parse", "--short", rev).trim()}`);
console.log(`files ${files.length}, lines (non-blank) ${lines.toLocaleString("en")}`);
console.log(`files over 300 lines ${long.length}${long.length ? `: ${long.join(", ")}` : ""}`);
console.log(`import cycles ${cycles.length}${cycles.map((c) => `\n  ${c.join(" ⇄ ")}`).join("")}`);
