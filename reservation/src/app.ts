import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { inventory, payment } from "@tt/contracts";
import {
  createDynamoClient,
  createService,
  createServiceClient,
  createSqsClient,
  dynamoCheck,
  instrumentAws,
  Outbox,
  Poller,
  queueNames,
  readReservationToken,
  sqsCheck,
  tableNames,
} from "@tt/kit";
import { EventsQueue } from "./adapters/events-queue.sqs.ts";
import { SchedulerExpiryTimer } from "./adapters/expiry-timer.scheduler.ts";
import { SqsExpiryTimer } from "./adapters/expiry-timer.sqs.ts";
import { DynamoIdempotencyStore } from "./adapters/idempotency-store.dynamo.ts";
import { ConnectInventoryGateway } from "./adapters/inventory-gateway.connect.ts";
import { ConnectPaymentGateway } from "./adapters/payment-gateway.connect.ts";
import { CachedPolicyReader } from "./adapters/purchase-policy.connect.ts";
import { reservationMetrics } from "./adapters/reservation-metrics.prom.ts";
import { DynamoReservationStore } from "./adapters/reservation-store.dynamo.ts";
import { type ReservationConfig, tokenSecretOf } from "./config.ts";
import { DEFAULT_SETTINGS } from "./domain/deps.ts";
import type { InventoryGateway, ReservationStore } from "./domain/ports.ts";
import { Reservations } from "./domain/reservations.ts";
import { reservationRoutes } from "./transport/reservation-routes.ts";
import { reservationRpc } from "./transport/reservation-rpc.ts";

/** What the service is built from: its configuration, and seams for tests (production passes none). */
export interface ReservationDeps {
  config: ReservationConfig;
  /** Wraps the DynamoDB store (tests inject failures between hold and write). */
  wrapStore?: (store: ReservationStore) => ReservationStore;
  /** Wraps the inventory gateway (tests make the compensating release fail). */
  wrapInventory?: (inventory: InventoryGateway) => InventoryGateway;
}

const newReservationId = () => `rsv_${Bun.randomUUIDv7().replaceAll("-", "")}`;

/**
 * Builds the reservation service from its configuration: AWS clients, Connect clients of
 * inventory and payment, the domain, REST + Connect transports, the outbox and the hold
 * sweeper. `start()` listens, then starts the background loops; `stop()` drains all of it.
 */
export function buildReservation(deps: ReservationDeps) {
  const { config, ...overrides } = deps;
  const region = config.awsRegion;
  const dynamo = createDynamoClient({ region, endpoint: config.dynamodbEndpoint });
  const sqs = createSqsClient({ region, endpoint: config.sqsEndpoint });
  const tables = tableNames(config.stage);
  const service = createService({
    name: "reservation",
    description:
      "Reservation lifecycle: 60-second holds, confirm, cancel, expire, orders (debug REST under /v1)",
    config,
    readiness: [dynamoCheck(dynamo), sqsCheck(sqs)],
  });
  const metrics = reservationMetrics(service.metrics);
  instrumentAws(dynamo, service.metrics, "dynamodb");
  instrumentAws(sqs, service.metrics, "sqs");
  const inventoryClient = createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: config.inventoryUrl,
    timeoutMs: config.inventoryTimeoutMs,
    metrics: service.metrics,
    credentials: service.credentials,
  });
  const paymentClient = createServiceClient(payment.PaymentService, {
    name: "payment",
    baseUrl: config.paymentUrl,
    timeoutMs: config.paymentTimeoutMs,
    metrics: service.metrics,
    credentials: service.credentials,
  });

  const queue = new EventsQueue(sqs, queueNames(config.stage).events, config.eventsQueueUrl);
  const outbox = new Outbox({
    ddb: dynamo,
    sqs,
    table: tables.outbox,
    queueUrl: queue.queueUrl,
    log: service.log,
    metrics,
    staleMs: config.outboxStaleMs,
  });
  // The backstop for records whose writer died: it costs 16 queries a pass, so it runs slowly.
  const outboxSweep = new Poller(
    "outbox sweep",
    () => outbox.sweep(),
    { busyMs: 100, idleMs: config.outboxStaleMs },
    service.log,
  );
  const dynamoStore = new DynamoReservationStore(dynamo, tables, outbox);
  const timer =
    config.expiryTimer === "scheduler"
      ? new SchedulerExpiryTimer(new SchedulerClient({ region, maxAttempts: 3 }), {
          groupName: config.schedulerGroup,
          queueArn: config.eventsQueueArn ?? "",
          roleArn: config.schedulerRoleArn ?? "",
        })
      : new SqsExpiryTimer(queue);

  const inventoryGateway = new ConnectInventoryGateway(inventoryClient);
  const built = new Reservations(
    {
      store: overrides.wrapStore?.(dynamoStore) ?? dynamoStore,
      idempotency: new DynamoIdempotencyStore(dynamo, tables.idempotency),
      tokens: (token) => readReservationToken(token, tokenSecretOf(config)),
      inventory: overrides.wrapInventory?.(inventoryGateway) ?? inventoryGateway,
      policies: new CachedPolicyReader(inventoryClient, config.policyCacheMs),
      payments: new ConnectPaymentGateway(paymentClient, service.attestations),
      timer,
      metrics,
      log: service.log,
      now: Date.now,
      newReservationId,
    },
    {
      ...DEFAULT_SETTINGS,
      holdMs: config.holdSeconds * 1000,
      maxSeats: config.maxSeats,
      sweepGraceMs: config.sweepGraceMs,
      defaultPolicy: {
        maxLiveReservations: config.maxLiveReservations,
        maxSeatsPerUser: config.maxSeatsPerUser ?? config.maxSeats,
      },
    },
  );
  service.serveRpc(reservationRpc(built));
  service.app.use(reservationRoutes(built, service.callerGuard()));
  const sweeper = new Poller(
    "hold sweeper",
    () => built.sweep(),
    { busyMs: config.sweepIntervalMs, idleMs: config.sweepIntervalMs },
    service.log,
  );
  service.onStarted(() => {
    outboxSweep.start();
    sweeper.start();
  });
  // Background loops stop before the clients they use are closed.
  service.onShutdown(() => outboxSweep.stop());
  service.onShutdown(() => outbox.drain());
  service.onShutdown(() => sweeper.stop());
  service.onShutdown(() => dynamo.destroy());
  service.onShutdown(() => sqs.destroy());

  return { ...service, domain: built, outbox };
}
