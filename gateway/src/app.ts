import {
  createRedis,
  createService,
  duplicateRedis,
  instrumentRedis,
  type Logger,
  type Metrics,
  redisCheck,
  SaleTally,
  upstreamCheck,
} from "@tt/kit";
import type Redis from "ioredis";
import { EntryPasses } from "./adapters/queue/entry-passes.redis.ts";
import { LiveQueue } from "./adapters/queue/live-queue.redis.ts";
import { PurchaseWatch } from "./adapters/queue/purchase-watch.redis.ts";
import { WaitingRoom } from "./adapters/queue/waiting-room.redis.ts";
import { createUpstreams } from "./adapters/upstream/clients.connect.ts";
import { withEventCopy } from "./adapters/upstream/event-copy.redis.ts";
import {
  CachedEventDirectory,
  type EventDirectory,
  inventoryEventLookup,
} from "./adapters/upstream/event-directory.connect.ts";
import { HoldFactsCache } from "./adapters/upstream/hold-facts.redis.ts";
import { inventoryQueueSettings } from "./adapters/upstream/queue-settings.connect.ts";
import { inventoryStock, type StockReader } from "./adapters/upstream/stock.connect.ts";
import { createAuth } from "./auth-setup.ts";
import type { GatewayConfig } from "./config.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { AdmissionTuner, purchaseTally } from "./domain/queue/governor.ts";
import { JoinChallenges } from "./domain/queue/join-challenge.ts";
import { CachedQueueSettings, type QueueSettingsStore } from "./domain/queue/settings-store.ts";
import { StockWatch } from "./domain/queue/stock-watch.ts";
import { AdmissionTicker } from "./domain/queue/ticker.ts";
import { adminFunnelRoutes } from "./transport/admin-funnel-routes.ts";
import { adminLiveRoutes } from "./transport/admin-live-routes.ts";
import { adminRoutes } from "./transport/admin-routes.ts";
import { devIssuerRoutes } from "./transport/auth/dev-issuer-routes.ts";
import { eventRoutes } from "./transport/event-routes.ts";
import { gatewayGuards } from "./transport/guards.ts";
import { paymentRoutes } from "./transport/payment-routes.ts";
import { queueRoutes } from "./transport/queue-routes.ts";
import { reservationRoutes } from "./transport/reservation-routes.ts";
import { webhookReceiver } from "./transport/webhook-receiver.ts";

/** Everything the gateway is built from; tests pass their own Redis, port and clock. */
export interface GatewayDeps {
  config: GatewayConfig;
  /** Made from the config unless given (and then closed with the gateway). */
  redis?: Redis;
  /** The waiting room's client; defaults to `redis` when that is given, else one of its own (below). */
  queueRedis?: Redis;
  clock?: Clock;
  /** Which events exist; defaults to inventory's GetEvent behind a cache. */
  events?: EventDirectory;
  /** Where the operator's queue settings are kept durably; defaults to inventory, behind a brief cache. */
  queueSettings?: QueueSettingsStore;
  /** Events' seat counts (the line's sale state, the live view); defaults to inventory's. */
  stock?: StockReader;
}

/**
 * Builds the gateway service (not yet listening): the kit skeleton, the guards every route
 * plugin uses (`gateway.guards`), and the dev issuer's routes outside production. Route plugins
 * are added here with `.use(...)`, each taking `guards` so its routes can declare auth, rate
 * limits and idempotency. Clients it is given stay the caller's to close.
 */
export async function buildGateway({
  config,
  redis: given,
  queueRedis: givenQueue,
  clock = systemClock,
  events,
  queueSettings,
  stock,
}: GatewayDeps) {
  const redis = given ?? createRedis(config.redisUrl, undefined, { cluster: config.redisCluster });
  // The waiting room batches its hot calls itself (kit/src/batcher.ts); auto-pipelining on top would
  // hold each batch back one more event-loop turn (measured: about a fifth of join's throughput).
  const queueRedis =
    givenQueue ??
    given ??
    createRedis(config.redisUrl, undefined, { cluster: config.redisCluster, autoPipelining: false });
  // Both secrets are required in production by the schema itself (config.ts, env.secret).
  const secret = config.reservationTokenSecret;
  const webhookSecret = config.paymentWebhookSecret;
  // Auth first: a production gateway without a JWKS source must fail before anything is built.
  const auth = await createAuth(config, redis, clock);
  const service = createService({
    name: "gateway",
    description: "The buyer-facing BFF: auth, rate limits, idempotency, the waiting room and the REST API",
    config,
    readiness: [
      redisCheck(redis),
      upstreamCheck("inventory", config.inventoryUrl),
      upstreamCheck("reservation", config.reservationUrl),
      upstreamCheck("payment", config.paymentUrl),
    ],
  });
  instrumentRedis(redis, service.metrics);
  if (queueRedis !== redis) instrumentRedis(queueRedis, service.metrics);
  const edge = gatewayGuards({
    config,
    redis,
    clock,
    authenticator: auth.authenticator,
    metrics: service.metrics,
    log: service.log,
    server: () => service.app.server,
  });
  const app = service.app.use(edge.guards);
  if (auth.devIssuer) app.use(devIssuerRoutes(auth.devIssuer, edge.guards));

  const upstreams = createUpstreams(config, service.metrics, service.credentials);
  const settingsStore = queueSettings ?? new CachedQueueSettings(inventoryQueueSettings(upstreams.inventory));
  const readStock = stock ?? inventoryStock(upstreams.inventory);
  // One directory for joins and the ticker: both follow each event's sale window from it.
  const directory =
    events ??
    new CachedEventDirectory(
      withEventCopy(inventoryEventLookup(upstreams.inventory), queueRedis),
      undefined,
      clock,
    );
  const queue = createQueue(config, queueRedis, clock, secret, settingsStore, service, readStock, directory);
  // A hold's facts outlive it by a while: a payment started in its last seconds still finds them.
  const holds = new HoldFactsCache(redis, 15 * 60_000);
  const guards = edge.guards;
  service.mountNative(
    webhookReceiver({ secret: webhookSecret, redis, log: service.log, metrics: service.metrics }),
  );
  app
    .use(
      queueRoutes({
        room: queue.room,
        live: queue.live,
        purchases: queue.purchases,
        challenges: new JoinChallenges(secret, config.queueChallengeTtlSec * 1000, clock),
        events: directory,
        guards,
        // With limiting off there is nothing to key buckets by: skip working out the client IP.
        callerOf: config.rateLimitEnabled ? (request) => ({ ip: edge.clientIpOf(request) }) : () => undefined,
        dropped: edge.ratelimitDropped,
        limitLookup: (request, headers) => edge.limit(request, headers),
        ...(config.rateLimitEnabled && config.wsUpgradeRatePerSec > 0
          ? {
              limitUpgrade: (request: Request) =>
                edge.limit(
                  request,
                  {},
                  {
                    name: "ws-upgrade",
                    perSec: config.wsUpgradeRatePerSec,
                    burst: config.wsUpgradeBurst,
                  },
                ),
            }
          : {}),
        maxSocketsPerToken: config.wsMaxPerToken,
        maxSocketsPerClient: config.wsMaxPerClient,
        allowedOrigins: config.wsAllowedOrigins
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      }),
    )
    .use(eventRoutes({ upstreams, guards, availabilityTtlMs: config.availabilityCacheMs }))
    .use(
      reservationRoutes({
        upstreams,
        guards,
        purchases: queue.purchases,
        holds,
        passes: new EntryPasses(redis, secret, service.log),
        tally: queue.tally,
      }),
    )
    .use(
      paymentRoutes({ upstreams, guards, webhookUrl: config.paymentWebhookUrl, holds, tally: queue.tally }),
    )
    .use(adminRoutes({ upstreams, room: queue.room, guards }))
    .use(adminFunnelRoutes({ redis: queueRedis, guards }))
    .use(
      adminLiveRoutes({ room: queue.room, readStock, metrics: service.metrics, guards, log: service.log }),
    );
  service.onDrain(() => queue.live.close());
  service.onShutdown(() => queue.purchases.close());
  service.onShutdown(() => queue.ticker.stop());
  service.onShutdown(() => queue.tally.stop());
  if (!given) service.onShutdown(() => redis.quit());
  if (!given && !givenQueue) service.onShutdown(() => queueRedis.quit());

  // Once it listens: this replica's admission ticker, and the tally of its purchase answers.
  service.onStarted(() => {
    if (config.queueTickerEnabled) queue.ticker.start();
    queue.tally.start();
  });
  return { ...service, app, ...edge, ...queue, devIssuer: auth.devIssuer };
}

/** The waiting room, its live fan-out and this replica's admission ticker. */
function createQueue(
  config: GatewayConfig,
  redis: Redis,
  clock: Clock,
  secret: string,
  settingsStore: QueueSettingsStore,
  service: { log: Logger; metrics: Metrics },
  readStock: StockReader,
  directory: EventDirectory,
) {
  // A line born in this process (a new event, or the first join after Redis lost the line) is
  // ticked here from the next tick on.
  let ticker: AdmissionTicker | undefined;
  // Sale analytics: counted where decided, added up in Redis once a second for the console.
  const tally = new SaleTally(service.metrics, { redis, log: service.log });
  const room = new WaitingRoom(redis, {
    heartbeatTimeoutMs: config.queueHeartbeatTimeoutSec * 1000,
    admittedTtlMs: config.queueAdmittedTtlSec * 1000,
    reservationTokenTtlSec: config.reservationTokenTtlSec,
    reservationTokenSecret: secret,
    defaultRate: config.queueAdmitRate,
    defaultCap: config.queueAdmitCap,
    now: clock,
    rateLimit: config.rateLimitEnabled
      ? { perSec: config.rateLimitPerSec, burst: config.rateLimitBurst }
      : undefined,
    maxPlacesPerClient: config.queueMaxPlacesPerClient,
    settingsStore,
    tally,
    onLineBorn: (eventId) => ticker?.watch(eventId),
    log: service.log,
  });
  const live = new LiveQueue(redis, room, service.log, service.metrics, {
    positionEveryMs: config.queuePositionPushMs,
  });
  const stock =
    config.queueStockEveryMs > 0
      ? new StockWatch(readStock, service.log, config.queueStockEveryMs)
      : undefined;
  const tuner = new AdmissionTuner(
    (eventId) => room.tuning(eventId),
    purchaseTally(service.metrics.http, config.queueAutoTargetMs / 1000),
    { shedShare: config.queueAutoShedPct / 100 },
  );
  ticker = new AdmissionTicker(
    room,
    {
      tickMs: config.queueTickMs,
      stock,
      tuner,
      tally,
      ...(directory.saleWindow ? { windows: (eventId: string) => directory.saleWindow?.(eventId) } : {}),
    },
    service.log,
    service.metrics,
  );
  // Its own connection: a subscribed Redis connection can do nothing else.
  const purchases = new PurchaseWatch(duplicateRedis(redis, service.log), secret, service.log);
  return { room, live, ticker, purchases, tally };
}

/** A built gateway. */
export type Gateway = Awaited<ReturnType<typeof buildGateway>>;
