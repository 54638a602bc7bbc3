/** The payment service's environment: kit fields plus the simulator's timings and webhook settings. */
import { awsFields, baseFields, env, readConfig } from "@tt/kit";

/** Fields the payment service reads at start. */
export function paymentFields() {
  return {
    ...baseFields(8030),
    ...awsFields(),
    approveDelayMs: env.int("PAYMENT_APPROVE_DELAY_MS", 1000, { min: 0, max: 600_000 }),
    slowDelayMs: env.int("PAYMENT_DELAY_MS", 10_000, { min: 0, max: 3_600_000 }),
    randomApprovePercent: env.int("PAYMENT_RANDOM_APPROVE_PERCENT", 80, { min: 0, max: 100 }),
    webhookSecret: env.optional("PAYMENT_WEBHOOK_SECRET"),
    webhookTimeoutMs: env.int("PAYMENT_WEBHOOK_TIMEOUT_MS", 3000, { min: 100, max: 60_000 }),
    webhookMaxAttempts: env.int("PAYMENT_WEBHOOK_MAX_ATTEMPTS", 8, { min: 1, max: 50 }),
    retryBaseMs: env.int("PAYMENT_RETRY_BASE_MS", 1000, { min: 10, max: 600_000 }),
    retryMaxMs: env.int("PAYMENT_RETRY_MAX_MS", 60_000, { min: 10, max: 3_600_000 }),
    // Jobs run in the process that wrote them, at their due time; the poller is the backstop for
    // a process that died, so it can poll slowly (16 queries a pass): 200 ms cost 18 requests/s idle.
    pollMs: env.int("PAYMENT_POLL_MS", 2000, { min: 10, max: 60_000 }),
    // Outcome events are published by their writer at commit; the sweep only catches what a dead
    // writer left behind, once it is this old (the same setting as reservation's).
    outboxStaleMs: env.int("OUTBOX_STALE_MS", 5000, { min: 100, max: 600_000 }),
    jobTakeoverMs: env.int("PAYMENT_JOB_TAKEOVER_MS", 10_000, { min: 0, max: 3_600_000 }),
    jobLeaseMs: env.int("PAYMENT_JOB_LEASE_MS", 30_000, { min: 100, max: 3_600_000 }),
  };
}

/** A well-known secret outside production, so the local stack's gateway verifies out of the box. */
export const DEV_WEBHOOK_SECRET = "tt-dev-webhook-secret";

/** Reads the config (exiting with a message when invalid) and settles the webhook secret. */
export function readPaymentConfig() {
  const config = readConfig("payment", paymentFields());
  if (!config.webhookSecret && config.appEnv === "production") {
    process.stderr.write(
      "payment: Invalid configuration:\n  PAYMENT_WEBHOOK_SECRET is required in production\n",
    );
    process.exit(1);
  }
  return { ...config, webhookSecret: config.webhookSecret ?? DEV_WEBHOOK_SECRET };
}
