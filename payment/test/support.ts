// Real backends for the payment tests: a private DynamoDB Local and fauxqs on free ports (never
// the dev stack's), with the platform tables and queues under a random stage.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { events } from "@tt/contracts";
import { createSqsClient, decodeEvent, ensureQueues, type QueueRefs } from "@tt/kit";
import { Supervisor, startSqs } from "@tt/kit/local";
import { freePort, startTestDynamo, type TestDynamo } from "@tt/kit/testing";

/** Running emulators, clients to them and the stage their resources live under. */
export interface Backends extends TestDynamo {
  sqs: SQSClient;
  sqsEndpoint: string;
  queues: QueueRefs;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local and fauxqs, and provisions tables and queues under a random stage. */
export async function startBackends(): Promise<Backends> {
  const sup = new Supervisor({ sink: () => undefined });
  const [db, sqsEndpoint] = await Promise.all([startTestDynamo(sup), startSqs(sup, { port: freePort() })]);
  const sqs = createSqsClient({ region: "us-east-1", endpoint: sqsEndpoint });
  const queues = await ensureQueues(sqs, db.stage);
  return {
    ...db,
    sqs,
    sqsEndpoint,
    queues,
    async stop() {
      db.dynamo.destroy();
      sqs.destroy();
      await sup.stop();
    },
  };
}

/** Reads (and deletes) whatever is on the queue now, decoded; waits up to a second for the first message. */
export async function takeEvents(sqs: SQSClient, queueUrl: string): Promise<events.EventEnvelope[]> {
  return (await takeBodies(sqs, queueUrl)).map((body) => decodeEvent(body));
}

/** Like `takeEvents`, but the message bodies exactly as they arrived. */
export async function takeBodies(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const out: string[] = [];
  for (let wait = 1; ; wait = 0) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait }),
    );
    if (Messages.length === 0) return out;
    out.push(...Messages.map((m) => m.Body ?? ""));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** A webhook receiver on a free port that records each request and answers from a script. */
export function startWebhookReceiver(statuses: number[] = [200]) {
  const requests: Array<{ headers: Headers; body: string; at: number }> = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      requests.push({ headers: req.headers, body: await req.text(), at: Date.now() });
      return new Response(null, {
        status: statuses[Math.min(requests.length - 1, statuses.length - 1)] ?? 200,
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, requests, stop: () => server.stop(true) };
}
