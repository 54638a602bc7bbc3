/**
 * Builds the payment core from its clients and settings. main.ts and the tests assemble the
 * service the same way through here.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { currentTraceparent, type Logger, queueNames, tableName } from "@tt/kit";
import { SqsEventPublisher } from "./adapters/event-publisher.sqs.ts";
import { DynamoIntentStore } from "./adapters/intent-store.dynamo.ts";
import { PrometheusPaymentObserver } from "./adapters/payment-metrics.prom.ts";
import { HttpWebhookSender } from "./adapters/webhook-sender.http.ts";
import type { readPaymentConfig } from "./config.ts";
import { type DeliverySettings, PaymentSimulator } from "./domain/payment-simulator.ts";
import type { ScenarioSettings } from "./domain/scenario.ts";
import { JobPoller } from "./transport/job-poller.ts";
import { paymentRpc } from "./transport/payment-rpc.ts";

/** What buildPayment needs to know besides its clients. */
export interface PaymentSettings {
  stage: string;
  scenarios: ScenarioSettings;
  delivery: DeliverySettings;
  webhookSecret: string;
  webhookTimeoutMs: number;
  pollMs: number;
  jobLeaseMs: number;
}

/** Jobs claimed per poll. */
const JOB_BATCH = 25;

/** The settings part of the service config. */
export function paymentSettings(config: ReturnType<typeof readPaymentConfig>): PaymentSettings {
  return {
    stage: config.stage,
    scenarios: {
      approveDelayMs: config.approveDelayMs,
      slowDelayMs: config.slowDelayMs,
      randomApproveRate: config.randomApprovePercent / 100,
    },
    delivery: {
      retryBaseMs: config.retryBaseMs,
      retryMaxMs: config.retryMaxMs,
      webhookMaxAttempts: config.webhookMaxAttempts,
    },
    webhookSecret: config.webhookSecret,
    webhookTimeoutMs: config.webhookTimeoutMs,
    pollMs: config.pollMs,
    jobLeaseMs: config.jobLeaseMs,
  };
}

/** Wires store, publisher, webhook sender and simulator; returns the Connect routes and a poller factory. */
export async function buildPayment(deps: {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  settings: PaymentSettings;
}) {
  const { settings } = deps;
  const store = new DynamoIntentStore(deps.dynamo, tableName(settings.stage, "payments"));
  const observer = new PrometheusPaymentObserver();
  const simulator = new PaymentSimulator({
    store,
    publisher: SqsEventPublisher.forQueue(deps.sqs, queueNames(settings.stage).events),
    webhooks: new HttpWebhookSender(settings.webhookSecret, settings.webhookTimeoutMs),
    observer,
    scenarios: settings.scenarios,
    delivery: settings.delivery,
    traceparent: currentTraceparent,
  });
  return {
    simulator,
    observer,
    rpc: paymentRpc(simulator),
    /** The poller that runs due jobs; start it once the service listens. */
    poller: (log: Logger) =>
      new JobPoller({
        claim: (now, leaseMs, limit) => store.claimDue(now, leaseMs, limit),
        run: (job) => simulator.runJob(job),
        log,
        intervalMs: settings.pollMs,
        leaseMs: settings.jobLeaseMs,
        batch: JOB_BATCH,
      }),
  };
}
