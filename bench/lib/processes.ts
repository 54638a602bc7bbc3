import { join } from "node:path";
import { eventually } from "@tt/kit/testing";

/** The repository root. */
export const REPO = join(import.meta.dir, "..", "..");

/** A child process the benchmark started and must stop. */
export interface BenchChild {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Places a ratio benchmark's processes: the server under test alone on CPU 0, and this process
 * with everything it starts later (Redis, the load generator) on the other CPUs. Returns the
 * command prefix that puts a server on CPU 0, or [] (no placement) with one CPU or no taskset.
 * Measured on the 2-core VM: the reference steadies (33–37k req/s across rounds instead of
 * 24–43k), but Redis then shares its core with the load generator, so routes whose scripts do
 * more wait longer on Redis and score lower ratios than unplaced.
 */
export function isolateServerCpu(): string[] {
  const cpus = navigator.hardwareConcurrency;
  if (cpus < 2 || !Bun.which("taskset")) return [];
  // -a: every thread of this process, so whatever it spawns from any thread inherits the set.
  const pinned = Bun.spawnSync(["taskset", "-a", "-p", "-c", `1-${cpus - 1}`, String(process.pid)]);
  return pinned.exitCode === 0 ? ["taskset", "-c", "0"] : [];
}

/**
 * Spawns `bun <entry>` from the repo root with `env` (behind `prefix`, e.g. a taskset), and waits
 * until `readyUrl` answers 200.
 */
export async function startBun(
  entry: string,
  env: Record<string, string>,
  readyUrl: string,
  prefix: string[] = [],
): Promise<BenchChild> {
  const proc = Bun.spawn([...prefix, process.execPath, entry], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdout: "ignore",
    stderr: "inherit",
  });
  await eventually(async () => (await fetch(readyUrl).catch(() => undefined))?.status === 200, 30_000);
  return {
    pid: proc.pid,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** CPU seconds a process has used so far (user + system), from /proc. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
