/**
 * Builds the payment service from its configuration (`buildPayment`, which main.ts calls), and
 * its core from clients and settings (`paymentCore`, which the tests also use).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  type Attester,
  contextFromTraceparent,
  createDynamoClient,
  createService,
  createSqsClient,
  currentTraceparent,
  detached,
  dynamoCheck,
  inSpan,
  instrumentAws,
  type Logger,
  type Metrics,
  Outbox,
  type OutboxMessage,
  Poller,
  queueNames,
  queueUrl,
  runAs,
  SpanKind,
  sqsCheck,
  tableName,
} from "@tt/kit";
import { AttestedApprovals } from "./adapters/approval-signer.ts";
import { DynamoIntentStore } from "./adapters/intent-store.dynamo.ts";
import { webhookFollowUp } from "./adapters/outbox-items.ts";
import { PrometheusPaymentObserver } from "./adapters/payment-metrics.prom.ts";
import { HttpWebhookSender } from "./adapters/webhook-sender.http.ts";
import type { PaymentConfig } from "./config.ts";
import { type DeliverySettings, PaymentSimulator } from "./domain/payment-simulator.ts";
import type { ClaimedJob } from "./domain/ports.ts";
import type { ScenarioSettings } from "./domain/scenario.ts";
import { jobPass } from "./transport/job-pass.ts";
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
  /** Age at which the outbox sweep presumes a record's writer dead and publishes it. */
  outboxStaleMs: number;
}

/** Jobs claimed per poll. */
const JOB_BATCH = 25;

/** The settings part of the service config. */
export function paymentSettings(config: PaymentConfig): PaymentSettings {
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
    // The first of a rotation's "new,old" list signs; the gateway accepts either meanwhile.
    webhookSecret: config.webhookSecret.split(",")[0] as string,
    webhookTimeoutMs: config.webhookTimeoutMs,
    pollMs: config.pollMs,
    jobLeaseMs: config.jobLeaseMs,
    jobTakeoverMs: config.jobTakeoverMs,
    outboxStaleMs: config.outboxStaleMs,
  };
}

/**
 * The payment service: its clients (made from the config unless given, and then closed with it),
 * the core reporting into the service's metrics and signing approvals as the service, and the
 * Connect procedures over it. `start` listens, then runs the core's loops; `stop` drains the
 * listener, then the loops, then closes the clients.
 */
export async function buildPayment(deps: {
  config: PaymentConfig;
  dynamo?: DynamoDBClient;
  sqs?: SQSClient;
}) {
  const { config } = deps;
  const aws = { region: config.awsRegion };
  const dynamo = deps.dynamo ?? createDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
  const sqs = deps.sqs ?? createSqsClient({ ...aws, endpoint: config.sqsEndpoint });
  const service = createService({
    name: "payment",
    description: "Payment simulator",
    config,
    readiness: [dynamoCheck(dynamo), sqsCheck(sqs)],
  });
  instrumentAws(dynamo, service.metrics, "dynamodb");
  instrumentAws(sqs, service.metrics, "sqs");
  const core = await paymentCore({
    dynamo,
    sqs,
    settings: paymentSettings(config),
    log: service.log,
    metrics: service.metrics,
    attester: service.attester,
  });
  service.serveRpc(core.rpc);
  // Hooks run in order: the loops finish their work and the outbox its publishes before the
  // clients they use are closed.
  service.runs(core);
  if (!deps.dynamo) service.onShutdown(() => dynamo.destroy());
  if (!deps.sqs) service.onShutdown(() => sqs.destroy());
  return { ...service, core };
}

/**
 * Wires outbox, store, webhook sender and simulator; returns the Connect routes and the
 * background loops (`start` once the service listens, `stop` before its clients close).
 */
export async function paymentCore(deps: {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  settings: PaymentSettings;
  log: Logger;
  /** Where its counters go (the service's registry). */
  metrics: Metrics;
  /** Signs approvals into their events (the service's identity); absent, they go unsigned. */
  attester?: Attester;
}) {
  const { settings, log } = deps;
  const observer = new PrometheusPaymentObserver(deps.metrics);
  // Set once the simulator exists (nothing is published before); throwing keeps the record.
  let firstAttempt: PaymentSimulator["firstAttempt"] = () => Promise.reject(new Error("not built yet"));
  // A webhook's first attempt rides on its event's outbox record: posted once the event is on the
  // queue, before the record is deleted (PaymentSimulator.firstAttempt).
  const onSent = async (message: OutboxMessage) => {
    const hook = webhookFollowUp(message);
    if (!hook) return;
    const { url, event } = hook;
    const span = {
      kind: SpanKind.CONSUMER,
      parent: contextFromTraceparent(event.traceparent),
      attributes: { payment_intent_id: event.detail.paymentIntentId },
    };
    await inSpan("payment.webhook.first_attempt", span, () =>
      runAs("webhook first attempt", () => firstAttempt(url, event)),
    );
  };
  const outbox = new Outbox({
    onSent,
    ddb: deps.dynamo,
    sqs: deps.sqs,
    table: tableName(settings.stage, "payment-outbox"),
    queueUrl: queueUrl(deps.sqs, queueNames(settings.stage).events),
    log,
    metrics: observer,
    staleMs: settings.outboxStaleMs,
  });
  // Writers publish their own events at commit; this only catches what a dead writer left.
  const outboxSweep = new Poller(
    "outbox sweep",
    () => outbox.sweep(),
    { busyMs: 100, idleMs: settings.outboxStaleMs },
    log,
  );
  const store = new DynamoIntentStore(deps.dynamo, tableName(settings.stage, "payments"), outbox);
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
    webhooks: new HttpWebhookSender(settings.webhookSecret, settings.webhookTimeoutMs),
    observer,
    scenarios: settings.scenarios,
    delivery: settings.delivery,
    traceparent: currentTraceparent,
    ...(deps.attester ? { approvals: new AttestedApprovals(deps.attester) } : {}),
  });
  runJob = (job) => simulator.runJob(job);
  firstAttempt = (url, event) => simulator.firstAttempt(url, event);
  // A full batch polls again at once; otherwise every PAYMENT_POLL_MS (each poll queries every
  // job shard, so it does not back off).
  const jobPoller = new Poller(
    "job poller",
    jobPass({
      claim: (now, leaseMs, limit) => store.claimDue(now, leaseMs, limit),
      run: (job) => simulator.runJob(job),
      log,
      leaseMs: settings.jobLeaseMs,
      batch: JOB_BATCH,
    }),
    { busyMs: 0, idleMs: settings.pollMs, backoff: false },
    log,
  );
  return {
    simulator,
    rpc: paymentRpc(simulator),
    /** Starts the job poller and the outbox sweep; call once the service listens. */
    start(): void {
      jobPoller.start();
      outboxSweep.start();
    },
    /**
     * Stops both loops (finishing the passes in hand), drops the jobs waiting for their time
     * (their stored copies stay for another process) and waits for the events being published.
     * Call before the AWS clients are closed.
     */
    async stop(): Promise<void> {
      await Promise.all([jobPoller.stop(), outboxSweep.stop()]);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await outbox.drain();
    },
  };
}
