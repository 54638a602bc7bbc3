/** The worker's environment: kit fields plus the consumer's tuning. */
import {
  awsFields,
  baseFields,
  type ConfigOf,
  configSchema,
  EVENTS_QUEUE,
  env,
  identityCheck,
  redisFields,
  upstreamFields,
} from "@tt/kit";

/** Fields the worker reads at start. */
export function workerFields() {
  return {
    ...baseFields(8040),
    ...awsFields(),
    ...upstreamFields(),
    // Where buyers are told how their purchase ended (the gateway's Redis).
    ...redisFields(),
    concurrency: env.int("WORKER_CONCURRENCY", 32, { min: 1, max: 256 }),
    waitSeconds: env.int("WORKER_WAIT_SECONDS", 20, { min: 0, max: 20 }),
    // The queue's own timeout by default: how soon a killed worker's messages are taken over.
    visibilitySeconds: env.int("WORKER_VISIBILITY_TIMEOUT_SEC", EVENTS_QUEUE.visibilityTimeoutSeconds, {
      min: 1,
      max: 43_200,
    }),
    retryBaseSeconds: env.int("WORKER_RETRY_BASE_SEC", 2, { min: 0, max: 900 }),
    retryMaxSeconds: env.int("WORKER_RETRY_MAX_SEC", 60, { min: 0, max: 43_200 }),
    maxReceives: env.int("WORKER_MAX_RECEIVES", 5, { min: 1, max: 1000 }),
    upstreamTimeoutMs: env.int("WORKER_UPSTREAM_TIMEOUT_MS", 5000, { min: 100, max: 60_000 }),
    queueStatsMs: env.int("WORKER_QUEUE_STATS_MS", 10_000, { min: 100, max: 600_000 }),
    /** How often payment events that dead-lettered are moved back to be tried again (0: never). */
    redriveMoneyMs: env.int("WORKER_REDRIVE_MONEY_MS", 60_000, { min: 0, max: 86_400_000 }),
    /** Moves of one message after which it is left in the DLQ for an operator. */
    maxRedrives: env.int("WORKER_MAX_REDRIVES", 10, { min: 0, max: 1000 }),
  };
}

/** The worker's configuration schema: its fields and its service key in production. */
export const workerConfig = configSchema("worker", workerFields(), [identityCheck("worker")]);

/** The worker's typed configuration. */
export type WorkerConfig = ConfigOf<(typeof workerConfig)["fields"]>;
