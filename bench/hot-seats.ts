#!/usr/bin/env bun
import { readStore } from "./drop/store-read.ts";
/**
 * Hot seats: `bun hot-seats.ts [--buyers 40] [--seats 6] [--pair 2] [--runs 5]`.
 *
 * The moment a drop is about: every buyer is admitted and entered first, then all of them ask
 * for the same few seats in the same instant (each a random `--pair` of the `--seats` front-row
 * seats). Per run it reports the answers (201 / 409 / anything else), their latency, and — 2 s
 * after the last answer — every seat HELD by no live reservation (a ghost hold). A fresh
 * platform per invocation; runs reuse it (the first run is the "fresh start" case).
 */
import { boolFlag, commandArgs, numberFlag } from "./lib/args.ts";
import { CpuSampler } from "./lib/cpu.ts";
import { ADMIN_HEADERS, createBenchEvent, setAdmission, startBenchStack } from "./lib/platform.ts";
import { costBetween, latencyBetween, scrapeAll } from "./lib/service-metrics.ts";

const args = commandArgs({
  usage: "bun run --cwd bench hot-seats [--buyers 40] [--seats 6] [--pair 2] [--runs 5] [--cost] [--spread]",
  flags: ["buyers", "seats", "pair", "runs", "cost", "spread"],
});
const buyers = numberFlag(args, "buyers", 40);
const hot = numberFlag(args, "seats", 6);
const pair = numberFlag(args, "pair", 2);
const runs = numberFlag(args, "runs", 5);
// --spread: every buyer wants its own pair instead (no contention): the path's plain throughput.
const spread = boolFlag(args, "spread");
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const log = (msg: string) => process.stdout.write(`hot-seats: ${msg}\n`);

const platform = await startBenchStack({ QUEUE_TICK_MS: "50", HOLD_SECONDS: "60" });
const gw = platform.gateway;
const headers = (user: string) => ({
  ...ADMIN_HEADERS,
  authorization: "Bearer load-test-bypass-token",
  "x-user-id": user,
});

async function call(
  user: string,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
) {
  const res = await fetch(`${gw}${path}`, {
    method,
    headers: { ...headers(user), ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Join, wait until admitted, enter: a reservation token. */
async function admit(user: string, eventId: string): Promise<string> {
  const joined = await call(user, "POST", "/api/v1/queue/join", { event_id: eventId });
  if (joined.status !== 202) throw new Error(`join ${joined.status} ${JSON.stringify(joined.body)}`);
  const token = joined.body.waiting_token as string;
  for (;;) {
    const s = await call(user, "GET", `/api/v1/queue/status?token=${encodeURIComponent(token)}`);
    if (s.body?.ready_for_entry) break;
    await Bun.sleep(50);
  }
  const entered = await call(user, "POST", "/api/v1/queue/enter", { waiting_token: token });
  if (entered.status !== 200) throw new Error(`enter ${entered.status}`);
  return entered.body.reservation_token as string;
}

const summaries: string[] = [];
try {
  for (let run = 1; run <= runs; run++) {
    const eventId = `evt_hot_${Date.now().toString(36)}`;
    await createBenchEvent(platform, eventId, 250);
    await setAdmission(gw, eventId, 1000, 10_000);
    const users = Array.from({ length: buyers }, (_, i) => `hot-${run}-${i}`);
    const tokens = await Promise.all(users.map((u) => admit(u, eventId)));
    const seats = Array.from(
      { length: spread ? 250 : hot },
      (_, i) => `${"ABCD"[Math.floor(i / 250)]}-${Math.floor((i % 250) / 25) + 1}-${(i % 25) + 1}`,
    );
    const before = await scrapeAll(platform.services ?? {});
    const cpu = new CpuSampler(platform.pids(), { "hot-seats (load generator)": process.pid });
    cpu.start(250);
    const answers = await Promise.all(
      users.map(async (u, i) => {
        const start = spread
          ? (i * pair) % seats.length
          : seats.length <= pair
            ? 0
            : Math.floor(Math.random() * (seats.length - pair + 1));
        const started = performance.now();
        const r = await call(
          u,
          "POST",
          "/api/v1/reservations",
          { event_id: eventId, seat_ids: seats.slice(start, start + pair), reservation_token: tokens[i] },
          { "idempotency-key": crypto.randomUUID() },
        ).catch(() => ({ status: 0, body: undefined }));
        return {
          status: r.status,
          code: r.body?.error?.code as string | undefined,
          ms: performance.now() - started,
        };
      }),
    );
    const busy = cpu.stop();
    const after = await scrapeAll(platform.services ?? {});
    const cost = costBetween(before, after);
    const latency = latencyBetween(before, after);
    await Bun.sleep(2000);
    const ghosts = await readStore(platform.dynamodb, eventId, (r) => r.ghostSeats());
    const byStatus: Record<string, number> = {};
    for (const a of answers) {
      const k = a.status === 201 ? "201" : `${a.status}${a.code ? ` ${a.code}` : ""}`;
      byStatus[k] = (byStatus[k] ?? 0) + 1;
    }
    const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
    const line = `run ${run}: ${JSON.stringify(byStatus)} p50 ${pct(ms, 0.5).toFixed(0)} ms p95 ${pct(ms, 0.95).toFixed(0)} ms max ${ms.at(-1)?.toFixed(0)} ms; ghost seats ${ghosts.length}`;
    log(line);
    if (boolFlag(args, "cost")) {
      log(`  cost of the race, per service: ${JSON.stringify(cost)}`);
      log(`  mean ms per call: ${JSON.stringify(latency)}`);
      log(`  cpu during the race (% of a core): ${busy.map((p) => `${p.name} ${p.avgPercent}`).join(", ")}`);
    }
    summaries.push(line);
    // Let any breaker a bad run opened close again, so runs stay independent.
    if (run < runs) await Bun.sleep(6000);
  }
} finally {
  await platform.stop();
}
