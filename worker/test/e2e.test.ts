// End to end on a small local platform: the real inventory, reservation, payment and worker
// processes (each started from its main.ts) on a private DynamoDB Local, fauxqs and redis-server
// with a random stage. No client call confirms, cancels or expires anything: the worker does.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { inventory, payment, reservation } from "@tt/contracts";
import {
  createDynamoClient,
  createServiceClient,
  createSqsClient,
  devCredentials,
  ensureQueues,
  ensureTables,
  generateSigningKey,
  identityEnv,
  keyAttester,
} from "@tt/kit";
import { Supervisor, startDynamo, startRedis, startSqs, waitForReady } from "@tt/kit/local";
import { admissionToken, eventually, freePort } from "@tt/kit/testing";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const HOLD_SECONDS = 3;
const RS = reservation.ReservationStatus;
const sup = new Supervisor({ sink: () => undefined, stopGraceMs: 3000 });
const EVENT_ID = `evt_e2e_${Date.now().toString(36)}`;
const USER = "buyer-1";

// The test calls each service as the developer; the services call each other with their own keys.
const client = (name: string, baseUrl: string) => ({
  name,
  baseUrl,
  timeoutMs: 10_000,
  retries: 0,
  credentials: devCredentials(),
});
let rsv: ReturnType<typeof createServiceClient<typeof reservation.ReservationService>>;
let inv: ReturnType<typeof createServiceClient<typeof inventory.InventoryService>>;
let pay: ReturnType<typeof createServiceClient<typeof payment.PaymentService>>;
let workerUrl: string;
let reservationUrl: string;

/** How many events of `type` the worker handled with `outcome` (from its /metrics). */
async function workerCount(type: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${workerUrl}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`worker_events_total{type="${type}",outcome="${outcome}"`));
  return Number(line?.split(" ").pop() ?? "0");
}

/** GetPaymentStatus calls reservation's confirms made (from its dependency_requests_total). */
async function statusCallsOfConfirm(): Promise<number> {
  const text = await (await fetch(`${reservationUrl}/metrics`)).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("dependency_requests_total{") &&
        l.includes('origin="POST /reservation.v1.ReservationService/ConfirmReservation"') &&
        l.includes('operation="GetPaymentStatus"'),
    );
  return Number(line?.split(" ").pop() ?? "0");
}

beforeAll(async () => {
  const stage = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const [dynamoEndpoint, sqsEndpoint, redisUrl] = await Promise.all([
    startDynamo(sup, { port: freePort() }),
    startSqs(sup, { port: freePort() }),
    startRedis(sup, { port: freePort() }),
  ]);
  const ddb = createDynamoClient({ region: "us-east-1", endpoint: dynamoEndpoint, requestTimeoutMs: 10_000 });
  const sqs = createSqsClient({ region: "us-east-1", endpoint: sqsEndpoint });
  await Promise.all([ensureTables(ddb, stage), ensureQueues(sqs, stage)]);
  ddb.destroy();
  sqs.destroy();

  const urls = {
    inventory: `http://127.0.0.1:${freePort()}`,
    reservation: `http://127.0.0.1:${freePort()}`,
    payment: `http://127.0.0.1:${freePort()}`,
    worker: `http://127.0.0.1:${freePort()}`,
  };
  const shared = {
    ...process.env,
    STAGE: stage,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SQS_ENDPOINT: sqsEndpoint,
    REDIS_URL: redisUrl,
    SEAT_MAP_CACHE_MS: "0",
    HOST: "127.0.0.1",
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    APP_ENV: "test",
    INVENTORY_URL: urls.inventory,
    RESERVATION_URL: urls.reservation,
    PAYMENT_URL: urls.payment,
    HOLD_SECONDS: String(HOLD_SECONDS),
    INVENTORY_TIMEOUT_MS: "2000",
    SWEEP_INTERVAL_MS: "600000", // expiry must come from the timer → worker path, not the sweeper
    PAYMENT_APPROVE_DELAY_MS: "300",
    PAYMENT_DELAY_MS: String(HOLD_SECONDS * 1000 + 1500), // lands after the hold has passed
    PAYMENT_POLL_MS: "50",
    WORKER_WAIT_SECONDS: "1",
    WORKER_VISIBILITY_TIMEOUT_SEC: "5",
    WORKER_RETRY_BASE_SEC: "1",
  };
  const identity = identityEnv(["inventory", "reservation", "payment", "worker"] as const);
  for (const [name, url] of Object.entries(urls)) {
    sup.spawn({
      name,
      cmd: [process.execPath, `${name}/src/main.ts`],
      cwd: REPO,
      env: { ...shared, ...identity.env[name as keyof typeof urls], PORT: new URL(url).port },
    });
  }
  await waitForReady(urls, { timeoutMs: 30_000 });
  workerUrl = urls.worker;
  reservationUrl = urls.reservation;

  rsv = createServiceClient(reservation.ReservationService, client("reservation", urls.reservation));
  inv = createServiceClient(inventory.InventoryService, client("inventory", urls.inventory));
  pay = createServiceClient(payment.PaymentService, client("payment", urls.payment));
  const now = Date.now();
  await inv.createEvent({
    eventId: EVENT_ID,
    name: "E2E drop",
    venue: "Test hall",
    startsAt: timestampFromMs(now + 7 * 86_400_000),
    saleOpensAt: timestampFromMs(now - 3_600_000),
    saleClosesAt: timestampFromMs(now + 86_400_000),
    currency: "KRW",
    sections: [{ sectionId: "A", name: "Floor", price: 50_000n, rows: 2, seatsPerRow: 10 }],
  });
}, 90_000);

afterAll(() => sup.stop());

async function hold(user = USER) {
  const res = await rsv.createReservation({
    eventId: EVENT_ID,
    userId: user,
    quantity: 1,
    idempotencyKey: crypto.randomUUID(),
    reservationToken: admissionToken(user, EVENT_ID),
  });
  const r = res.reservation;
  if (!r) throw new Error("no reservation");
  return r;
}

const reservationOf = async (id: string, user = USER) =>
  (await rsv.getReservation({ reservationId: id, userId: user })).reservation;
const seatsFree = async (seatIds: string[]) =>
  (await inv.checkAvailability({ eventId: EVENT_ID, seatIds })).available;

async function pays(r: reservation.Reservation, scenario: payment.PaymentScenario, user = USER) {
  const res = await pay.createPaymentIntent({
    reservationId: r.reservationId,
    userId: user,
    amount: r.totalAmount,
    currency: r.currency,
    scenario,
    idempotencyKey: crypto.randomUUID(),
  });
  return res.paymentIntentId;
}

describe("end to end", () => {
  test("approve: the worker confirms the reservation and the order exists", async () => {
    const asked = await statusCallsOfConfirm();
    const r = await hold();
    await pays(r, payment.PaymentScenario.APPROVE);
    await eventually(
      async () => (await reservationOf(r.reservationId))?.status === RS.CONFIRMED,
      10_000,
      100,
    );
    await eventually(async () => (await workerCount("payment.approved", "confirmed")) >= 1, 3000, 100);
    const confirmed = await reservationOf(r.reservationId);
    const order = await rsv.getOrder({ orderId: confirmed?.orderId ?? "", userId: USER });
    expect(order.order?.reservationId).toBe(r.reservationId);
    expect(order.order?.seatIds).toEqual(r.seatIds);
    expect(await seatsFree(r.seatIds)).toBe(false);
    // The event carried payment's signed approval: the confirm took it and did not ask payment.
    expect(await statusCallsOfConfirm()).toBe(asked);
  }, 20_000);

  test("an approval signed with a key that is not payment's confirms nothing", async () => {
    const forger = "buyer-forged";
    const r = await hold(forger);
    // Still PENDING for longer than the hold: only a forged approval could say otherwise.
    const intentId = await pays(r, payment.PaymentScenario.DELAY, forger);
    const forged = await keyAttester("payment", generateSigningKey().privateJwk).sign(
      "reservation",
      intentId,
      { rsv: r.reservationId, amt: String(r.totalAmount), cur: r.currency, st: "APPROVED" },
      60,
    );
    const asked = await statusCallsOfConfirm();
    const answer = await rsv
      .confirmReservation({
        reservationId: r.reservationId,
        userId: forger,
        paymentIntentId: intentId,
        paymentApproval: forged,
      })
      .catch((error: Error) => error);
    expect(String(answer)).toContain("payment is pending");
    expect((await reservationOf(r.reservationId, forger))?.status).toBe(RS.HOLD);
    // Unverified, the approval was ignored and payment was asked instead.
    expect(await statusCallsOfConfirm()).toBe(asked + 1);
    // Given back, so its hold timer expires nothing the expiry test below counts.
    await rsv.cancelReservation({ reservationId: r.reservationId, userId: forger });
  }, 20_000);

  test("a declined payment keeps the hold; paying again confirms it, and a second approval is refunded", async () => {
    const declinedBefore = await workerCount("payment.failed", "declined");
    const r = await hold();
    await pays(r, payment.PaymentScenario.FAIL);
    await eventually(
      async () => (await workerCount("payment.failed", "declined")) > declinedBefore,
      HOLD_SECONDS * 1000,
      50,
    );
    // The decline took nothing from the buyer: the reservation and its seats are still held.
    expect((await reservationOf(r.reservationId))?.status).toBe(RS.HOLD);
    expect(await seatsFree(r.seatIds)).toBe(false);

    // Two cards at once, both approved: one becomes the order, the other's money goes back.
    const [first, second] = await Promise.all([
      pays(r, payment.PaymentScenario.APPROVE),
      pays(r, payment.PaymentScenario.APPROVE),
    ]);
    await eventually(
      async () => (await reservationOf(r.reservationId))?.status === RS.CONFIRMED,
      10_000,
      100,
    );
    const statusOf = async (id: string) =>
      (await pay.getPaymentStatus({ paymentIntentId: id })).intent?.status;
    await eventually(
      async () => [await statusOf(first), await statusOf(second)].includes(payment.PaymentStatus.REFUNDED),
      20_000,
      200,
    );
    const confirmed = await reservationOf(r.reservationId);
    const paidBy = confirmed?.paymentIntentId;
    const other = paidBy === first ? second : first;
    expect([first, second]).toContain(paidBy ?? "");
    expect(await statusOf(paidBy ?? "")).toBe(payment.PaymentStatus.APPROVED);
    expect(await statusOf(other)).toBe(payment.PaymentStatus.REFUNDED);
    expect(await seatsFree(r.seatIds)).toBe(false);
  }, 30_000);

  test("hold expiry: the timer's event reaches the worker, which expires the hold and frees the seats", async () => {
    const before = await workerCount("reservation.hold_due", "expired");
    const r = await hold();
    // The read model shows a passed hold as EXPIRED at once; the worker's count proves the
    // stored reservation was moved by the worker (Expire answered changed = true).
    await eventually(
      async () => (await workerCount("reservation.hold_due", "expired")) > before,
      15_000,
      200,
    );
    expect((await reservationOf(r.reservationId))?.status).toBe(RS.EXPIRED);
    await eventually(() => seatsFree(r.seatIds), 3000, 100);
  }, 20_000);

  test("a payment approved after the hold passed is refunded and makes no order", async () => {
    const r = await hold();
    const intentId = await pays(r, payment.PaymentScenario.DELAY);
    await eventually(
      async () =>
        (await pay.getPaymentStatus({ paymentIntentId: intentId })).intent?.status ===
        payment.PaymentStatus.REFUNDED,
      20_000,
      200,
    );
    const after = await reservationOf(r.reservationId);
    expect(after?.status).not.toBe(RS.CONFIRMED);
    expect(after?.orderId).toBe("");
    await eventually(async () => (await workerCount("payment.approved", "refunded")) >= 1, 3000, 100);
  }, 30_000);
});
