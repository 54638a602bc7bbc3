// The payment service on real DynamoDB Local and fauxqs: Connect in, events and signed webhooks out.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { payment } from "@tt/contracts";
import {
  createLogger,
  createService,
  createServiceClient,
  devCredentials,
  fromConnectError,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "@tt/kit";
import { eventually, testConfig } from "@tt/kit/testing";
import { type PaymentSettings, paymentCore } from "../src/app.ts";
import { type Backends, startBackends, startWebhookReceiver, takeEvents } from "./support.ts";

const SECRET = "test-webhook-secret";
const { PaymentScenario, PaymentStatus, ProcessAction } = payment;
let b: Backends;

function settings(stage: string, overrides: Partial<PaymentSettings> = {}): PaymentSettings {
  return {
    stage,
    scenarios: { approveDelayMs: 300, slowDelayMs: 1500, randomApproveRate: 0.5 },
    delivery: { retryBaseMs: 100, retryMaxMs: 400, webhookMaxAttempts: 5 },
    webhookSecret: SECRET,
    webhookTimeoutMs: 1000,
    pollMs: 50,
    jobLeaseMs: 1000,
    // A job is run by the process that wrote it; another takes over this long after it fell due.
    jobTakeoverMs: 500,
    outboxStaleMs: 5000,
    ...overrides,
  };
}

/** A payment service in this process on a free port, with its job poller and outbox sweep running. */
async function startPayment(overrides: Partial<PaymentSettings> = {}) {
  const config = testConfig();
  const service = createService({ name: "payment", description: "payment under test", config });
  const core = await paymentCore({
    dynamo: b.dynamo,
    sqs: b.sqs,
    settings: settings(b.stage, overrides),
    log: createLogger("payment", "error"),
    metrics: service.metrics,
  });
  service.serveRpc(core.rpc);
  service.onShutdown(() => core.stop());
  await service.start({ handleSignals: false });
  core.start();
  const url = `http://127.0.0.1:${config.port}`;
  const client = createServiceClient(payment.PaymentService, {
    name: "payment",
    baseUrl: url,
    timeoutMs: 5000,
    credentials: devCredentials(),
  });
  return { core, service, client, url, stop: () => service.stop() };
}

let svc: Awaited<ReturnType<typeof startPayment>>;

beforeAll(async () => {
  b = await startBackends();
  svc = await startPayment();
}, 60_000);

afterAll(async () => {
  await svc?.stop();
  await b?.stop();
});

const intentRequest = (overrides: Partial<Omit<payment.CreatePaymentIntentRequest, "$typeName">> = {}) => ({
  reservationId: `rsv_${crypto.randomUUID().slice(0, 8)}`,
  userId: "u1",
  amount: 50_000n,
  currency: "KRW",
  scenario: PaymentScenario.APPROVE,
  ...overrides,
});

async function statusOf(id: string) {
  return (await svc.client.getPaymentStatus({ paymentIntentId: id })).intent?.status;
}

/** Types of the queued events about one intent (other tests' leftovers are skipped). */
async function queuedFor(intentId: string): Promise<string[]> {
  const all = await takeEvents(b.sqs, b.queues.eventsUrl);
  return all
    .filter((e) => (e.detail.value as { paymentIntentId?: string }).paymentIntentId === intentId)
    .map((e) => e.type);
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return fromConnectError(error).code;
  }
  return "OK";
}

describe("payment service", () => {
  test("approve: PENDING at once, APPROVED shortly after, payment.approved on the queue and a signed webhook", async () => {
    const hook = startWebhookReceiver();
    try {
      const created = await svc.client.createPaymentIntent(intentRequest({ webhookUrl: hook.url }));
      expect(created.status).toBe(PaymentStatus.PENDING);
      expect(created.next).toBe("webhook");
      await eventually(
        async () => (await statusOf(created.paymentIntentId)) === PaymentStatus.APPROVED,
        5000,
      );
      await eventually(() => hook.requests.length === 1, 5000);

      const [event] = (await takeEvents(b.sqs, b.queues.eventsUrl)).filter(
        (e) =>
          e.detail.case === "paymentApproved" && e.detail.value.paymentIntentId === created.paymentIntentId,
      );
      expect(event?.type).toBe("payment.approved");
      expect(event?.source).toBe("payment");
      expect(event?.detail.case === "paymentApproved" && event.detail.value.amount).toBe(50_000n);

      const delivered = hook.requests[0];
      const verdict = verifyWebhook({
        secret: SECRET,
        body: delivered?.body ?? "",
        signature: delivered?.headers.get(WEBHOOK_SIGNATURE_HEADER),
        timestamp: delivered?.headers.get(WEBHOOK_TIMESTAMP_HEADER),
      });
      expect(verdict.ok).toBe(true);
      expect(JSON.parse(delivered?.body ?? "{}").id).toBe(event?.id);
    } finally {
      hook.stop();
    }
  });

  test("fail: payment.failed is announced, and a receiver answering 503 twice gets the webhook on the third try", async () => {
    const hook = startWebhookReceiver([503, 503, 200]);
    try {
      const created = await svc.client.createPaymentIntent(
        intentRequest({ scenario: PaymentScenario.FAIL, webhookUrl: hook.url }),
      );
      await eventually(() => hook.requests.length === 3, 8000);
      expect(
        (await svc.client.getPaymentStatus({ paymentIntentId: created.paymentIntentId })).intent,
      ).toMatchObject({
        status: PaymentStatus.FAILED,
        failureReason: "card_declined",
      });
      expect(new Set(hook.requests.map((r) => JSON.parse(r.body).id)).size).toBe(1);
      expect(await queuedFor(created.paymentIntentId)).toEqual(["payment.failed"]);
    } finally {
      hook.stop();
    }
  });

  test("a manual approval and a refund announce payment.approved then payment.refunded", async () => {
    const created = await svc.client.createPaymentIntent(intentRequest({ scenario: PaymentScenario.DELAY }));
    const processed = await svc.client.processPayment({
      paymentIntentId: created.paymentIntentId,
      action: ProcessAction.APPROVE,
    });
    expect(processed.intent?.status).toBe(PaymentStatus.APPROVED);
    const refunded = await svc.client.refundPayment({
      paymentIntentId: created.paymentIntentId,
      reason: "expired",
    });
    expect(refunded.intent?.status).toBe(PaymentStatus.REFUNDED);
    await Bun.sleep(300);
    expect((await queuedFor(created.paymentIntentId)).sort()).toEqual([
      "payment.approved",
      "payment.refunded",
    ]);
  });

  test("bad input is VALIDATION_FAILED, an unknown intent NOT_FOUND, a reused key IDEMPOTENCY_CONFLICT", async () => {
    const { client } = svc;
    expect(await codeOf(client.createPaymentIntent(intentRequest({ amount: 0n })))).toBe("VALIDATION_FAILED");
    expect(await codeOf(client.createPaymentIntent(intentRequest({ amount: -5n })))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await codeOf(client.createPaymentIntent(intentRequest({ currency: "won" })))).toBe(
      "VALIDATION_FAILED",
    );
    expect(
      await codeOf(client.createPaymentIntent(intentRequest({ scenario: PaymentScenario.UNSPECIFIED }))),
    ).toBe("VALIDATION_FAILED");
    expect(await codeOf(client.getPaymentStatus({ paymentIntentId: "pi_missing" }))).toBe("NOT_FOUND");
    // An id past what a store key may be (the fuzzer's 3 KB one read as the store being down, 503).
    const huge = "y".repeat(3000);
    expect(await codeOf(client.getPaymentStatus({ paymentIntentId: huge }))).toBe("NOT_FOUND");
    expect(await codeOf(client.refundPayment({ paymentIntentId: huge, reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(client.refundPayment({ paymentIntentId: "pi_missing" }))).toBe("NOT_FOUND");

    const request = intentRequest({ idempotencyKey: crypto.randomUUID(), scenario: PaymentScenario.DELAY });
    const first = await client.createPaymentIntent(request);
    const again = await client.createPaymentIntent(request);
    expect(again.paymentIntentId).toBe(first.paymentIntentId);
    expect(await codeOf(client.createPaymentIntent({ ...request, amount: 1n }))).toBe("IDEMPOTENCY_CONFLICT");
  });

  test("metrics count intents and outcomes", async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/payment_intents_created_total\{[^}]*scenario="approve"/);
    expect(text).toMatch(/payment_outcomes_total\{[^}]*status="approved"/);
    expect(text).toMatch(/payment_webhooks_total\{[^}]*result="retry"/);
    // Counted by the outbox as it publishes; the lag is set by its first sweep.
    expect(text).toMatch(/payment_events_published_total\{[^}]*type="payment.approved"[^}]*\} [1-9]/);
    expect(text).toMatch(/outbox_lag_seconds\{[^}]*app="payment"[^}]*\} [\d.]+/);
  });
  test("the process that created an intent decides and announces it on time, without waiting for a poll", async () => {
    const quiet = await startPayment({ pollMs: 60_000 });
    try {
      const created = await quiet.client.createPaymentIntent(
        intentRequest({ scenario: PaymentScenario.APPROVE }),
      );
      const started = Date.now();
      await eventually(
        async () =>
          (await quiet.client.getPaymentStatus({ paymentIntentId: created.paymentIntentId })).intent
            ?.status === PaymentStatus.APPROVED,
        3000,
        20,
      );
      // Decided at its time (300 ms here), not at the next poll a minute away.
      expect(Date.now() - started).toBeLessThan(1500);
      await eventually(
        async () => (await queuedFor(created.paymentIntentId)).includes("payment.approved"),
        3000,
      );
    } finally {
      await quiet.stop();
    }
  });

  test("a restart loses nothing: an intent created before a stop is decided and announced by the next process", async () => {
    await svc.stop(); // no payment process runs jobs until the restart below
    const first = await startPayment();
    const created = await first.client.createPaymentIntent(
      intentRequest({ scenario: PaymentScenario.DELAY }),
    );
    await first.stop();
    await Bun.sleep(1600); // the decision falls due while nothing is running
    expect((await first.core.simulator.get(created.paymentIntentId)).status).toBe("PENDING");

    svc = await startPayment();
    await eventually(async () => (await statusOf(created.paymentIntentId)) === PaymentStatus.APPROVED, 5000);
    // The outbox announces it once committed, which can be a moment after the status reads
    // APPROVED; reading the queue takes what it reads, so collect until it shows, then once more.
    const announced: string[] = [];
    await eventually(async () => {
      announced.push(...(await queuedFor(created.paymentIntentId)));
      return announced.length > 0;
    }, 3000);
    await Bun.sleep(300);
    announced.push(...(await queuedFor(created.paymentIntentId)));
    expect(announced).toEqual(["payment.approved"]);
  });
});
