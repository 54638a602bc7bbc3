// Starts what the reservation service talks to, on free ports with a random stage: DynamoDB
// Local, fauxqs, a private redis-server, the real inventory service (as a child process), the
// payment double, and the reservation service itself in-process.
import { fileURLToPath } from "node:url";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type events, inventory, reservation } from "@tt/contracts";
import {
  createDynamoClient,
  createServiceClient,
  createSqsClient,
  decodeEvent,
  devCredentials,
  ensureQueues,
  ensureTables,
} from "@tt/kit";
import { Supervisor, startDynamo, startRedis, startSqs, waitForReady } from "@tt/kit/local";
import { admissionToken, freePort } from "@tt/kit/testing";
import { buildReservation, type ReservationDeps } from "../../src/app.ts";
import { reservationConfig } from "../../src/config.ts";
import { startPaymentDouble } from "./payment-double.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Options of a platform under test. */
export interface PlatformOptions extends Omit<ReservationDeps, "config"> {
  holdSeconds: number;
  /** Extra reservation env (e.g. SWEEP_GRACE_MS). */
  env?: Record<string, string>;
  /** Each service's keys (testIdentities().env); without them all sign with the developer key. */
  identity?: Record<"inventory" | "reservation" | "payment", Record<string, string>>;
}

/** Starts the platform; call `stop()` in afterAll. */
export async function startPlatform(opts: PlatformOptions) {
  const sup = new Supervisor({ sink: () => undefined, stopGraceMs: 3000 });
  const stage = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const [dynamoEndpoint, sqsEndpoint, redisUrl] = await Promise.all([
    startDynamo(sup, { port: freePort() }),
    startSqs(sup, { port: freePort() }),
    startRedis(sup, { port: freePort() }),
  ]);
  const aws = { region: "us-east-1" };
  const ddb = createDynamoClient({ ...aws, endpoint: dynamoEndpoint });
  const sqs = createSqsClient({ ...aws, endpoint: sqsEndpoint });
  await ensureTables(ddb, stage);
  const queues = await ensureQueues(sqs, stage);
  const shared = {
    STAGE: stage,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SQS_ENDPOINT: sqsEndpoint,
    HOST: "127.0.0.1",
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    APP_ENV: "test",
  };

  const inventoryUrl = `http://127.0.0.1:${freePort()}`;
  sup.spawn({
    name: "inventory",
    cmd: [process.execPath, "inventory/src/main.ts"],
    cwd: REPO,
    env: {
      ...process.env,
      ...shared,
      PORT: new URL(inventoryUrl).port,
      REDIS_URL: redisUrl,
      SEAT_MAP_CACHE_MS: "0",
      ...opts.identity?.inventory,
    },
  });
  const payments = await startPaymentDouble(opts.identity?.payment);
  await waitForReady({ inventory: inventoryUrl }, { timeoutMs: 30_000 });

  const port = freePort();
  const config = reservationConfig.load({
    ...shared,
    PORT: String(port),
    INVENTORY_URL: inventoryUrl,
    PAYMENT_URL: payments.url,
    HOLD_SECONDS: String(opts.holdSeconds),
    // DynamoDB Local on a 2-core machine, under the concurrent tests, can exceed the 250 ms
    // production deadline; these tests are about behaviour, not latency.
    INVENTORY_TIMEOUT_MS: "1000",
    SWEEP_INTERVAL_MS: "600000",
    SHUTDOWN_GRACE_MS: "1000",
    // Writers publish their events at commit; the backstop sweep stays out of the way here.
    OUTBOX_STALE_MS: "600000",
    ...opts.identity?.reservation,
    ...opts.env,
  });
  const app = buildReservation({ ...opts, config });
  await app.start({ handleSignals: false });
  const url = `http://127.0.0.1:${port}`;
  // The tests call as the developer; reservation (no keys here) signs as itself with the same key.
  const client = (name: string, baseUrl: string) => ({
    name,
    baseUrl,
    timeoutMs: 10_000,
    retries: 0,
    credentials: devCredentials(),
  });
  const raw = createServiceClient(reservation.ReservationService, {
    ...client("reservation", url),
    breaker: { failureThreshold: 1_000_000, openMs: 1 },
  });
  // The tests stand in for the waiting room: a create without a token gets a fresh one, as an
  // admitted buyer's would.
  const rsv: typeof raw = Object.assign(Object.create(raw), {
    createReservation: (req: Parameters<typeof raw.createReservation>[0]) =>
      raw.createReservation({
        reservationToken: admissionToken(req.userId ?? "", req.eventId ?? ""),
        ...req,
      }),
  });
  const inv = createServiceClient(inventory.InventoryService, client("inventory", inventoryUrl));
  const queue = collectQueue(sqs, queues.eventsUrl);

  return {
    stage,
    sqsEndpoint,
    url,
    app,
    ddb,
    rsv,
    inv,
    payments,
    queue,
    /** Creates an on-sale event with section A (10 rows × 20 seats at ₩50,000). */
    async createEvent(eventId: string) {
      const now = Date.now();
      await inv.createEvent({
        eventId,
        name: "Test drop",
        venue: "Test hall",
        startsAt: timestampFromMs(now + 7 * 86_400_000),
        saleOpensAt: timestampFromMs(now - 3_600_000),
        saleClosesAt: timestampFromMs(now + 86_400_000),
        currency: "KRW",
        sections: [{ sectionId: "A", name: "Floor", price: 50_000n, rows: 10, seatsPerRow: 20 }],
      });
    },
    /** Whether inventory would let another buyer hold these seats now. */
    async available(eventId: string, seatIds: string[]) {
      return (await inv.checkAvailability({ eventId, seatIds })).available;
    },
    /** The reservation a seat is stored HELD by, read from inventory's table (lapsed or not). */
    async heldBy(eventId: string, seatId: string): Promise<string | undefined> {
      const { Items = [] } = await ddb.send(
        new ScanCommand({
          TableName: `${stage}-seats`,
          FilterExpression: "sk = :seat AND begins_with(pk, :event) AND #s = :held",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: {
            ":seat": { S: seatId },
            ":event": { S: eventId },
            ":held": { S: "HELD" },
          },
          ConsistentRead: true,
        }),
      );
      return Items[0]?.holder?.S;
    },
    async stop() {
      await queue.stop();
      await app.stop();
      await payments.stop();
      ddb.destroy();
      sqs.destroy();
      await sup.stop();
    },
  };
}

/** Drains the event queue in the background and keeps every decoded message. */
function collectQueue(sqs: ReturnType<typeof createSqsClient>, queueUrl: string) {
  const seen: events.EventEnvelope[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { Messages = [] } = await sqs
        .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
        .catch(() => ({ Messages: [] }));
      for (const m of Messages) seen.push(decodeEvent(m.Body ?? ""));
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
          }),
        );
      }
    }
  })();
  const about = (reservationId: string) =>
    seen.filter(
      (e) => (e.detail.value as { reservationId?: string } | undefined)?.reservationId === reservationId,
    );
  return {
    /** Every message about a reservation, in arrival order. */
    about,
    /** `type` of the reservation service's own events (not the timer's) about a reservation. */
    types: (reservationId: string) =>
      about(reservationId)
        .filter((e) => e.source === "reservation")
        .map((e) => e.type),
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
