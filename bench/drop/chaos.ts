/**
 * The chaos drop (`drop --chaos`): while buyers buy, processes die as they do in production (an
 * OOM kill, a node drain, a spot reclaim) — `kill -9`, no goodbye. Each service is killed
 * `killsPerService` times and Redis once, at random moments of the window after the first
 * admission; the local launcher starts each one again, as Kubernetes would. Per kill the report
 * says how long until that process answered again and how many buyer requests failed meanwhile.
 */
import { redisAnswers } from "@tt/kit/local";
import type { BenchPlatform } from "../lib/platform.ts";
import type { DropStats } from "./stats.ts";

/** One kill and what it cost. */
export interface KillReport {
  target: string;
  /** Seconds into the drop when the process was killed. */
  atSec: number;
  /** When it was killed (epoch ms), to set against the stores' timestamps. */
  at: number;
  pid: number;
  /** Milliseconds until it answered again (its /readyz 200, or Redis's PING); undefined if never. */
  backAfterMs?: number;
  /** Buyer requests that failed (errors and retried tries) between the kill and its return. */
  failedMeanwhile: number;
}

export const CHAOS_SERVICES = ["gateway", "reservation", "inventory", "payment", "worker"] as const;

export interface ChaosPlan {
  killsPerService: number;
  /** Kills land at random in [startSec, startSec + windowSec] of the drop. */
  startSec: number;
  windowSec: number;
}

/** Random kill times: each service `killsPerService` times and Redis once, in order of time. */
export function planKills(plan: ChaosPlan, random = Math.random): { target: string; atSec: number }[] {
  const targets = [...CHAOS_SERVICES.flatMap((s) => Array(plan.killsPerService).fill(s)), "redis"];
  return targets
    .map((target) => ({ target, atSec: plan.startSec + random() * plan.windowSec }))
    .sort((a, b) => a.atSec - b.atSec);
}

/** Runs the plan against the platform the bench started; resolves with a report per kill. */
export async function runChaos(
  platform: BenchPlatform,
  stats: DropStats,
  plan: ChaosPlan,
  log: (msg: string) => void,
): Promise<KillReport[]> {
  const { pidOf, services, redisUrl } = platform;
  if (!pidOf || !services || !redisUrl) throw new Error("--chaos needs the platform the bench starts itself");
  const kills = planKills(plan);
  // With gateway replicas the gateway's kills take them in turn (each replica is its own child).
  let gatewayKills = 0;
  const childOf = (target: string) =>
    target === "gateway" && pidOf("gateway-2") !== undefined && gatewayKills++ % 2 === 1
      ? "gateway-2"
      : target;
  const killOnce = async (target: string): Promise<KillReport> => {
    const atSec = (performance.now() - stats.startedAt) / 1000;
    const pid = pidOf(target) ?? 0;
    const failedBefore = stats.errors + stats.retried;
    const killedAt = performance.now();
    const at = Date.now();
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      log(`chaos: ${target} (pid ${pid}) was already gone`);
    }
    log(`chaos: killed ${target} (pid ${pid}) at ${atSec.toFixed(1)} s`);
    const answers =
      target === "redis"
        ? async () => (pidOf(target) ?? pid) !== pid && (await redisAnswers(redisUrl, 2000))
        : async () => {
            const url = services[target];
            // A new process, answering: the old one may still hold the port for a moment.
            if ((pidOf(target) ?? pid) === pid) return false;
            const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(500) }).catch(
              () => undefined,
            );
            return res?.status === 200;
          };
    const backAfterMs = await until(answers, 60_000).then((ok) =>
      ok ? performance.now() - killedAt : undefined,
    );
    const report: KillReport = {
      target,
      atSec: Math.round(atSec * 10) / 10,
      at,
      pid,
      ...(backAfterMs !== undefined ? { backAfterMs: Math.round(backAfterMs) } : {}),
      failedMeanwhile: stats.errors + stats.retried - failedBefore,
    };
    log(
      `chaos: ${target} answered again after ${report.backAfterMs ?? "—"} ms; ${report.failedMeanwhile} buyer requests failed meanwhile`,
    );
    return report;
  };
  // A service's next kill waits until it answers again after its last: killing a process that
  // is already dead (two kills 0.1 s apart hit one pid) proves nothing.
  const backFrom = new Map<string, Promise<KillReport>>();
  const reports = await Promise.all(
    kills.map(async ({ target: service, atSec: plannedSec }) => {
      await Bun.sleep(Math.max(0, stats.startedAt + plannedSec * 1000 - performance.now()));
      const target = childOf(service);
      const kill = (backFrom.get(target) ?? Promise.resolve()).then(() => killOnce(target));
      backFrom.set(target, kill);
      return kill;
    }),
  );
  return reports;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await Bun.sleep(50);
  }
  return false;
}
