// The event queue's sends against the real SQS emulator: the sends of one turn share a batch,
// each keeps its own delay, and an outage fails every send of the batch with the catalogue code.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type AppError, createSqsClient, ensureQueues, queueNames } from "@tt/kit";
import { Supervisor, startSqs } from "@tt/kit/local";
import { freePort, recordCommands } from "@tt/kit/testing";
import { EventsQueue } from "../../src/adapters/events-queue.sqs.ts";

const sup = new Supervisor({ sink: () => undefined });
const STAGE = `eq${Date.now().toString(36)}`;
let sqs: SQSClient;
let url: string;
let calls: string[] = [];

beforeAll(async () => {
  const port = freePort();
  await startSqs(sup, { port });
  sqs = createSqsClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${port}` });
  url = (await ensureQueues(sqs, STAGE)).eventsUrl;
  calls = recordCommands(sqs);
}, 30_000);

afterAll(async () => {
  sqs?.destroy();
  await sup.stop();
});

async function receiveAll(want: number, waitMs: number): Promise<string[]> {
  const bodies: string[] = [];
  const until = Date.now() + waitMs;
  while (bodies.length < want && Date.now() < until) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    bodies.push(...Messages.map((m) => m.Body ?? ""));
  }
  return bodies;
}

test("25 sends in one turn go out in 3 batches, and every message arrives", async () => {
  const queue = new EventsQueue(sqs, queueNames(STAGE).events, url);
  calls.length = 0;
  await Promise.all(Array.from({ length: 25 }, (_, i) => queue.send(`m${i}`)));
  expect(calls.filter((c) => c === "SendMessageBatchCommand")).toHaveLength(3);
  const got = await receiveAll(25, 10_000);
  expect(got.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
}, 20_000);

test("each send in a batch keeps its own delay", async () => {
  const queue = new EventsQueue(sqs, queueNames(STAGE).events, url);
  const started = Date.now();
  await Promise.all([queue.send("now"), queue.send("later", 2)]);
  expect(await receiveAll(1, 1_500)).toEqual(["now"]);
  expect(await receiveAll(1, 5_000)).toEqual(["later"]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
}, 20_000);

test("a queue that cannot be reached fails every send of the batch as UPSTREAM_UNAVAILABLE", async () => {
  const down = createSqsClient({ region: "us-east-1", endpoint: "http://127.0.0.1:1", maxAttempts: 1 });
  const queue = new EventsQueue(down, "nowhere", "http://127.0.0.1:1/000000000000/nowhere");
  const answers = await Promise.allSettled([queue.send("a"), queue.send("b")]);
  for (const a of answers) {
    expect(a.status).toBe("rejected");
    expect(((a as PromiseRejectedResult).reason as AppError).code).toBe("UPSTREAM_UNAVAILABLE");
  }
  down.destroy();
});
