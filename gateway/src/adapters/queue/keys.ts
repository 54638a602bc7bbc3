/**
 * The one key builder of the waiting room. Every key of an event shares the hash tag `{<event>}`
 * so that each multi-key script runs on one ElastiCache cluster shard (docs/architecture.md,
 * "Redis keys and hash tags").
 */
export function queueKeys(eventId: string) {
  const p = `tt:q:{${eventId}}`;
  return {
    /** Arrival counter: INCR gives each new waiter its place in line. */
    seq: `${p}:seq`,
    /** Waiting line: token → arrival number. */
    wait: `${p}:wait`,
    /** Last sign of life of each waiter: token → epoch ms (the ticker writes a newcomer's first: its join time). */
    heartbeat: `${p}:hb`,
    /** Token records: token → "seq|status|joined_ms|admitted_ms|user" (user last: an id may hold "|"). */
    tokens: `${p}:tok`,
    /** Join dedupe per Idempotency-Key: key → token. */
    byIdemKey: `${p}:ik`,
    /** Join dedupe per signed-in user: user → token. */
    byUser: `${p}:usr`,
    /** Admitted and not yet finished: token → admitted at (ms); bounded by the cap. */
    admitted: `${p}:adm`,
    /** Recent admissions for the observed rate: "<ms>:<n>" scored by ms. */
    window: `${p}:win`,
    /** Settings and ticker state: rate, cap, paused, credit, last, obs_rate, served. */
    config: `${p}:cfg`,
    /** Queue moves for the live WebSocket fan-out. */
    moves: `${p}:moves`,
    /** Lease naming the one gateway process that runs this event's admission ticker. */
    lease: `${p}:lease`,
    /** Join challenges spent: nonce → expires at (ms), so none is used twice (join-n.lua). */
    spentChallenges: `${p}:pow`,
    /** What inventory last said of the event, for joins while it is away (event-copy.redis.ts). */
    event: `${p}:event`,
  };
}

/**
 * The one live reservation token of a buyer for an event: its id (jti), written by enter (a new
 * enter replaces it) and read by the hold route; it expires with the token.
 */
export function currentPassKey(eventId: string, userId: string): string {
  return `tt:q:{${eventId}}:pass:${userId}`;
}

/** Anonymous places taken from one client address: zset token → joined ms (QUEUE_MAX_PLACES_PER_CLIENT). */
export function clientPlacesKey(eventId: string, clientIp: string): string {
  return `tt:q:{${eventId}}:ipp:${clientIp}`;
}

/** The set of events with a live waiting room; read by every gateway's ticker loop. */
export const ACTIVE_EVENTS_KEY = "tt:q:active";

/** Keys of one event's waiting room. */
export type QueueKeys = ReturnType<typeof queueKeys>;
