import { baseFields, env, redisFields, upstreamFields } from "@tt/kit";

/** Every environment variable the gateway reads (validated once at start). */
export function gatewayFields() {
  return {
    ...baseFields(8000),
    ...redisFields(),
    ...upstreamFields(),
    // --- waiting room -------------------------------------------------------------------
    /** Default admissions per second per event (live-changeable through the admin API). */
    queueAdmitRate: env.int("QUEUE_ADMIT_RATE", 50, { min: 0, max: 100_000 }),
    /** Default cap on admitted-but-unfinished buyers per event. */
    queueAdmitCap: env.int("QUEUE_ADMIT_CAP", 1000, { min: 1, max: 1_000_000 }),
    /** A waiter with no heartbeat (status call or live WebSocket) for this long is dropped. */
    queueHeartbeatTimeoutSec: env.int("QUEUE_HEARTBEAT_TIMEOUT_SEC", 300, { min: 5, max: 3600 }),
    /** How often the admission ticker runs. */
    queueTickMs: env.int("QUEUE_TICK_MS", 250, { min: 20, max: 10_000 }),
    /** Lifetime of a reservation token handed out by enter. */
    reservationTokenTtlSec: env.int("RESERVATION_TOKEN_TTL_SEC", 30, { min: 1, max: 600 }),
  };
}
