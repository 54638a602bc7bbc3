/**
 * Builds the payment core from its clients and settings. main.ts and the tests assemble the
 * service the same way through here.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { currentTraceparent, detached, type Logger, queueNames, runAs, tableName } from "@tt/kit";
import { SqsEventPublisher } from "./adapters/event-publisher.sqs.ts";
import { DynamoIntentStore } from "./adapters/intent-store.dynamo.ts";
import { PrometheusPaymentObserver } from "./adapters/payment-metrics.prom.ts";
import { HttpWebhookSender } from "./adapters/webhook-sender.http.ts";
import type { readPaymentConfig } from "./config.ts";
import { type DeliverySettings, PaymentSimulator } from "./domain/payment-simulator.ts";
import type { ClaimedJob } from "./domain/ports.ts";
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
  jobTakeoverMs: number;
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
    jobTakeoverMs: config.jobTakeoverMs,
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
  let runJob: (job: ClaimedJob) => Promise<void> = async () => undefined;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  // Jobs this process wrote run here at their due time, on no request's deadline; the poller
  // only takes over those whose process died (see PaymentSimulator.owned).
  const runSoon = (job: ClaimedJob) => {
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        void detached(() => runAs(`job ${job.kind}`, () => runJob(job))).catch(() => undefined);
      },
      Math.max(0, job.dueAt - Date.now()),
    );
    timers.add(timer);
  };
  const simulator = new PaymentSimulator({
    runSoon,
    takeoverMs: settings.jobTakeoverMs,
    store,
    publisher: SqsEventPublisher.forQueue(deps.sqs, queueNames(settings.stage).events),
    webhooks: new HttpWebhookSender(settings.webhookSecret, settings.webhookTimeoutMs),
    observer,
    scenarios: settings.scenarios,
    delivery: settings.delivery,
    traceparent: currentTraceparent,
  });
  runJob = (job) => simulator.runJob(job);
  return {
    simulator,
    observer,
    rpc: paymentRpc(simulator),
    /** Drops the jobs waiting for their time (their stored copies stay for a poller). */
    stopTimers: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
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
