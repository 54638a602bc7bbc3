#!/usr/bin/env bun
import { probeBackend } from "./drop/backend-probe.ts";
import { type BuyerRecord, runBuyer } from "./drop/buyer.ts";
import { runChaos } from "./drop/chaos.ts";
import { DROP_COMMAND, dropConfig, platformEnv, workerVisibilitySec, workerWaitSec } from "./drop/config.ts";
import { readDlq } from "./drop/dlq-read.ts";
import { type ExpiryGrace, graceFor } from "./drop/expiry-checks.ts";
import { showProgress } from "./drop/progress.ts";
import { socketFindings } from "./drop/queue-socket.ts";
import { challengeCost, type DropResult, dropChart, dropMarkdown } from "./drop/report.ts";
import { soldOutTold } from "./drop/sale-told.ts";
import { DropStats } from "./drop/stats.ts";
import { type CheckReport, checkStores } from "./drop/store-check.ts";
import { StoreReader } from "./drop/store-read.ts";
import { warmUp } from "./drop/warm-up.ts";
/**
 * The ticket-drop simulator: `bun bench/drop.ts [--buyers 5000] [--seats 1000] [--admit-rate 40]
 * [--hold 20] [--arrival 20] [--mix approve=0.8,fail=0.1,abandon=0.1] [--url U --dynamodb E --stage S]`.
 *
 * Starts the whole local platform (or uses `--url`), creates an event, and runs N buyers through
 * the whole flow (see drop/buyer.ts) with live progress; then waits for the last hold to expire,
 * reads the stores and checks them (drop/store-check.ts). Results:
 * bench/results/drop-<time>.{json,md,svg}. Exit code 1 when a store check fails.
 */
import { commandArgs } from "./lib/args.ts";
import { chartSvg } from "./lib/chart.ts";
import { busiestSentence, CpuSampler } from "./lib/cpu.ts";
import { createBenchEvent, remotePlatform, setAdmission, startBenchStack } from "./lib/platform.ts";
import { bestWindow, rawHoldRate } from "./lib/raw-dynamo.ts";
import { machineInfo, round2, writeResults } from "./lib/results.ts";
import { costByOrigin, ratePerSec, scrapeAll } from "./lib/service-metrics.ts";

const cfg = dropConfig(commandArgs(DROP_COMMAND));
const machine = machineInfo();
const log = (msg: string) => process.stdout.write(`drop: ${msg}\n`);
log(
  `load average ${machine.loadavg.join(" ")}; ${cfg.url ? `target ${cfg.url}` : "starting the local platform"}`,
);
const platform = cfg.url ? remotePlatform(cfg.url, cfg.dynamodb) : await startBenchStack(platformEnv(cfg));

try {
  const gw = platform.gateway;
  // What an idle platform costs: its DynamoDB requests before any sale, over two periods of the
  // slowest background loop (the hold sweeper, every 10 s). Measured after the warm-up, it
  // counted that sale's expiring holds and caught a sweep or not (2.8–10 requests/s run to run).
  const IDLE_SEC = 20;
  const services = platform.services ?? {};
  const idleFrom = await scrapeAll(services);
  if (platform.services) await Bun.sleep(IDLE_SEC * 1000);
  const idleDynamoPerSec = ratePerSec(idleFrom, await scrapeAll(services), "dynamodb", IDLE_SEC);
  if (cfg.warmupBuyers > 0 && !cfg.url) {
    const warmFrom = performance.now();
    const sold = await warmUp(platform, cfg);
    log(
      `warm-up sale: ${cfg.warmupBuyers} buyers, ${sold} orders in ${Math.round((performance.now() - warmFrom) / 1000)} s`,
    );
  }
  const eventId = `evt_drop_${Date.now().toString(36)}`;
  await createBenchEvent(platform, eventId, cfg.seats);
  // Admission is per event and live-changeable: set it on this event whatever the target's defaults.
  await setAdmission(gw, eventId, cfg.admitRate, cfg.admitCap, {
    ...(cfg.autoAdmission
      ? { admission: "auto", rate_min: cfg.autoAdmission.min, rate_max: cfg.autoAdmission.max }
      : {}),
    ...(cfg.challengeDifficulty > 0 ? { challenge_difficulty: cfg.challengeDifficulty } : {}),
  });
  log(`event ${eventId}: ${cfg.seats} seats; ${cfg.buyers} buyers arriving over ${cfg.arrivalSec} s`);

  // The cost table counts from here: the warm-up sale's requests are not the drop's.
  const costFrom = await scrapeAll(services);
  // The yardstick, on the same DynamoDB Local with the platform idle (lib/raw-dynamo.ts).
  const raw = platform.dynamodb ? await rawHoldRate(platform.dynamodb.endpoint) : undefined;
  if (raw) log(`DynamoDB Local alone: ${raw} two-seat hold transactions/s at 32 in flight`);

  const reader = platform.dynamodb
    ? new StoreReader(platform.dynamodb.endpoint, platform.dynamodb.stage, eventId)
    : undefined;
  const watcher = reader?.watchStaleHolds(cfg.graceSec * 1000);
  const cpu = new CpuSampler(platform.pids(), { "simulator (load generator)": process.pid });
  cpu.start(2000);
  const stats = new DropStats();
  const backend = probeBackend(services);
  const progress = showProgress(stats, cfg.buyers, () => ({
    "store seats": JSON.stringify(watcher?.counts() ?? {}),
    "ws reconnects": socketFindings.reconnects,
    ...(platform.services ? { dynamodb: backend.latest() } : {}),
    ...(soldOutAt !== undefined ? { "sold out at": `${soldOutAt}s (admission raised)` } : {}),
  }));

  // The operator's move in a real drop: once nothing is left to sell, let the line through fast
  // so that everyone learns it is sold out (admin API, as an operator would).
  let soldOutAt: number | undefined;
  const operator = setInterval(async () => {
    const counts = watcher?.counts() ?? {};
    if (!cfg.operator || soldOutAt !== undefined || (counts.SOLD ?? 0) < cfg.seats) return;
    soldOutAt = Math.round((performance.now() - stats.startedAt) / 1000);
    await setAdmission(gw, eventId, cfg.soldOutRate, Math.max(cfg.admitCap, 1000)).catch(() => undefined);
  }, 1000);

  const chaos = cfg.chaos ? runChaos(platform, stats, cfg.chaos, log) : undefined;
  const records: BuyerRecord[] = [];
  const gap = (cfg.arrivalSec * 1000) / Math.max(cfg.buyers, 1);
  await Promise.all(
    Array.from({ length: cfg.buyers }, async (_, i) => {
      await Bun.sleep(i * gap);
      records.push(await runBuyer(i, gw, eventId, cfg, stats));
    }),
  );
  const kills = (await chaos) ?? [];
  const durationSec = Math.round((performance.now() - stats.startedAt) / 100) / 10;
  const cost = costByOrigin(costFrom, await scrapeAll(services));
  clearInterval(operator);
  backend.stop();
  progress.stop();
  const processes = cpu.stop();

  // Each worker kill from one long poll before a hold's expiry to its release gives that hold one
  // more visibility timeout (drop/expiry-checks.ts). Every kill has happened by now, so each
  // hold's whole grace is known: wait until the last hold is past it, then read the stores.
  const grace: ExpiryGrace = {
    baseMs: cfg.graceSec * 1000,
    ...(cfg.chaos
      ? {
          workerKills: {
            at: kills.filter((k) => k.target === "worker").map((k) => k.at),
            visibilityMs: workerVisibilitySec(cfg) * 1000,
            pollMs: workerWaitSec(cfg) * 1000,
          },
        }
      : {}),
  };
  const settleUntil = Math.max(
    0,
    ...records.map((r) =>
      r.holdExpiresAt ? r.holdExpiresAt + graceFor(grace, r.holdExpiresAt, Infinity).ms : 0,
    ),
  );
  const settleMs = settleUntil + 1000 - Date.now();
  if (settleMs > 0) {
    log(`all buyers done; waiting ${Math.ceil(settleMs / 1000)} s for the last hold to pass expiry + grace`);
    await Bun.sleep(settleMs);
  }
  const allTakenAt = watcher?.noneAvailableAt();
  const told = soldOutTold(records, watcher?.lastFreeAt(), allTakenAt);
  const firstAdmitted = stats.firstAt.admitted;
  const sightings = (await watcher?.stop()) ?? [];
  let checks: CheckReport | undefined;
  if (reader) {
    log("reading the stores and checking them");
    const seatsWanted = records.length * ((1 + cfg.maxSeatsPerBuyer) / 2);
    const dlq = platform.sqs
      ? await readDlq({ sqsEndpoint: platform.sqs.endpoint, dlqUrl: platform.sqs.dlqUrl })
      : undefined;
    checks = checkStores(await reader.snapshot(), {
      graceMs: grace.baseMs,
      ...(grace.workerKills ? { workerKills: grace.workerKills } : {}),
      demandExceedsSeats: seatsWanted > cfg.seats * 1.5,
      buyers: records,
      staleSightings: sightings,
      ...(dlq ? { dlq } : {}),
    });
    reader.close();
  }

  const outcomes = Object.fromEntries(stats.outcomes);
  const timeline = stats.timeline();
  const peak = (k: keyof typeof timeline) => Math.max(0, ...timeline[k].map((p) => p[1]));
  const result: DropResult = {
    scenario: "drop",
    at: new Date().toISOString(),
    machine,
    // The buyers' JWTs are credentials: the results say how many, never the tokens.
    config: { ...cfg, ...(cfg.jwts ? { jwts: [`${cfg.jwts.length} JWTs`] } : {}) },
    platformEnv: cfg.url ? {} : platformEnv(cfg),
    durationSec,
    ...(soldOutAt !== undefined ? { soldOutAtSec: soldOutAt } : {}),
    ...(allTakenAt !== undefined && stats.firstAt.admitted !== undefined
      ? { allTakenSec: Math.round((allTakenAt - stats.firstAt.admitted) / 100) / 10 }
      : {}),
    ...(firstAdmitted !== undefined
      ? { ordersFirst60s: stats.times("orders").filter((t) => t <= firstAdmitted + 60_000).length }
      : {}),
    ...(told ? { soldOutTold: told } : {}),
    ...(cfg.challengeDifficulty > 0 ? { challenge: challengeCost(cfg.challengeDifficulty, stats) } : {}),
    requests: stats.requests,
    errors: stats.errors,
    errorRate: stats.requests ? round2((stats.errors / stats.requests) * 10_000) / 10_000 : 0,
    retried: stats.retried,
    retriedKinds: Object.fromEntries(stats.retriedKinds),
    ...(cfg.chaos ? { kills } : {}),
    expectedRefusals: stats.expected,
    outcomes,
    steps: stats.summary(),
    errorKinds: Object.fromEntries(stats.errorKinds),
    expectedKinds: Object.fromEntries(stats.expectedKinds),
    errorExamples: records
      .filter((r) => r.outcome === "error")
      .slice(0, 10)
      .map((r) => `${r.userId}: ${r.reason}`),
    socketFindings: { ...socketFindings },
    throughput: {
      avgRequestsPerSec: Math.round(stats.requests / durationSec),
      peakRequestsPerSec: peak("requests"),
      peakAdmittedPerSec: peak("admitted"),
      peakOrdersPerSec: peak("orders"),
    },
    ...(checks ? { checks } : {}),
    ...(platform.services ? { cost, idleDynamoPerSec, backend: backend.windows } : {}),
    ...(raw
      ? {
          yardstick: {
            rawHoldsPerSec: raw,
            bestOrdersPerSec10s: bestWindow(timeline.orders ?? []),
            ratio: Math.round((bestWindow(timeline.orders ?? []) / (raw / 4)) * 100) / 100,
          },
        }
      : {}),
    cpu: processes,
    busiest: busiestSentence(processes),
    timeline,
  };
  const md = dropMarkdown(result);
  const base = writeResults("drop", result.at, {
    json: { ...result, buyers: records },
    md,
    svg: chartSvg(dropChart(result)),
  });
  process.stdout.write(`\n${md}\ndrop: wrote ${base}.{json,md,svg}\n`);
  if (checks && !checks.ok) process.exitCode = 1;
} finally {
  await platform.stop();
}
