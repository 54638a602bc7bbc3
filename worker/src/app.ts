/**
 * Builds the worker from its clients and settings. main.ts and the tests assemble it the same
 * way through here.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type ConfigOf, type Logger, type Metrics, queueNames } from "@tt/kit";
import type Redis from "ioredis";
import { RedisBuyers } from "./adapters/buyers.redis.ts";
import { SqsEventQueue } from "./adapters/event-queue.sqs.ts";
import { ConnectPayments } from "./adapters/payments.connect.ts";
import { ConnectReservations } from "./adapters/reservations.connect.ts";
import { PrometheusWorkerObserver } from "./adapters/worker-metrics.prom.ts";
import type { workerFields } from "./config.ts";
import { EventHandler } from "./domain/event-handler.ts";
import { QueueConsumer } from "./transport/consumer.ts";

/** The worker's config as read from the environment. */
export type WorkerConfig = ConfigOf<ReturnType<typeof workerFields>>;

/** Wires queue, upstream clients, handler and consumer; `start`/`stop` run the consumer and the depth sampler. */
export async function buildWorker(deps: {
  sqs: SQSClient;
  /** Where buyers are told their outcomes; none: nobody is told (they can still look). */
  redis?: Redis;
  config: WorkerConfig;
  metrics: Metrics;
  log: Logger;
}) {
  const { config, metrics, log } = deps;
  const queue = SqsEventQueue.open(deps.sqs, queueNames(config.stage));
  const handler = new EventHandler(
    new ConnectReservations(config.reservationUrl, config.upstreamTimeoutMs, metrics),
    new ConnectPayments(config.paymentUrl, config.upstreamTimeoutMs, metrics),
    Date.now,
    deps.redis ? new RedisBuyers(deps.redis, log) : undefined,
  );
  const observer = new PrometheusWorkerObserver(metrics);
  const consumer = new QueueConsumer(queue, (event) => handler.handle(event), config, observer, log);
  let sampler: ReturnType<typeof setInterval> | undefined;
  return {
    consumer,
    start() {
      consumer.start();
      const sample = () =>
        void observer.sample(queue).catch((err: unknown) => log.debug("queue depth unavailable", { err }));
      sample();
      sampler = setInterval(sample, config.queueStatsMs);
    },
    async stop() {
      clearInterval(sampler);
      await consumer.stop();
    },
  };
}
