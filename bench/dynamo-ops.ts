#!/usr/bin/env bun
/**
 * DynamoDB Local's CPU per operation: `bun dynamo-ops.ts [--count 1500] [--in-flight 8]`.
 *
 * Starts a DynamoDB Local of its own (the platform's command line, in memory), then sends each
 * kind of request the platform sends — consistent GetItem, a two-key BatchGetItem, conditional
 * PutItem and UpdateItem, and TransactWriteItems of one to four items — `count` times at
 * `in-flight` at once, and divides the JVM's CPU seconds (from /proc) by the count. Three rounds;
 * the first warms the JIT and is not printed. On a 2-core machine DynamoDB Local is the platform's
 * busiest process in a drop, so what a purchase costs it is what a purchase's writes cost here.
 */
import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { Supervisor, startDynamo } from "@tt/kit/local";
import { freePort } from "@tt/kit/testing";
import { commandArgs, numberFlag } from "./lib/args.ts";
import { cpuSecondsOf } from "./lib/cpu.ts";
import { createScratchTable, localDynamo, scratchKey, seatHold } from "./lib/raw-dynamo.ts";
import { stopOnSignals } from "./lib/stop-on-signal.ts";

const args = commandArgs({
  usage: "bun run --cwd bench dynamo-ops [--count 1500] [--in-flight 8]",
  flags: ["count", "in-flight"],
});
const count = numberFlag(args, "count", 1500);
const inFlight = numberFlag(args, "in-flight", 8);

const sup = new Supervisor({ sink: () => undefined });
stopOnSignals(() => sup.stop());
const ddb = localDynamo(await startDynamo(sup, { port: freePort() }));
const jvm = sup.pidOf("dynamodb") ?? 0;
const TableName = "ops";
await createScratchTable(ddb, TableName);
const key = scratchKey;
// The shapes of the platform's writes: a seat's conditional status change, a record that must be new.
const update = (i: number) => seatHold(TableName, i, `r${i}`);
const put = (i: number) => ({
  TableName,
  Item: { ...key(i), status: { S: "NEW" }, body: { S: "x".repeat(300) } },
  ConditionExpression: "attribute_not_exists(pk)",
});
const SEEDED = 5000;
for (let i = 0; i < SEEDED; i += 50)
  await Promise.all(
    Array.from({ length: 50 }, (_, j) =>
      ddb.send(new PutItemCommand({ TableName, Item: { ...key(i + j), status: { S: "AVAILABLE" } } })),
    ),
  );

// Keys never written before, `n` at a time, for the writes that must find their item new.
let fresh = SEEDED;
const unused = (n: number) => {
  fresh += n;
  return fresh - n;
};
const tx = (items: (i: number) => TransactWriteItem[]) => () =>
  ddb.send(new TransactWriteItemsCommand({ TransactItems: items(unused(4)) }));
let seeded = 0;
const OPS: Record<string, () => Promise<unknown>> = {
  "GetItem (consistent)": () =>
    ddb.send(new GetItemCommand({ TableName, Key: key(seeded++ % SEEDED), ConsistentRead: true })),
  "BatchGetItem, 2 keys (consistent)": () => {
    const i = seeded++ % (SEEDED - 1);
    return ddb.send(
      new BatchGetItemCommand({
        RequestItems: { [TableName]: { Keys: [key(i), key(i + 1)], ConsistentRead: true } },
      }),
    );
  },
  "PutItem (conditional)": () => ddb.send(new PutItemCommand(put(unused(1)))),
  "UpdateItem (conditional)": () => ddb.send(new UpdateItemCommand(update(unused(1)))),
  "TransactWriteItems, 1 item": tx((i) => [{ Update: update(i) }]),
  "TransactWriteItems, 2 items": tx((i) => [{ Update: update(i) }, { Put: put(i + 1) }]),
  "TransactWriteItems, 3 items": tx((i) => [
    { Update: update(i) },
    { Update: update(i + 1) },
    { Put: put(i + 2) },
  ]),
  "TransactWriteItems, 4 items": tx((i) => [
    { Update: update(i) },
    { Update: update(i + 1) },
    { Put: put(i + 2) },
    { Put: put(i + 3) },
  ]),
};

async function measure(send: () => Promise<unknown>) {
  const cpuBefore = cpuSecondsOf(jvm) ?? 0;
  const started = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < count) {
        sent += 1;
        await send();
      }
    }),
  );
  const cpuMs = ((cpuSecondsOf(jvm) ?? 0) - cpuBefore) * 1000;
  return { cpuMs: cpuMs / count, perSec: count / ((performance.now() - started) / 1000) };
}

const rows: string[] = [];
for (const round of [0, 1, 2])
  for (const [name, send] of Object.entries(OPS)) {
    const r = await measure(send);
    if (round > 0) rows.push(`| ${round} | ${name} | ${r.cpuMs.toFixed(2)} | ${Math.round(r.perSec)} |`);
  }
ddb.destroy();
await sup.stop();
process.stdout.write(
  [
    `DynamoDB Local, ${count} requests per kind, ${inFlight} in flight, JVM CPU from /proc (ms per request):`,
    "",
    "| round | request | CPU ms each | per second |",
    "| ---: | --- | ---: | ---: |",
    ...rows,
    "",
  ].join("\n"),
);
