// A decision's webhook rides on its event's outbox record (no job unless the first attempt fails),
// on DynamoDB Local and fauxqs: a payment process killed right after the decision committed loses
// neither the event nor the webhook, and a refused first attempt becomes a retry job.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { createLogger, Metrics, Outbox, tableName } from "@tt/kit";
import { eventually } from "@tt/kit/testing";
import { intentPk } from "../src/adapters/intent-items.ts";
import { DynamoIntentStore } from "../src/adapters/intent-store.dynamo.ts";
import { PrometheusPaymentObserver } from "../src/adapters/payment-metrics.prom.ts";
import { paymentCore } from "../src/app.ts";
import { PaymentSimulator } from "../src/domain/payment-simulator.ts";
import type { WebhookSender } from "../src/domain/ports.ts";
import { type Backends, startBackends, startWebhookReceiver, takeEvents } from "./support.ts";

let b: Backends;
const log = createLogger("payment-test", "error", () => undefined);
const SCENARIOS = { approveDelayMs: 0, slowDelayMs: 60_000, randomApproveRate: 1 };
const DELIVERY = { retryBaseMs: 100, retryMaxMs: 400, webhookMaxAttempts: 5 };

beforeAll(async () => {
  b = await startBackends();
}, 60_000);

afterAll(() => b?.stop());

/**
 * A payment process that dies right after each commit: its outbox records the event (and the
 * webhook it carries) but never publishes, and nothing of it posts webhooks.
 */
function dyingProcess() {
  const outbox = new Outbox({
    ddb: b.dynamo,
    sqs: b.sqs,
    table: tableName(b.stage, "payment-outbox"),
    queueUrl: async () => b.queues.eventsUrl,
    log,
  });
  const store = new DynamoIntentStore(b.dynamo, tableName(b.stage, "payments"), {
    put: (m) => outbox.put(m),
    committed: () => undefined,
  });
  const webhooks: WebhookSender = { send: () => Promise.reject(new Error("this process is dead")) };
  const simulator = new PaymentSimulator({
    store,
    webhooks,
    observer: new PrometheusPaymentObserver(new Metrics("payment-test")),
    scenarios: SCENARIOS,
    delivery: DELIVERY,
  });
  return { store, simulator };
}

/** The payment process that takes over: a fast outbox sweep and job poller. */
async function survivor(delivery = DELIVERY) {
  const core = await paymentCore({
    dynamo: b.dynamo,
    sqs: b.sqs,
    log,
    metrics: new Metrics("payment-test"),
    settings: {
      stage: b.stage,
      scenarios: SCENARIOS,
      delivery,
      webhookSecret: "test-webhook-secret",
      webhookTimeoutMs: 1000,
      pollMs: 50,
      jobLeaseMs: 1000,
      jobTakeoverMs: 500,
      outboxStaleMs: 300,
    },
  });
  core.start();
  return core;
}

/** An intent whose scheduled decision (approve) was run by a process that then died at once. */
async function approvedByTheDead(webhookUrl: string): Promise<string> {
  const { store, simulator } = dyingProcess();
  const { intent } = await simulator.create({
    reservationId: `rsv_${crypto.randomUUID().slice(0, 8)}`,
    userId: "u1",
    amount: 50_000,
    currency: "KRW",
    scenario: "approve",
    webhookUrl,
    idempotencyKey: "",
  });
  const [decide] = (await store.claimDue(Date.now(), 60_000, 50)).filter((j) => j.intentId === intent.id);
  if (!decide) throw new Error("the decide job was not due");
  await simulator.runJob(decide);
  return intent.id;
}

/** Sort keys of the items stored under an intent besides the intent (its jobs). */
async function jobsOf(intentId: string): Promise<string[]> {
  const { Items = [] } = await b.dynamo.send(
    new QueryCommand({
      TableName: tableName(b.stage, "payments"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :job)",
      ExpressionAttributeValues: { ":pk": { S: intentPk(intentId) }, ":job": { S: "JOB#" } },
      ConsistentRead: true,
    }),
  );
  return Items.map((i) => i.sk?.S ?? "");
}

async function outboxRecords(): Promise<number> {
  const { Items = [] } = await b.dynamo.send(
    new ScanCommand({ TableName: tableName(b.stage, "payment-outbox"), ConsistentRead: true }),
  );
  return Items.length;
}

describe("the webhook's first attempt rides on the event's outbox record", () => {
  test("killed after the decision committed: the sweep sends the event and posts the webhook, and no job is ever written", async () => {
    const hook = startWebhookReceiver([200]);
    const id = await approvedByTheDead(hook.url);
    // The decide job went with the decision, and the webhook has none: only the record remains.
    expect(await jobsOf(id)).toEqual([]);
    expect(await outboxRecords()).toBe(1);
    const core = await survivor();
    try {
      await eventually(() => hook.requests.length === 1, 5000);
      expect(JSON.parse(hook.requests[0]?.body ?? "{}").type).toBe("payment.approved");
      await eventually(async () => (await outboxRecords()) === 0, 3000);
      const events = await takeEvents(b.sqs, b.queues.eventsUrl);
      expect(events.map((e) => e.type)).toEqual(["payment.approved"]);
      expect(await jobsOf(id)).toEqual([]);
    } finally {
      await core.stop();
      hook.stop();
    }
  });

  test("a first attempt the receiver answers 503 leaves a retry job, which the poller delivers and removes", async () => {
    const hook = startWebhookReceiver([503, 200]);
    const id = await approvedByTheDead(hook.url);
    // The retry waits 0.5–1 s: long enough to see its job between the two attempts.
    const core = await survivor({ ...DELIVERY, retryBaseMs: 1000 });
    try {
      await eventually(() => hook.requests.length === 1, 5000);
      await eventually(async () => (await jobsOf(id)).length === 1, 1000);
      expect(await jobsOf(id)).toEqual(["JOB#webhook#payment.approved"]);
      await eventually(async () => (await outboxRecords()) === 0, 1000);
      await eventually(() => hook.requests.length === 2, 5000);
      expect(new Set(hook.requests.map((r) => JSON.parse(r.body).id)).size).toBe(1);
      await eventually(async () => (await jobsOf(id)).length === 0, 3000);
      expect(hook.requests).toHaveLength(2);
    } finally {
      await core.stop();
      hook.stop();
    }
  });
});
