import {
  awsFields,
  baseFields,
  type ConfigOf,
  configSchema,
  DEFAULT_SEATS_PER_RESERVATION,
  DEV_RESERVATION_TOKEN_SECRET,
  env,
  identityCheck,
  MAX_SEATS_PER_RESERVATION,
  outboxFields,
  upstreamFields,
} from "@tt/kit";

/** Every environment variable the reservation service reads. */
export function reservationFields() {
  return {
    ...baseFields(8010),
    ...awsFields(),
    ...upstreamFields(),
    ...outboxFields(),
    // Inventory refuses holds longer than 15 minutes, and the SQS timer delays at most that long.
    holdSeconds: env.int("HOLD_SECONDS", 60, { min: 1, max: 900 }),
    // The same variable and bounds as inventory's (kit/src/limits.ts).
    maxSeats: env.int("MAX_SEATS_PER_RESERVATION", DEFAULT_SEATS_PER_RESERVATION, {
      min: 1,
      max: MAX_SEATS_PER_RESERVATION,
    }),
    // The purchase policy of an event whose operator set none (docs/spec.md, "Purchase policy").
    maxLiveReservations: env.int("PURCHASE_MAX_LIVE_RESERVATIONS", 1, { min: 1, max: 10 }),
    // Unset: one reservation's worth (MAX_SEATS_PER_RESERVATION), so the cap never refuses a
    // buyer's first hold, only a second one on top of it.
    maxSeatsPerUser: env.optionalInt("PURCHASE_MAX_SEATS_PER_USER", { min: 1, max: 1000 }),
    // How long an event's policy read from inventory is reused: a change reaches holds within it.
    policyCacheMs: env.int("PURCHASE_POLICY_CACHE_MS", 1000, { min: 0, max: 60_000 }),
    // Verifies the waiting room's reservation tokens: the same secret as the gateway's.
    reservationTokenSecret: env.secret("RESERVATION_TOKEN_SECRET", DEV_RESERVATION_TOKEN_SECRET),
    // An upper bound: a call never gets more than its caller's remaining budget (kit deadline.ts).
    // 250 ms turned a contended hold on a busy store into a timeout, a breaker trip and a ghost.
    inventoryTimeoutMs: env.int("INVENTORY_TIMEOUT_MS", 1500, { min: 10, max: 30_000 }),
    paymentTimeoutMs: env.int("PAYMENT_TIMEOUT_MS", 1000, { min: 10, max: 30_000 }),
    expiryTimer: env.oneOf("EXPIRY_TIMER", ["sqs", "scheduler"] as const, "sqs"),
    eventsQueueUrl: env.optionalUrl("EVENTS_QUEUE_URL"),
    eventsQueueArn: env.optional("EVENTS_QUEUE_ARN"),
    schedulerRoleArn: env.optional("SCHEDULER_ROLE_ARN"),
    schedulerGroup: env.string("SCHEDULER_GROUP", "default"),
    sweepIntervalMs: env.int("SWEEP_INTERVAL_MS", 10_000, { min: 100, max: 600_000 }),
    sweepGraceMs: env.int("SWEEP_GRACE_MS", 5_000, { min: 0, max: 600_000 }),
  };
}

/** The reservation service's typed configuration. */
export type ReservationConfig = ConfigOf<ReturnType<typeof reservationFields>>;

/** The secret reservation tokens are verified with (required in production, env.secret). */
export const tokenSecretOf = (config: ReservationConfig) => config.reservationTokenSecret;

/** The reservation service's configuration schema: its fields and the rules across them. */
export const reservationConfig = configSchema("reservation", reservationFields(), [
  identityCheck("reservation"),
  // The Scheduler timer needs its ARNs.
  (config: ReservationConfig) =>
    config.expiryTimer !== "scheduler"
      ? []
      : [
          config.eventsQueueArn ? undefined : "EVENTS_QUEUE_ARN is required when EXPIRY_TIMER=scheduler",
          config.schedulerRoleArn ? undefined : "SCHEDULER_ROLE_ARN is required when EXPIRY_TIMER=scheduler",
        ].filter((p): p is string => p !== undefined),
]);
