#!/usr/bin/env bun
/**
 * Overload: `bun run --cwd bench overload [--seconds 8] [--hold-levels 1,2,4] [--join-levels 1,2]`.
 *
 * Offers load open-loop — a fixed arrival rate, each request sent on schedule whether or not the
 * earlier ones have been answered, as a crowd does — to the hold path (`POST /reservations`, one
 * fresh seat, user and signed reservation token per request) and to the join path
 * (`POST /queue/join`), at multiples of each path's capacity, which it first measures
 * closed-loop. Per level: what was served (2xx, or the 409 a lost seat is), what was shed (429 or
 * 503, and whether with Retry-After), errors (other 5xx, timeouts), served latency, goodput
 * against 1×, and the most memory each process held. After the holds, 2 s later, every seat HELD
 * by no live reservation is a ghost.
 */
import { DEV_RESERVATION_TOKEN_SECRET, signReservationToken } from "@tt/kit";
import { readStore } from "./drop/store-read.ts";
import { commandArgs, numberFlag, stringFlag } from "./lib/args.ts";
import { type Answer, capacity, openLoop, pct, served, shed, watchMemory } from "./lib/open-loop.ts";
import { createBenchEvent, setAdmission, startBenchStack } from "./lib/platform.ts";
import { postJson, RawHttpPool } from "./lib/raw-http.ts";
import { machineInfo, writeResults } from "./lib/results.ts";

const args = commandArgs({
  usage:
    "bun run --cwd bench overload [--seconds 8] [--hold-levels 1,2,4] [--join-levels 1,2] [--timeout 5000]   (0: skip a path)",
  flags: ["seconds", "hold-levels", "join-levels", "timeout"],
});
const seconds = numberFlag(args, "seconds", 8);
const timeoutMs = numberFlag(args, "timeout", 5000);
const levels = (name: string, fallback: string) =>
  (stringFlag(args, name) ?? fallback)
    .split(",")
    .map(Number)
    .filter((n) => n > 0);
const holdLevels = levels("hold-levels", "1,2,4");
const joinLevels = levels("join-levels", "1,2");
const log = (msg: string) => process.stdout.write(`overload: ${msg}\n`);

const platform = await startBenchStack({ HOLD_SECONDS: "120", LOG_LEVEL: "error" });
const gw = platform.gateway;
let userSeq = 0;
const nextUser = () => `ovl-${(userSeq++).toString(36)}`;

async function send(path: string, body: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(`${gw}${path}`, {
      method: "POST",
      headers: {
        authorization: "Bearer load-test-bypass-token",
        "x-user-id": nextUser(),
        "content-type": "application/json",
        ...extra,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const code = res.ok ? undefined : (JSON.parse(text || "{}")?.error?.code as string | undefined);
    return {
      status: res.status,
      ...(code ? { code } : {}),
      retryAfter: res.headers.has("retry-after"),
      ms: performance.now() - started,
    };
  } catch {
    return { status: 0, code: "TIMEOUT", retryAfter: false, ms: performance.now() - started };
  }
}

/**
 * The hold path: a fresh seat, user and token each time (no contention: what is measured is the
 * path's capacity). Seats come from events made ahead of each phase (`prepare`), at most 6,500
 * seats each (26 sections).
 */
function holdPath() {
  let eventId = "";
  let seatIds: string[] = [];
  let next = 0;
  const events: string[] = [];
  return {
    events,
    async prepare(seats: number) {
      eventId = `evt_ovl_${Date.now().toString(36)}`;
      await createBenchEvent(platform, eventId, Math.min(6500, seats));
      const rows = await readStore(platform.dynamodb, eventId, (r) => r.seats());
      seatIds = rows.map((s) => s.seatId).sort(() => Math.random() - 0.5);
      next = 0;
      events.push(eventId);
    },
    request() {
      const seat = seatIds[next++ % seatIds.length] ?? "";
      const userId = nextUser();
      const token = signReservationToken(
        { eventId, userId, jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + 120 },
        DEV_RESERVATION_TOKEN_SECRET,
      );
      return send(
        "/api/v1/reservations",
        { event_id: eventId, seat_ids: [seat], reservation_token: token },
        { "x-user-id": userId, "idempotency-key": crypto.randomUUID() },
      );
    },
  };
}

/**
 * The join path, from the lean client (raw-http.ts): `fetch` costs the generator as much as a
 * join costs the gateway, and the two would share the cores.
 */
function joinRequester(eventId: string) {
  const url = new URL(gw);
  const pool = new RawHttpPool(url.hostname, Number(url.port), { maxConnections: 8192, timeoutMs });
  const request = () =>
    pool.request(
      postJson(
        "/api/v1/queue/join",
        { authorization: "Bearer load-test-bypass-token", "x-user-id": nextUser() },
        { event_id: eventId },
      ),
    );
  return { request, close: () => pool.close() };
}

/**
 * Holds the gateway to CPU 0 and everything else — Redis, the other services and this generator —
 * to CPU 1 (`taskset`), as if the crowd came from other machines and Redis were its own node:
 * on two shared cores the join path's generator and the gateway, both CPU-bound, would each take
 * what the other needs, and "2×" would measure the generator.
 */
function pinApart(): void {
  const pin = (cpu: number, pid: number) => Bun.spawnSync(["taskset", "-a", "-cp", String(cpu), String(pid)]);
  const gateway = platform.pidOf?.("gateway");
  for (const pid of platform.pids()) pin(pid === gateway ? 0 : 1, pid);
  pin(1, process.pid);
}

/** What a path given level 0 reports: nothing measured. */
const SKIPPED = { capacity: { perSec: 0, p99: 0 }, rows: [] as LevelRow[] };

interface LevelRow {
  path: string;
  level: number;
  offeredPerSec: number;
  servedPerSec: number;
  goodputVs1x: number;
  shedPerSec: number;
  shedWithRetryAfter: string;
  errors: number;
  servedP50: number;
  servedP99: number;
  p99VsCapacity: number;
  rssMb: Record<string, number>;
  codes: Record<string, number>;
}

async function runPath(
  path: string,
  request: () => Promise<Answer>,
  levelList: number[],
  inFlight: number,
  prepare: (requests: number) => Promise<void> = async () => undefined,
) {
  log(`${path}: measuring capacity (closed loop, ${inFlight} in flight, ${seconds} s)`);
  await prepare(6500);
  // A fresh platform is slower for its first seconds (JIT): warm it, then measure. Capacity is
  // the most served at any concurrency up to `inFlight` (too many at once meets the edge's
  // own limiter, too few leaves the back end idle between answers).
  await capacity(request, inFlight, 3);
  let cap = { perSec: 0, p99: 0 };
  for (let n = 8; n <= inFlight; n *= 2) {
    const c = await capacity(request, n, Math.max(3, Math.round(seconds / 2)));
    log(`${path}: ${n} in flight: ${c.perSec.toFixed(0)}/s, p99 ${c.p99} ms`);
    if (c.perSec > cap.perSec) cap = c;
  }
  log(`${path}: capacity ${cap.perSec.toFixed(0)}/s, served p99 ${cap.p99} ms`);
  const rows: LevelRow[] = [];
  for (const level of levelList) {
    const rate = Math.round(cap.perSec * level);
    await prepare(Math.ceil(rate * seconds * 1.1));
    await Bun.sleep(3000);
    const { result: answers, rssMb } = await watchMemory(platform.pids, openLoop(request, rate, seconds));
    const ok = answers.filter(served);
    const refused = answers.filter(shed);
    const codes: Record<string, number> = {};
    for (const a of answers) {
      const key = `${a.status}${a.code ? ` ${a.code}` : ""}`;
      codes[key] = (codes[key] ?? 0) + 1;
    }
    const servedPerSec = ok.length / seconds;
    const base = rows[0]?.servedPerSec ?? servedPerSec;
    const row: LevelRow = {
      path,
      level,
      offeredPerSec: rate,
      servedPerSec: Math.round(servedPerSec),
      goodputVs1x: Math.round((servedPerSec / base) * 100) / 100,
      shedPerSec: Math.round(refused.length / seconds),
      shedWithRetryAfter: refused.length
        ? `${Math.round((refused.filter((a) => a.retryAfter).length / refused.length) * 100)} %`
        : "—",
      errors: answers.length - ok.length - refused.length,
      servedP50: pct(
        ok.map((a) => a.ms),
        0.5,
      ),
      servedP99: pct(
        ok.map((a) => a.ms),
        0.99,
      ),
      p99VsCapacity: 0,
      rssMb,
      codes,
    };
    row.p99VsCapacity = cap.p99 ? Math.round((row.servedP99 / cap.p99) * 100) / 100 : 0;
    log(
      `${path} ${level}×: offered ${rate}/s, served ${row.servedPerSec}/s (${row.goodputVs1x} of 1×), shed ${row.shedPerSec}/s (Retry-After ${row.shedWithRetryAfter}), errors ${row.errors}, served p50/p99 ${row.servedP50}/${row.servedP99} ms; ${JSON.stringify(codes)}`,
    );
    rows.push(row);
  }
  return { capacity: cap, rows };
}

/** The join path (`--join-levels 0` skips it): its own event, admitting one a second, so every join waits. */
async function joinPath() {
  const joinEvent = `evt_ovj_${Date.now().toString(36)}`;
  await createBenchEvent(platform, joinEvent, 100);
  await setAdmission(gw, joinEvent, 1, 1);
  pinApart();
  const joins = joinRequester(joinEvent);
  try {
    return await runPath("join", joins.request, joinLevels, 64);
  } finally {
    joins.close();
  }
}

try {
  const holds = holdPath();
  // `--hold-levels 0` skips the hold path (and its capacity) altogether.
  const hold = holdLevels.length
    ? await runPath(
        "hold",
        () => holds.request(),
        holdLevels,
        64,
        (n) => holds.prepare(n),
      )
    : SKIPPED;

  await Bun.sleep(2000);
  let ghosts = 0;
  for (const eventId of holds.events) {
    ghosts += (await readStore(platform.dynamodb, eventId, (r) => r.ghostSeats())).length;
  }
  if (holdLevels.length) log(`hold: ghost seats 2 s after the last answer: ${ghosts}`);

  const join = joinLevels.length ? await joinPath() : SKIPPED;

  const at = new Date().toISOString();
  const table = [
    "| path | level | offered/s | served/s | goodput vs 1× | shed/s | shed with Retry-After | errors | served p50 / p99 ms | p99 ÷ capacity p99 | most RSS (MB) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...[...hold.rows, ...join.rows].map(
      (r) =>
        `| ${r.path} | ${r.level}× | ${r.offeredPerSec} | ${r.servedPerSec} | ${r.goodputVs1x} | ${r.shedPerSec} | ${r.shedWithRetryAfter} | ${r.errors} | ${r.servedP50} / ${r.servedP99} | ${r.p99VsCapacity} | ${Object.entries(
          r.rssMb,
        )
          .map(([n, mb]) => `${n} ${mb}`)
          .join(", ")} |`,
    ),
  ];
  const md = [
    `# overload — ${at}`,
    "",
    `Open loop, ${seconds} s per level. Capacity (closed loop): hold ${hold.capacity.perSec.toFixed(0)}/s (served p99 ${hold.capacity.p99} ms), join ${join.capacity.perSec.toFixed(0)}/s (p99 ${join.capacity.p99} ms). Ghost seats after the holds: ${ghosts}.`,
    "",
    ...table,
    "",
  ].join("\n");
  process.stdout.write(`\n${md}`);
  const base = writeResults("overload", at, {
    json: { scenario: "overload", at, machine: machineInfo(), seconds, hold, join, ghosts },
    md,
  });
  log(`wrote ${base}.{json,md}`);
} finally {
  await platform.stop();
}
