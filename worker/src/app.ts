/**
 * Builds the worker service from its configuration (`buildWorker`, which main.ts calls), and its
 * consumer from clients and settings (`workerCore`, which the tests also use).
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DescService } from "@bufbuild/protobuf";
import { payment, reservation } from "@tt/contracts";
import {
  type Credentials,
  createRedis,
  createService,
  createServiceClient,
  createSqsClient,
  DeadLetters,
  instrumentAws,
  instrumentRedis,
  type Logger,
  type Metrics,
  Poller,
  queueNames,
  queueUrl,
  SaleTally,
  sqsCheck,
} from "@tt/kit";
import type Redis from "ioredis";
import { RedisBuyers } from "./adapters/buyers.redis.ts";
import { SqsEventQueue } from "./adapters/event-queue.sqs.ts";
import { ConnectPayments } from "./adapters/payments.connect.ts";
import { ConnectReservations } from "./adapters/reservations.connect.ts";
import { RedisSaleOrders } from "./adapters/sale-orders.redis.ts";
import { PrometheusWorkerObserver } from "./adapters/worker-metrics.prom.ts";
import type { WorkerConfig } from "./config.ts";
import { EventHandler } from "./domain/event-handler.ts";
import { QueueConsumer } from "./transport/consumer.ts";

const MONEY = new Set(["payment.approved", "payment.failed", "payment.refunded"]);

/**
 * The worker service: its clients (made from the config unless given, and then closed with it),
 * the consumer, and the kit's listener for health and metrics. `start` listens, then consumes;
 * `stop` drains the listener, finishes the events in hand, then closes the clients.
 */
export async function buildWorker(deps: { config: WorkerConfig; sqs?: SQSClient; redis?: Redis }) {
  const { config } = deps;
  // The long poll outlives the client's default 2 s deadline; give it the wait plus a margin.
  const sqs =
    deps.sqs ??
    createSqsClient({
      region: config.awsRegion,
      endpoint: config.sqsEndpoint,
      requestTimeoutMs: (config.waitSeconds + 5) * 1000,
    });
  const service = createService({
    name: "worker",
    description: "Event-queue consumer",
    config,
    readiness: [sqsCheck(sqs)],
  });
  instrumentAws(sqs, service.metrics, "sqs");
  const redis = deps.redis ?? createRedis(config.redisUrl, service.log, { cluster: config.redisCluster });
  instrumentRedis(redis, service.metrics);
  const core = await workerCore({
    sqs,
    redis,
    config,
    metrics: service.metrics,
    log: service.log,
    credentials: service.credentials,
  });
  // Hooks run in order, after the HTTP listener has drained: finish in-flight events, then close SQS.
  service.runs(core);
  if (!deps.sqs) service.onShutdown(() => sqs.destroy());
  if (!deps.redis) service.onShutdown(() => redis.quit());
  return { ...service, core };
}

/** Wires queue, upstream clients, handler and consumer; `start`/`stop` run the consumer and the depth sampler. */
export async function workerCore(deps: {
  sqs: SQSClient;
  /**
   * Where buyers are told their outcomes and confirmed orders are counted; none: nobody is told
   * (they can still look) and orders are not counted.
   */
  redis?: Redis;
  config: WorkerConfig;
  metrics: Metrics;
  log: Logger;
  /** Signs the worker's calls to reservation and payment (`service.credentials`). */
  credentials: Credentials;
}) {
  const { config, metrics, log } = deps;
  const queue = SqsEventQueue.open(deps.sqs, queueNames(config.stage));
  // Both upstreams through the kit client (deadline, retries of idempotent calls, breaker), signed
  // as the worker and with the same deadline.
  const upstream = <S extends DescService>(service: S, name: string, baseUrl: string) =>
    createServiceClient(service, {
      name,
      baseUrl,
      timeoutMs: config.upstreamTimeoutMs,
      credentials: deps.credentials,
      metrics,
    });
  const handler = new EventHandler(
    new ConnectReservations(upstream(reservation.ReservationService, "reservation", config.reservationUrl)),
    new ConnectPayments(upstream(payment.PaymentService, "payment", config.paymentUrl)),
    Date.now,
    deps.redis ? new RedisBuyers(deps.redis, log) : undefined,
    undefined,
    // The set in Redis is the event-wide figure; this process's tally only feeds Prometheus.
    deps.redis ? new RedisSaleOrders(deps.redis, new SaleTally(metrics)) : undefined,
  );
  const observer = new PrometheusWorkerObserver(metrics);
  const consumer = new QueueConsumer(queue, (event) => handler.handle(event), config, observer, log);
  const names = queueNames(config.stage);
  const deadLetters = new DeadLetters(
    deps.sqs,
    queueUrl(deps.sqs, names.events),
    queueUrl(deps.sqs, names.eventsDlq),
  );
  // Money is never parked: a payment outcome that dead-lettered (reservation or payment down for
  // longer than the consumer's retries) is tried again later, when its handler can confirm or
  // refund it. Other dead letters wait for an operator (`bun run --cwd worker dlq`).
  const redrive = new Poller(
    "redrive money",
    async () => {
      const { moved, left } = await deadLetters.redrive((l) => MONEY.has(l.type), config.maxRedrives);
      if (moved > 0) log.warn("payment events moved back from the dead-letter queue", { moved });
      const stuck = left.filter((l) => MONEY.has(l.type));
      if (stuck.length > 0)
        log.error("payment events failed every redrive; an operator must look", {
          messages: stuck.map((l) => `${l.type} ${l.about}`),
        });
      return 0; // One pass per period, whatever it found.
    },
    { busyMs: config.redriveMoneyMs, idleMs: config.redriveMoneyMs },
    log,
  );
  let sampler: ReturnType<typeof setInterval> | undefined;
  return {
    consumer,
    deadLetters,
    start() {
      consumer.start();
      if (config.redriveMoneyMs > 0) redrive.start();
      const sample = () =>
        void observer.sample(queue).catch((err: unknown) => log.debug("queue depth unavailable", { err }));
      sample();
      sampler = setInterval(sample, config.queueStatsMs);
    },
    async stop() {
      clearInterval(sampler);
      await redrive.stop();
      await consumer.stop();
    },
  };
}
