// The outbox's follow-ups on DynamoDB Local and fauxqs: work a record carries runs once the queue
// has its message and before the record is deleted, so the record keeps that work durable.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ScanCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createSqsClient } from "../src/aws/clients.ts";
import { instrumentAws } from "../src/aws/instrument.ts";
import { ensureQueues, type QueueRefs } from "../src/aws/provision.ts";
import { tableName } from "../src/aws/tables.ts";
import { Supervisor } from "../src/local/processes.ts";
import { startSqs } from "../src/local/sqs.ts";
import { createLogger } from "../src/log.ts";
import { Metrics } from "../src/metrics.ts";
import { Outbox, type OutboxMessage } from "../src/outbox.ts";
import { freePort, startTestDynamo, type TestDynamo } from "../src/testing.ts";

let sup: Supervisor;
let db: TestDynamo;
let sqs: SQSClient;
let queues: QueueRefs;
let table: string;

beforeAll(async () => {
  sup = new Supervisor({ sink: () => undefined });
  const [started, endpoint] = await Promise.all([startTestDynamo(sup), startSqs(sup, { port: freePort() })]);
  db = started;
  sqs = createSqsClient({ region: "us-east-1", endpoint });
  queues = await ensureQueues(sqs, db.stage);
  table = tableName(db.stage, "outbox");
  instrumentAws(db.dynamo, sent, "dynamodb");
}, 60_000);

// The DynamoDB requests this file's outboxes send, by operation.
const sent = new Metrics("outbox-test");
async function requests(operation: string): Promise<number> {
  const metric = await sent.registry.getSingleMetric("dependency_requests_total")?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.operation === operation)
    .reduce((n, v) => n + v.value, 0);
}

afterAll(async () => {
  db?.dynamo.destroy();
  sqs?.destroy();
  await sup?.stop();
});

function outboxWith(onSent: (m: OutboxMessage) => Promise<void>, staleMs = 60_000): Outbox {
  return new Outbox({
    ddb: db.dynamo,
    sqs,
    table,
    queueUrl: async () => queues.eventsUrl,
    log: createLogger("outbox-test", "error", () => undefined),
    staleMs,
    onSent,
  });
}

let seq = 0;
const message = (followUp?: string): OutboxMessage => ({
  pk: `E#${++seq}`,
  sk: "v1",
  body: `body-${seq}`,
  type: "test.happened",
  at: Date.now(),
  ...(followUp ? { followUp } : {}),
});

/** Records `messages` as a change's transaction would. */
async function record(outbox: Outbox, ...messages: OutboxMessage[]) {
  await db.dynamo.send(new TransactWriteItemsCommand({ TransactItems: messages.map((m) => outbox.put(m)) }));
}

async function recordKeys(): Promise<string[]> {
  const { Items = [] } = await db.dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.map((i) => i.pk?.S ?? "").sort();
}

/** Takes whatever bodies are on the queue now (waits up to a second for the first). */
async function takeBodies(): Promise<string[]> {
  const out: string[] = [];
  for (let wait = 1; ; wait = 0) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.eventsUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: wait,
      }),
    );
    if (Messages.length === 0) return out.sort();
    out.push(...Messages.map((m) => m.Body ?? ""));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queues.eventsUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

describe("outbox follow-ups", () => {
  test("a follow-up runs after the queue has its message and before its record goes; a message without one is only sent", async () => {
    const seen: Array<{ followUp?: string; queued: string[]; records: string[] }> = [];
    const outbox = outboxWith(async (m) => {
      seen.push({ followUp: m.followUp, queued: await takeBodies(), records: await recordKeys() });
    });
    const [plain, withWork] = [message(), message("post it")];
    await record(outbox, plain, withWork);
    outbox.committed(plain, withWork);
    await outbox.drain();
    // Sent in one batch: both were on the queue, and both records still there, when it ran.
    expect(seen).toEqual([
      {
        followUp: "post it",
        queued: [plain.body, withWork.body].sort(),
        records: [plain.pk, withWork.pk].sort(),
      },
    ]);
    expect(await recordKeys()).toEqual([]);
  });

  test("a follow-up that throws keeps its record; the sweep sends the message and runs it again, then the record goes", async () => {
    const STALE_MS = 300;
    let calls = 0;
    const outbox = outboxWith(async () => {
      calls += 1;
      if (calls === 1) throw new Error("receiver down and its retry could not be stored");
    }, STALE_MS);
    const [other, failing] = [message(), message("post it")];
    await record(outbox, other, failing);
    outbox.committed(other, failing);
    await outbox.drain();
    expect(calls).toBe(1);
    expect(await recordKeys()).toEqual([failing.pk]);
    expect(await takeBodies()).toEqual([other.body, failing.body].sort());

    await Bun.sleep(Math.max(0, failing.at + STALE_MS + 50 - Date.now()));
    expect(await outbox.sweep()).toBe(1);
    expect(calls).toBe(2);
    expect(await takeBodies()).toEqual([failing.body]);
    expect(await recordKeys()).toEqual([]);
  });
});

describe("outbox deletes", () => {
  test("records of messages sent moments apart go in one delete, and every record goes", async () => {
    const outbox = outboxWith(async () => undefined);
    const deletes = await requests("BatchWriteItem");
    const messages = [message(), message(), message()];
    // Three commits in three turns of the event loop: three sends.
    for (const m of messages) {
      await record(outbox, m);
      outbox.committed(m);
      await Bun.sleep(20);
    }
    await outbox.drain();
    expect(await takeBodies()).toEqual(messages.map((m) => m.body).sort());
    expect(await recordKeys()).toEqual([]);
    expect((await requests("BatchWriteItem")) - deletes).toBe(1);
  });
});
