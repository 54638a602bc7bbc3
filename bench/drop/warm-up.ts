/**
 * A real on-sale meets a platform that has been serving for days; the drop starts its own a
 * minute before the buyers arrive. On this machine that difference is large: DynamoDB Local's JIT
 * needs ~20 s of traffic before a transaction costs it 1 ms of CPU instead of 4–5 (bench/README.md),
 * which is exactly the drop's busiest window. So before the measured sale (and before the idle and
 * raw measurements) a small sale runs on an event of its own, through every step the buyers take.
 * Nobody walks away in it, so no hold timer of the warm-up fires during the measured sale.
 */
import { type BenchPlatform, createBenchEvent, setAdmission } from "../lib/platform.ts";
import { runBuyer } from "./buyer.ts";
import type { DropConfig } from "./config.ts";
import { socketFindings } from "./queue-socket.ts";
import { DropStats } from "./stats.ts";

/** Runs the warm-up sale to its end; returns how many of its buyers confirmed. */
export async function warmUp(platform: BenchPlatform, cfg: DropConfig): Promise<number> {
  const buyers = cfg.warmupBuyers;
  if (buyers <= 0) return 0;
  const eventId = `evt_warm_${Date.now().toString(36)}`;
  // Fewer seats than buyers, so lost races and sold-out answers are warmed too.
  await createBenchEvent(platform, eventId, Math.ceil(buyers * 0.75));
  await setAdmission(platform.gateway, eventId, 100, 200);
  const warmCfg: DropConfig = {
    ...cfg,
    mix: { approve: 0.9, fail: 0.1, abandon: 0 },
    thinkMs: [50, 200],
    patienceSec: 3,
  };
  const stats = new DropStats();
  const gap = 5000 / buyers;
  const records = await Promise.all(
    Array.from({ length: buyers }, async (_, i) => {
      await Bun.sleep(i * gap);
      return runBuyer(1_000_000 + i, platform.gateway, eventId, warmCfg, stats);
    }),
  );
  // The measured sale's findings start from zero.
  for (const key of Object.keys(socketFindings) as Array<keyof typeof socketFindings>)
    socketFindings[key] = 0;
  return records.filter((r) => r.outcome === "confirmed").length;
}
