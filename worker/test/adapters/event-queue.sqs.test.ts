// The worker's acknowledgements: against the real SQS emulator, acks made close together share a
// DeleteMessageBatch and every acknowledged message is gone for good; an ack SQS refuses fails on
// its own while the rest of its batch is deleted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { queueUrl } from "@tt/kit";
import { recordCommands } from "@tt/kit/testing";
import { SqsEventQueue } from "../../src/adapters/event-queue.sqs.ts";
import { startQueues } from "../support.ts";

let q: Awaited<ReturnType<typeof startQueues>>;
let calls: string[] = [];

beforeAll(async () => {
  q = await startQueues();
  calls = recordCommands(q.sqs);
}, 30_000);

afterAll(() => q?.stop());

const signal = new AbortController().signal;

async function sendBodies(bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    await q.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.queues.eventsUrl,
        Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: String(j), MessageBody: b })),
      }),
    );
  }
}

const queue = () =>
  new SqsEventQueue(q.sqs, queueUrl(q.sqs, "", q.queues.eventsUrl), queueUrl(q.sqs, "", q.queues.dlqUrl));

async function receiveAll(events: SqsEventQueue, want: number, visibilitySeconds: number) {
  const got: Awaited<ReturnType<SqsEventQueue["receive"]>> = [];
  const until = Date.now() + 10_000;
  while (got.length < want && Date.now() < until)
    got.push(...(await events.receive(10, 1, visibilitySeconds, signal)));
  return got;
}

test("12 messages acknowledged one by one, a few ms apart, cost two DeleteMessageBatch calls and never come back", async () => {
  const events = queue();
  await sendBodies(Array.from({ length: 12 }, (_, i) => `m${i}`));
  const got = await receiveAll(events, 12, 1);
  expect(got).toHaveLength(12);
  calls.length = 0;
  await Promise.all(
    got.map(async (d, i) => {
      await Bun.sleep(i);
      await events.ack(d);
    }),
  );
  expect(calls).toEqual(["DeleteMessageBatchCommand", "DeleteMessageBatchCommand"]);
  // Past their visibility timeout nothing returns: every one was deleted.
  await Bun.sleep(1_200);
  expect(await events.receive(10, 1, 1, signal)).toEqual([]);
}, 20_000);

// fauxqs deletes by any receipt without a word, so SQS's per-entry refusal (an expired receipt
// handle, say) is answered here by a client that answers as SQS does, and the command is checked.
test("an ack SQS refuses fails alone (its message comes back); its batch-mates are acknowledged", async () => {
  const sent: Array<{ name: string; input: unknown }> = [];
  const sqs = {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return {
        Successful: [{ Id: "1" }],
        Failed: [{ Id: "0", Code: "ReceiptHandleIsInvalid", SenderFault: true }],
      };
    },
  } as unknown as SQSClient;
  const url = async () => "http://sqs.local/000000000000/t-events";
  const events = new SqsEventQueue(sqs, url, url);
  const delivery = { messageId: "m", body: "", receiveCount: 1, sentAt: 0 };
  const results = await Promise.allSettled([
    events.ack({ ...delivery, receipt: "stale" }),
    events.ack({ ...delivery, receipt: "fresh" }),
  ]);
  expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
  expect(String((results[0] as PromiseRejectedResult).reason)).toContain("ReceiptHandleIsInvalid");
  expect(sent).toEqual([
    {
      name: "DeleteMessageBatchCommand",
      input: {
        QueueUrl: "http://sqs.local/000000000000/t-events",
        Entries: [
          { Id: "0", ReceiptHandle: "stale" },
          { Id: "1", ReceiptHandle: "fresh" },
        ],
      },
    },
  ]);
});
