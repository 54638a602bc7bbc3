/** The payment service's environment: kit fields plus the simulator's timings and webhook settings. */
import {
  awsFields,
  baseFields,
  type ConfigOf,
  configSchema,
  DEV_WEBHOOK_SECRET,
  env,
  identityCheck,
  outboxFields,
} from "@tt/kit";

/** Fields the payment service reads at start. */
export function paymentFields() {
  return {
    ...baseFields(8030),
    ...awsFields(),
    ...outboxFields(),
    approveDelayMs: env.int("PAYMENT_APPROVE_DELAY_MS", 1000, { min: 0, max: 600_000 }),
    slowDelayMs: env.int("PAYMENT_DELAY_MS", 10_000, { min: 0, max: 3_600_000 }),
    randomApprovePercent: env.int("PAYMENT_RANDOM_APPROVE_PERCENT", 80, { min: 0, max: 100 }),
    // Signs outcome webhooks (the first of a comma-separated list while rotating).
    webhookSecret: env.secret("PAYMENT_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET),
    webhookTimeoutMs: env.int("PAYMENT_WEBHOOK_TIMEOUT_MS", 3000, { min: 100, max: 60_000 }),
    webhookMaxAttempts: env.int("PAYMENT_WEBHOOK_MAX_ATTEMPTS", 8, { min: 1, max: 50 }),
    retryBaseMs: env.int("PAYMENT_RETRY_BASE_MS", 1000, { min: 10, max: 600_000 }),
    retryMaxMs: env.int("PAYMENT_RETRY_MAX_MS", 60_000, { min: 10, max: 3_600_000 }),
    // Jobs run in the process that wrote them, at their due time; the poller is the backstop for
    // a process that died, so it can poll slowly (16 queries a pass): 200 ms cost 18 requests/s idle.
    pollMs: env.int("PAYMENT_POLL_MS", 2000, { min: 10, max: 60_000 }),
    jobTakeoverMs: env.int("PAYMENT_JOB_TAKEOVER_MS", 10_000, { min: 0, max: 3_600_000 }),
    jobLeaseMs: env.int("PAYMENT_JOB_LEASE_MS", 30_000, { min: 100, max: 3_600_000 }),
  };
}

/**
 * A webhook's first attempt runs before its event's outbox record is deleted (the record is what
 * makes it durable), so an attempt must end before the sweep would take the record for abandoned:
 * otherwise a slow receiver gets every event twice, and the queue too.
 */
function firstAttemptWithinOutbox(config: { webhookTimeoutMs: number; outboxStaleMs: number }): string[] {
  if (config.webhookTimeoutMs < config.outboxStaleMs) return [];
  return [
    `PAYMENT_WEBHOOK_TIMEOUT_MS (${config.webhookTimeoutMs}) must be below OUTBOX_STALE_MS (${config.outboxStaleMs}): a webhook's first attempt holds its event's outbox record`,
  ];
}

/** The payment service's configuration schema: its fields, its service keys in production, and the rule above. */
export const paymentConfig = configSchema("payment", paymentFields(), [
  identityCheck("payment"),
  firstAttemptWithinOutbox,
]);

/** The payment service's typed configuration. */
export type PaymentConfig = ConfigOf<(typeof paymentConfig)["fields"]>;
