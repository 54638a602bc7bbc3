#!/usr/bin/env bun
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { inventory } from "@tt/contracts";
import { holdKey, seatKey } from "@tt/inventory/store-keys";
import { createDynamoClient, createServiceClient, devCredentials, ensureTables } from "@tt/kit";
import { Supervisor, startDynamo, startRedis, waitForReady } from "@tt/kit/local";
import { freePort } from "@tt/kit/testing";
/**
 * The inventory ratio benchmark: `bun bench/inventory-hold.ts [--holds N] [--concurrency C]`.
 *
 * In one run, on private DynamoDB Local + Redis instances, it measures
 *   1. raw: DynamoDB Local's TransactWriteItems rate for holds on distinct seats — the same
 *      transaction the service sends (one conditional update per seat + the hold record);
 *   2. service: the inventory service's ReserveSeats rate through Connect (binary, the kit's
 *      client) on distinct seats, the service running as its own process;
 * and reports service ÷ raw (goal ≥ 0.5). Results: bench/results/inventory-hold-<time>.{json,md,svg}.
 */
import { commandArgs, numberFlag } from "./lib/args.ts";
import { chartSvg } from "./lib/chart.ts";
import { combine, type RunResult, run } from "./lib/load.ts";
import { markdown } from "./lib/report.ts";
import { stopOnSignals } from "./lib/stop-on-signal.ts";
import { sampleRate } from "./lib/timeline.ts";

const args = commandArgs({
  usage: "bun run --cwd bench inventory-hold [--holds 6000] [--concurrency 32]",
  flags: ["holds", "concurrency"],
});
const HOLDS = numberFlag(args, "holds", 6000);
const CONCURRENCY = numberFlag(args, "concurrency", 32);
const SEATS_PER_HOLD = 2;
const WARMUP = 500;
const SHARDS = 16;
const REPO = join(import.meta.dir, "..");

// Seats enough for warm-up + measured holds: sections of 40 rows × 50 seats.
const seatsNeeded = (WARMUP + HOLDS) * SEATS_PER_HOLD;
const sectionCount = Math.ceil(seatsNeeded / 2000);
const sections = Array.from({ length: sectionCount }, (_, i) => ({
  sectionId: `S${i + 1}`,
  name: `Section ${i + 1}`,
  price: 10_000n,
  rows: 40,
  seatsPerRow: 50,
}));
const seatsOf = (i: number) =>
  Array.from({ length: SEATS_PER_HOLD }, (_, k) => {
    const n = i * SEATS_PER_HOLD + k;
    const section = Math.floor(n / 2000);
    const inSection = n % 2000;
    return `S${section + 1}-${Math.floor(inSection / 50) + 1}-${(inSection % 50) + 1}`;
  });

const sup = new Supervisor({ sink: () => undefined });
stopOnSignals(() => sup.stop());
try {
  const log = (msg: string) => process.stdout.write(`bench: ${msg}\n`);
  log(`starting DynamoDB Local and Redis (holds=${HOLDS}, concurrency=${CONCURRENCY})`);
  const [dynamoEndpoint, redisUrl] = await Promise.all([
    startDynamo(sup, { port: freePort() }),
    startRedis(sup, { port: freePort() }),
  ]);
  const stage = `bench${Date.now().toString(36)}`;
  const ddb = createDynamoClient({ region: "us-east-1", endpoint: dynamoEndpoint, requestTimeoutMs: 10_000 });
  await ensureTables(ddb, stage);

  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  sup.spawn({
    name: "inventory",
    cmd: [process.execPath, join(REPO, "inventory/src/main.ts")],
    cwd: REPO,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      STAGE: stage,
      LOG_LEVEL: "warn",
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      REDIS_URL: redisUrl,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      SEAT_SHARDS: String(SHARDS),
    },
  });
  await waitForReady({ inventory: url }, { timeoutMs: 30_000 });
  const client = createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: url,
    timeoutMs: 10_000,
    credentials: devCredentials(),
  });

  const now = Date.now();
  const event = (eventId: string) => ({
    eventId,
    name: "Bench show",
    venue: "Bench arena",
    currency: "KRW",
    startsAt: timestampFromMs(now + 86_400_000),
    saleOpensAt: timestampFromMs(now - 60_000),
    saleClosesAt: timestampFromMs(now + 86_400_000),
    sections,
  });
  log(`creating two events of ${sectionCount * 2000} seats each`);
  await client.createEvent(event("evt_bench_raw"), { timeoutMs: 120_000 });
  await client.createEvent(event("evt_bench_svc"), { timeoutMs: 120_000 });

  const table = `${stage}-seats`;
  const holdExpiresAt = () => Date.now() + 60_000;
  const rawHold = (i: number) => {
    const t = Date.now();
    const values = {
      ":available": { S: "AVAILABLE" },
      ":held": { S: "HELD" },
      ":rid": { S: `rsv_raw_${i}` },
      ":exp": { N: String(holdExpiresAt()) },
      ":now": { N: String(t) },
    };
    return ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          ...seatsOf(i).map((id) => ({
            Update: {
              TableName: table,
              Key: seatKey("evt_bench_raw", id, SHARDS),
              UpdateExpression: "SET #s = :held, holder = :rid, hold_expires_at = :exp, updated_at = :now",
              ConditionExpression:
                "attribute_exists(pk) AND (#s = :available OR (#s = :held AND (hold_expires_at < :now OR holder = :rid)))",
              ExpressionAttributeNames: { "#s": "status" },
              ExpressionAttributeValues: values,
              ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
            },
          })),
          {
            Put: {
              TableName: table,
              Item: {
                ...holdKey(`rsv_raw_${i}`, "evt_bench_raw"),
                status: { S: "HELD" },
                seat_key: { S: "k" },
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
  };
  const serviceHold = (i: number) =>
    client.reserveSeats({
      reservationId: `rsv_svc_${i}`,
      eventId: "evt_bench_svc",
      seatIds: seatsOf(i),
      userId: `u${i}`,
      holdExpiresAt: timestampFromMs(holdExpiresAt()),
    });

  // Completed holds per path, read once a second for the throughput-over-time chart only.
  const done = { raw: 0, service: 0 };
  const counting = (path: keyof typeof done, op: (i: number) => Promise<unknown>) => async (i: number) => {
    const r = await op(i);
    done[path]++;
    return r;
  };
  const countedRaw = counting("raw", rawHold);
  const countedService = counting("service", serviceHold);

  log("warming up");
  await run(WARMUP, CONCURRENCY, rawHold);
  await run(WARMUP, CONCURRENCY, serviceHold);
  // ABBA order (raw, service, service, raw) so that DynamoDB Local's JVM warming up, or its
  // tables growing, during the run does not favour whichever path goes second.
  const half = Math.floor(HOLDS / 2);
  log(`raw TransactWriteItems × ${HOLDS} and service ReserveSeats × ${HOLDS}, in ABBA halves`);
  const rawRate = sampleRate(async () => done.raw);
  const serviceRate = sampleRate(async () => done.service);
  const raw1 = await run(half, CONCURRENCY, countedRaw, WARMUP);
  const svc1 = await run(half, CONCURRENCY, countedService, WARMUP);
  const svc2 = await run(half, CONCURRENCY, countedService, WARMUP + half);
  const raw2 = await run(half, CONCURRENCY, countedRaw, WARMUP + half);
  const timeline = { raw: await rawRate.stop(), service: await serviceRate.stop() };
  const raw: RunResult = combine(raw1, raw2);
  const service: RunResult = combine(svc1, svc2);
  ddb.destroy();

  const ratio = Math.round((service.perSecond / raw.perSecond) * 100) / 100;
  const result = {
    scenario: "inventory-hold",
    at: new Date().toISOString(),
    machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version },
    settings: { holds: HOLDS, concurrency: CONCURRENCY, seatsPerHold: SEATS_PER_HOLD, seatShards: SHARDS },
    raw,
    service,
    ratio,
    goal: 0.5,
    pass: ratio >= 0.5,
  };
  const dir = join(import.meta.dir, "results");
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `inventory-hold-${result.at.replace(/[:.]/g, "-")}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown(result));
  const svg = chartSvg({
    title: `inventory-hold: service ÷ raw = ${ratio}`,
    subtitle: `${HOLDS} holds per path in ABBA halves, ${CONCURRENCY} in flight — ${result.at}`,
    latency: [
      { label: "raw", ...raw.latencyMs },
      { label: "service", ...service.latencyMs },
    ],
    throughput: [
      { label: "raw TransactWriteItems holds/s", points: timeline.raw },
      { label: "service ReserveSeats holds/s", points: timeline.service },
    ],
    throughputUnit: "holds per second (the paths alternate: raw, service, service, raw)",
  });
  writeFileSync(`${base}.svg`, svg);
  process.stdout.write(`\n${markdown(result)}\nbench: wrote ${base}.json, .md and .svg\n`);
} finally {
  await sup.stop();
}
