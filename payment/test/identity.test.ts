// Service identity at payment, on a real listener with its own keys: the gateway, reservation and
// the worker get through; inventory, nobody, an expired or a forged credential do not — and the
// outcome still reaches the gateway's webhook signed with its HMAC, as before.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { payment } from "@tt/contracts";
import {
  type Credentials,
  createLogger,
  createService,
  createServiceClient,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "@tt/kit";
import { eventually, outcome, testConfig, testIdentities } from "@tt/kit/testing";
import { paymentCore } from "../src/app.ts";
import { type Backends, startBackends, startWebhookReceiver } from "./support.ts";

const SECRET = "identity-webhook-secret";
const { PaymentScenario, PaymentStatus, ProcessAction } = payment;
const ids = testIdentities();
let b: Backends;
let stop: () => Promise<void> = async () => undefined;
let url = "";

const as = (credentials?: Credentials) =>
  createServiceClient(payment.PaymentService, {
    name: "payment",
    baseUrl: url,
    timeoutMs: 5000,
    retries: 0,
    ...(credentials ? { credentials } : {}),
  });
const fixed = (token: string): Credentials => ({ issuer: "test", token: async () => token });
const intent = (c: Credentials | undefined, webhookUrl = "") =>
  as(c).createPaymentIntent({
    reservationId: `rsv_${crypto.randomUUID().slice(0, 8)}`,
    userId: "alice",
    amount: 50_000n,
    currency: "KRW",
    scenario: webhookUrl ? PaymentScenario.APPROVE : PaymentScenario.DELAY,
    webhookUrl,
  });

beforeAll(async () => {
  b = await startBackends();
  const config = testConfig(ids.env.payment);
  const service = createService({ name: "payment", description: "under test", config });
  const core = await paymentCore({
    dynamo: b.dynamo,
    sqs: b.sqs,
    settings: {
      stage: b.stage,
      scenarios: { approveDelayMs: 200, slowDelayMs: 60_000, randomApproveRate: 0.5 },
      delivery: { retryBaseMs: 100, retryMaxMs: 400, webhookMaxAttempts: 3 },
      webhookSecret: SECRET,
      webhookTimeoutMs: 1000,
      pollMs: 50,
      jobLeaseMs: 1000,
      jobTakeoverMs: 500,
      outboxStaleMs: 5000,
    },
    log: createLogger("payment", "error"),
    metrics: service.metrics,
  });
  service.serveRpc(core.rpc);
  service.onShutdown(() => core.stop());
  await service.start({ handleSignals: false });
  core.start();
  url = `http://127.0.0.1:${config.port}`;
  stop = () => service.stop();
}, 60_000);

afterAll(async () => {
  await stop();
  await b?.stop();
});

describe("payment accepts the gateway, reservation and the worker only", () => {
  test("the gateway opens an intent, and its outcome reaches the webhook signed as today", async () => {
    const hook = startWebhookReceiver();
    try {
      const created = await intent(ids.as("gateway"), hook.url);
      await eventually(() => hook.requests.length === 1, 5000);
      const delivered = hook.requests[0];
      const verdict = verifyWebhook({
        secret: SECRET,
        body: delivered?.body ?? "",
        signature: delivered?.headers.get(WEBHOOK_SIGNATURE_HEADER),
        timestamp: delivered?.headers.get(WEBHOOK_TIMESTAMP_HEADER),
      });
      expect(verdict.ok).toBe(true);
      const status = await as(ids.as("reservation")).getPaymentStatus({
        paymentIntentId: created.paymentIntentId,
      });
      expect(status.intent?.status).toBe(PaymentStatus.APPROVED);
      expect(
        await outcome(
          as(ids.as("worker")).refundPayment({ paymentIntentId: created.paymentIntentId, reason: "t" }),
        ),
      ).toBe("ok");
    } finally {
      hook.stop();
    }
  });

  test("ProcessPayment answers no stranger: nobody, inventory, an expired credential", async () => {
    const created = await intent(ids.as("gateway"));
    const approve = (c?: Credentials) =>
      outcome(
        as(c).processPayment({ paymentIntentId: created.paymentIntentId, action: ProcessAction.APPROVE }),
      );
    expect(await approve()).toBe("UNAUTHENTICATED");
    expect(await approve(ids.as("inventory"))).toBe("FORBIDDEN");
    expect(
      await approve(fixed(await ids.as("gateway").sign("payment", undefined, Date.now() - 120_000))),
    ).toBe("UNAUTHENTICATED");
    const status = await as(ids.as("gateway")).getPaymentStatus({ paymentIntentId: created.paymentIntentId });
    expect(status.intent?.status).toBe(PaymentStatus.PENDING);
  });

  test("an intent cannot be opened for a buyer the credential was not signed for", async () => {
    const forMallory = await ids.as("gateway").token("payment", "mallory");
    expect(await outcome(intent(fixed(forMallory)))).toBe("FORBIDDEN");
  });
});
