import { join } from "node:path";
import { eventually } from "@tt/kit/testing";

/** The repository root. */
export const REPO = join(import.meta.dir, "..", "..");

/** A child process the benchmark started and must stop. */
export interface BenchChild {
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `bun <entry>` from the repo root with `env`, and waits until `readyUrl` answers 200. */
export async function startBun(
  entry: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<BenchChild> {
  const proc = Bun.spawn([process.execPath, entry], {
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
