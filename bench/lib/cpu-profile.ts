/**
 * Reads a `--cpu-prof` JSON profile (Chrome's .cpuprofile format, as Bun writes it) by counting
 * samples. Bun's own Markdown summary (`--cpu-prof-md`) weighs each sample by the time since the
 * one before, so a function sampled right after the process sat idle is charged with the idle
 * time; on a drop's services that made a socket write or a gauge look like the busiest code. Bun
 * samples only while JavaScript runs (about one sample per millisecond), so a count of samples
 * is the CPU each piece of code used.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The parts of a .cpuprofile this reader uses. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  timeDeltas: number[];
}

/** Samples per place: `byCode` charges a sample to the nearest frame of the project's own code. */
export interface SampleCounts {
  total: number;
  /** Where the sampled function itself lives: a package (`ioredis`), a project file or `[native]`. */
  byPlace: Map<string, number>;
  /** The innermost frame of the project's own code (not a package, not Bun's internals). */
  byCode: Map<string, number>;
}

const PACKAGE = /node_modules\/(?:\.bun\/)?((?:@[^/+]+[/+])?[^/@]+)/;

/** A short name for the file a frame is in: its package, or its path in the repository. */
export function placeOf(url: string, root: string): string {
  if (!url) return "[native]";
  const pkg = url.match(PACKAGE);
  if (pkg?.[1]) return pkg[1].replace("+", "/");
  const path = url.replace(/^file:\/\//, "");
  return path.startsWith(root) ? path.slice(root.length + 1) : path;
}

const isOwnCode = (url: string) =>
  url !== "" && !url.includes("node_modules") && !/^(node|internal|bun):/.test(url);

/** Counts the samples of `profile` taken between `from` and `to` (epoch ms; default: all). */
export function countSamples(
  profile: CpuProfile,
  root: string,
  from = -Infinity,
  to = Infinity,
): SampleCounts {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts: SampleCounts = { total: 0, byPlace: new Map(), byCode: new Map() };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let at = profile.startTime; // microseconds
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at / 1000 < from || at / 1000 > to) return;
    const node = nodes.get(id);
    if (!node) return;
    counts.total += 1;
    bump(counts.byPlace, placeOf(node.callFrame.url, root));
    let up: number | undefined = id;
    let code = "[outside the project's code]";
    while (up !== undefined) {
      const f = nodes.get(up)?.callFrame;
      if (f && isOwnCode(f.url)) {
        code = `${f.functionName || "(anonymous)"} ${placeOf(f.url, root)}:${f.lineNumber + 1}`;
        break;
      }
      up = parent.get(up);
    }
    bump(counts.byCode, code);
  });
  return counts;
}

/** The `n` largest entries as Markdown table rows: share, samples, name. */
export function topRows(m: Map<string, number>, total: number, n: number): string[] {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `| ${((100 * v) / Math.max(1, total)).toFixed(1)} % | ${v} | \`${k}\` |`);
}

/** Which process a profile is of: a service's main, the SQS emulator, or a bench command. */
export function processOf(profile: CpuProfile): string {
  const urls = profile.nodes.map((n) => n.callFrame.url);
  const service = urls.map((u) => u.match(/\/(\w+)\/src\/main\.ts$/)?.[1]).find(Boolean);
  if (service) return service;
  if (urls.some((u) => u.endsWith("fauxqs-main.ts"))) return "fauxqs (SQS emulator)";
  const bench = urls.map((u) => u.match(/\/bench\/([\w-]+)\.ts$/)?.[1]).find(Boolean);
  return bench ? `bench ${bench}` : "?";
}
