import {
  baseFields,
  type ConfigOf,
  configSchema,
  DEV_RESERVATION_TOKEN_SECRET,
  DEV_WEBHOOK_SECRET,
  env,
  identityCheck,
  productionLike,
  redisFields,
  upstreamFields,
} from "@tt/kit";

/** Every environment variable the gateway reads (validated once at start). */
export function gatewayFields() {
  return {
    ...baseFields(8000),
    ...redisFields(),
    ...upstreamFields(),
    ...edgeFields(),
    // --- waiting room -------------------------------------------------------------------
    /** Default admissions per second per event (live-changeable through the admin API). */
    queueAdmitRate: env.int("QUEUE_ADMIT_RATE", 50, { min: 0, max: 100_000 }),
    /** Default cap on admitted-but-unfinished buyers per event. */
    queueAdmitCap: env.int("QUEUE_ADMIT_CAP", 1000, { min: 1, max: 1_000_000 }),
    /** A waiter with no heartbeat (status call or live WebSocket) for this long is dropped. */
    queueHeartbeatTimeoutSec: env.int("QUEUE_HEARTBEAT_TIMEOUT_SEC", 300, { min: 5, max: 3600 }),
    /** How often the admission ticker runs. */
    queueTickMs: env.int("QUEUE_TICK_MS", 250, { min: 20, max: 10_000 }),
    /** Least time between two position frames to one WebSocket (0: a frame per queue move). */
    queuePositionPushMs: env.int("QUEUE_POSITION_PUSH_MS", 1000, { min: 0, max: 60_000 }),
    /**
     * How often the leader of an event's admission reads its seat counts from inventory, which tell
     * the line when the event is sold out (docs/spec.md, "Sold out"); 0: never (always on sale).
     */
    queueStockEveryMs: env.int("QUEUE_STOCK_EVERY_MS", 500, { min: 0, max: 60_000 }),
    /**
     * Self-tuning admission (an event's `admission: "auto"`, domain/queue/governor.ts) calls the back end
     * full when more than 5 % of holds are slower than this (hold p95 over it). It seeks orders,
     * not the latency SLO: 500 ms is about where the edge's line to reservation is full
     * (UPSTREAM_TARGET_MS and two waiting calls per call let through), the point where shedding
     * starts too; 120 keeps holds inside the SLO at the cost of orders. Best a bucket bound of the
     * request-latency histogram (…, 120, 250, 500, 1000 ms).
     */
    queueAutoTargetMs: env.int("QUEUE_AUTO_TARGET_MS", 500, { min: 1, max: 60_000 }),
    /** Self-tuning admission calls the back end full when more than this % of purchase answers are shed (503 OVERLOADED). */
    queueAutoShedPct: env.int("QUEUE_AUTO_SHED_PCT", 5, { min: 0, max: 100 }),
    /** Whether this replica competes for admission-ticker leases (off: serve requests only). */
    queueTickerEnabled: env.bool("QUEUE_TICKER_ENABLED", true),
    /**
     * How long a join challenge may be solved and used (docs/spec.md, "Bot protection"). Long
     * enough for a slow phone at a high difficulty; its spent nonce is kept that long.
     */
    queueChallengeTtlSec: env.int("QUEUE_CHALLENGE_TTL_SEC", 120, { min: 10, max: 3600 }),
    /** Lifetime of a reservation token handed out by enter. */
    reservationTokenTtlSec: env.int("RESERVATION_TOKEN_TTL_SEC", 30, { min: 1, max: 600 }),
    /**
     * Most live anonymous places per client address per event (only with rate limiting on, like
     * the socket caps); 0: no cap. Generous: a carrier's NAT puts many buyers behind one address.
     */
    queueMaxPlacesPerClient: env.int("QUEUE_MAX_PLACES_PER_CLIENT", 10, { min: 0, max: 1_000_000 }),
    /** Signs reservation tokens; every gateway replica needs the same one (required in production). */
    reservationTokenSecret: env.secret("RESERVATION_TOKEN_SECRET", DEV_RESERVATION_TOKEN_SECRET),
    // --- calls to the services behind the gateway -------------------------------------------
    /** Deadline of calls to inventory (events, availability). */
    inventoryTimeoutMs: env.int("INVENTORY_TIMEOUT_MS", 500, { min: 10, max: 30_000 }),
    /** Deadline of calls to reservation (create and confirm reach inventory and payment behind it). */
    reservationTimeoutMs: env.int("RESERVATION_TIMEOUT_MS", 2000, { min: 10, max: 60_000 }),
    /**
     * Deadline of calls to payment: the same budget as a hold's. At 1 s, a busy store turned
     * payment intents into timeouts and then a breaker's 503s (1,800 in a 50/s drop).
     */
    paymentTimeoutMs: env.int("PAYMENT_TIMEOUT_MS", 2000, { min: 10, max: 30_000 }),
    /**
     * Overload at the edge (kit bulkhead.ts): the calls let through to reservation and payment
     * follow their latency — fewer while answers take longer than this — with a line of two
     * waiting calls per call let through; beyond it a call is refused at once (503 OVERLOADED,
     * Retry-After).
     */
    upstreamTargetMs: env.int("UPSTREAM_TARGET_MS", 200, { min: 10, max: 60_000 }),
    /**
     * Origins (comma-separated, e.g. `https://tickets.example`) whose pages may open the live
     * queue besides the gateway's own; a browser socket from any other is refused (403).
     */
    wsAllowedOrigins: env.string("WS_ALLOWED_ORIGINS", ""),
    /**
     * Live-queue sockets open at once per waiting token and per client address (0: no cap; the
     * per-address cap applies only with rate limiting on, which is what knows the address).
     * A buyer has one page open; a few allow a reconnect that overlaps the old socket.
     */
    wsMaxPerToken: env.int("WS_MAX_PER_TOKEN", 3, { min: 0, max: 1000 }),
    wsMaxPerClient: env.int("WS_MAX_PER_CLIENT", 500, { min: 0, max: 1_000_000 }),
    /**
     * Live-queue upgrades per second per client address, and their burst (0: no limit; only with
     * rate limiting on). A page opens one socket and reconnects now and then; many buyers may share
     * an address behind a NAT, hence the burst.
     */
    wsUpgradeRatePerSec: env.int("WS_UPGRADE_RATE_PER_SEC", 10, { min: 0, max: 1_000_000 }),
    wsUpgradeBurst: env.int("WS_UPGRADE_BURST", 50, { min: 1, max: 1_000_000 }),
    /**
     * How long the gateway reuses an event's availability answer. Every buyer picks seats from it:
     * at 500 ms (plus inventory's own 500 ms) a 50/s drop lost 5,200 seat races, at 100 + 100 ms
     * 4,000, and half as many buyers gave up after losing every try.
     */
    availabilityCacheMs: env.int("AVAILABILITY_CACHE_MS", 100, { min: 0, max: 60_000 }),
    // --- payments --------------------------------------------------------------------------
    /** Where the payment simulator posts signed outcomes (this gateway's webhook route); unset for none. */
    paymentWebhookUrl: env.optionalUrl("PAYMENT_WEBHOOK_URL"),
    /** HMAC secret shared with the payment simulator (comma-separated while rotating; required in production). */
    paymentWebhookSecret: env.secret("PAYMENT_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET),
    /** How long an admitted buyer counts against the cap unless they leave first. */
    queueAdmittedTtlSec: env.int("QUEUE_ADMITTED_TTL_SEC", 600, { min: 10, max: 86_400 }),
  };
}

/** The gateway's validated configuration. */
export type GatewayConfig = ConfigOf<ReturnType<typeof gatewayFields>>;

/**
 * The gateway's configuration schema: its fields, and what production needs besides them — a
 * JWKS source (no dev issuer there) and its service keys.
 */
export const gatewayConfig = configSchema("gateway", gatewayFields(), [
  identityCheck("gateway"),
  (config: GatewayConfig) =>
    productionLike(config.appEnv) && !config.jwksUrl && !config.jwksFile
      ? [`JWKS_URL or JWKS_FILE is required when APP_ENV=${config.appEnv}`]
      : [],
  (config: ConfigOf<ReturnType<typeof gatewayFields>>) =>
    config.appEnv === "production" && config.loadTestJwks
      ? ["LOADTEST_JWKS is refused when APP_ENV=production (staging only)"]
      : [],
]);

/**
 * Auth, rate-limit and idempotency settings: the guards in front of every route. Production
 * needs JWKS_URL or JWKS_FILE (`gatewayConfig`, and again when auth is built, auth-setup.ts).
 */
export function edgeFields() {
  return {
    // --- authentication -------------------------------------------------------------------
    /** Remote JWKS of the identity provider; fetched lazily, cached and refreshed by jose. */
    jwksUrl: env.optionalUrl("JWKS_URL"),
    /** A local JWK Set file (e.g. a mounted secret), used instead of a remote URL. */
    jwksFile: env.optional("JWKS_FILE"),
    /**
     * A load-test identity's public keys (a JWK Set as JSON), trusted beside the provider's on a
     * staging stage so the drop runs against AWS with real JWTs; refused with APP_ENV=production.
     */
    loadTestJwks: env.optional("LOADTEST_JWKS"),
    /** A fetched JWKS is re-read after this long even when every `kid` is known. */
    jwksCacheMaxAgeSec: env.int("JWKS_CACHE_MAX_AGE_SEC", 600, { min: 10, max: 86_400 }),
    /** Minimum gap between refetches triggered by an unknown `kid` (a flood of forged kids cannot hammer the IdP). */
    jwksCooldownSec: env.int("JWKS_COOLDOWN_SEC", 30, { min: 1, max: 3600 }),
    /** Deadline of one JWKS fetch. */
    jwksTimeoutMs: env.int("JWKS_TIMEOUT_MS", 2000, { min: 100, max: 30_000 }),
    /** Required `iss`; the dev issuer signs with it too. */
    jwtIssuer: env.string("JWT_ISSUER", "traffic-tacos-local"),
    /** Required `aud`; the dev issuer signs with it too. */
    jwtAudience: env.string("JWT_AUDIENCE", "traffic-tacos-gateway"),
    /** Slack for `exp`/`nbf` between our clock and the issuer's. */
    jwtClockToleranceSec: env.int("JWT_CLOCK_TOLERANCE_SEC", 5, { min: 0, max: 300 }),
    /** Verified tokens kept in memory (least recently used dropped first). */
    authCacheMaxEntries: env.int("AUTH_CACHE_MAX_ENTRIES", 50_000, { min: 0, max: 10_000_000 }),
    /** Lifetime of tokens from the dev login (outside production only). */
    devTokenTtlSec: env.int("DEV_TOKEN_TTL_SEC", 3600, { min: 10, max: 7 * 86_400 }),
    // --- rate limits ----------------------------------------------------------------------
    /** Off only for benchmarks that must measure the routes without the limiter. */
    rateLimitEnabled: env.bool("RATE_LIMIT_ENABLED", true),
    /** Default sustained rate per client IP and per user. */
    rateLimitPerSec: env.int("RATE_LIMIT_PER_SEC", 50, { min: 1, max: 1_000_000 }),
    /** Default bucket size: requests allowed at once after a quiet spell. */
    rateLimitBurst: env.int("RATE_LIMIT_BURST", 100, { min: 1, max: 1_000_000 }),
    /** Take the client IP from X-Forwarded-For (only behind a proxy that appends to it, e.g. the ALB). */
    trustProxy: env.bool("TRUST_PROXY", false),
    /** How many proxies in front append to X-Forwarded-For; the client is that many hops from the right. */
    trustProxyHops: env.int("TRUST_PROXY_HOPS", 1, { min: 1, max: 10 }),
  };
}
