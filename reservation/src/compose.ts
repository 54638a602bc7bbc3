import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { inventory, payment } from "@tt/contracts";
import {
  createDynamoClient,
  createService,
  createServiceClient,
  createSqsClient,
  dynamoCheck,
  instrumentAws,
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
import { OutboxRelay } from "./adapters/outbox-relay.ts";
import { ConnectPaymentGateway } from "./adapters/payment-gateway.connect.ts";
import { reservationMetrics } from "./adapters/reservation-metrics.prom.ts";
import { DynamoReservationStore } from "./adapters/reservation-store.dynamo.ts";
import { type ReservationConfig, tokenSecretOf } from "./config.ts";
import { DEFAULT_SETTINGS } from "./domain/deps.ts";
import type { InventoryGateway, ReservationStore } from "./domain/ports.ts";
import { Reservations } from "./domain/reservations.ts";
import { Poller } from "./transport/poller.ts";
import { reservationRoutes } from "./transport/reservation-routes.ts";
import { reservationRpc } from "./transport/reservation-rpc.ts";

/** Seams for tests; production passes none. */
export interface ComposeOverrides {
  /** Wraps the DynamoDB store (tests inject failures between hold and write). */
  wrapStore?: (store: ReservationStore) => ReservationStore;
  /** Wraps the inventory gateway (tests make the compensating release fail). */
  wrapInventory?: (inventory: InventoryGateway) => InventoryGateway;
}

const newReservationId = () => `rsv_${Bun.randomUUIDv7().replaceAll("-", "")}`;

/**
 * Builds the reservation service from its configuration: AWS clients, Connect clients of
 * inventory and payment, the domain, REST + Connect transports, the outbox relay and the hold
 * sweeper. `start()` listens and starts the background loops; `stop()` drains all of it.
 */
export function composeReservation(config: ReservationConfig, overrides: ComposeOverrides = {}) {
  const region = config.awsRegion;
  const dynamo = createDynamoClient({ region, endpoint: config.dynamodbEndpoint });
  const sqs = createSqsClient({ region, endpoint: config.sqsEndpoint });
  const tables = tableNames(config.stage);
  let domain: Reservations | undefined;
  const service = createService({
    name: "reservation",
    description:
      "Reservation lifecycle: 60-second holds, confirm, cancel, expire, orders (debug REST under /v1)",
    config,
    readiness: [dynamoCheck(dynamo), sqsCheck(sqs)],
    rpc: reservationRpc(() => {
      if (!domain) throw new Error("reservation domain used before it was built");
      return domain;
    }),
  });
  const metrics = reservationMetrics(service.metrics);
  instrumentAws(dynamo, service.metrics, "dynamodb");
  instrumentAws(sqs, service.metrics, "sqs");
  const inventoryClient = createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: config.inventoryUrl,
    timeoutMs: config.inventoryTimeoutMs,
    metrics: service.metrics,
  });
  const paymentClient = createServiceClient(payment.PaymentService, {
    name: "payment",
    baseUrl: config.paymentUrl,
    timeoutMs: config.paymentTimeoutMs,
    metrics: service.metrics,
  });

  const queue = new EventsQueue(sqs, queueNames(config.stage).events, config.eventsQueueUrl);
  const relay = new OutboxRelay(dynamo, tables.outbox, queue, metrics, {
    owner: `reservation-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
    batch: 25,
    claimMs: 30_000,
    retainMs: 7 * 24 * 3600_000,
  });
  const relayLoop = new Poller(
    "outbox relay",
    () => relay.runOnce(),
    { busyMs: 5, idleMs: config.outboxPollMs },
    service.log,
  );
  const dynamoStore = new DynamoReservationStore(dynamo, tables, () => relayLoop.wake());
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
      payments: new ConnectPaymentGateway(paymentClient),
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
    },
  );
  domain = built;
  service.app.use(reservationRoutes(built));
  const sweeper = new Poller(
    "hold sweeper",
    () => built.sweep(),
    { busyMs: config.sweepIntervalMs, idleMs: config.sweepIntervalMs },
    service.log,
  );
  // Background loops stop before the clients they use are closed.
  service.onShutdown(() => relayLoop.stop());
  service.onShutdown(() => sweeper.stop());
  service.onShutdown(() => dynamo.destroy());
  service.onShutdown(() => sqs.destroy());

  return {
    service,
    domain: built,
    relay,
    /** Listens, then starts the outbox relay and the hold sweeper. */
    async start(opts: { handleSignals?: boolean } = {}) {
      await service.start(opts);
      relayLoop.start();
      sweeper.start();
    },
    stop: () => service.stop(),
  };
}
