// The worker on real fauxqs against Connect test doubles of ReservationService and PaymentService
// (see support.ts): duplicates, poison messages, slow work and graceful shutdown.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { reservation } from "@tt/contracts";
import { createLogger, decodeEvent, devCredentials, loadConfig, Metrics } from "@tt/kit";
import { eventually } from "@tt/kit/testing";
import { workerCore } from "../src/app.ts";
import { workerFields } from "../src/config.ts";
import { detail, eventBody, ServiceDoubles, send, startQueues } from "./support.ts";

const RS = reservation.ReservationStatus;

let q: Awaited<ReturnType<typeof startQueues>>;
let doubles: ServiceDoubles;
let upstream: Awaited<ReturnType<ServiceDoubles["serve"]>>;

beforeAll(async () => {
  q = await startQueues();
}, 30_000);

afterAll(() => q?.stop());

beforeEach(async () => {
  // A stopped worker's aborted long poll lingers in fauxqs for its wait time (1 s here) and
  // would swallow the next test's first message until its visibility lapses: let it run out.
  await Bun.sleep(1100);
  await upstream?.stop();
  doubles = new ServiceDoubles();
  upstream = await doubles.serve();
});

async function startWorker(env: Record<string, string> = {}) {
  const config = loadConfig(workerFields(), {
    STAGE: q.stage,
    SQS_ENDPOINT: q.endpoint,
    RESERVATION_URL: upstream.url,
    PAYMENT_URL: upstream.url,
    WORKER_WAIT_SECONDS: "1",
    WORKER_VISIBILITY_TIMEOUT_SEC: "2",
    WORKER_RETRY_BASE_SEC: "1",
    WORKER_RETRY_MAX_SEC: "1",
    WORKER_QUEUE_STATS_MS: "200",
    ...env,
  });
  const metrics = new Metrics("worker-test");
  const worker = await workerCore({
    sqs: q.sqs,
    config,
    metrics,
    log: createLogger("worker", "error"),
    // Signed as the worker with the developer key, as a worker started without keys signs.
    credentials: devCredentials("worker"),
  });
  worker.start();
  return { ...worker, metrics };
}

async function queueCounts(url: string) {
  const { Attributes = {} } = await q.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

const drained = async () => (await queueCounts(q.queues.eventsUrl)) === 0;

describe("worker", () => {
  test("every event type delivered twice has one effect", async () => {
    doubles.hold("r_ok");
    doubles.hold("r_fail");
    doubles.hold("r_exp", -1);
    doubles.hold("r_late", -1);
    const bodies = [
      eventBody(detail.approved("r_ok")),
      eventBody(detail.failed("r_fail")),
      eventBody(detail.holdDue("r_exp")),
      eventBody(detail.approved("r_late")), // approved after the hold passed → refund
      eventBody(detail.created("r_ok")),
      eventBody(detail.expired("r_exp")), // the fact the expiry announced: nothing left to do
    ];
    const worker = await startWorker();
    try {
      await send(q.sqs, q.queues.eventsUrl, [...bodies, ...bodies]);
      await eventually(drained, 10_000);
      // The declined payment changed nothing: its hold stands for the buyer to pay again.
      expect(doubles.effects).toEqual({ confirmed: 1, cancelled: 0, expired: 1, refunded: 1 });
      expect(doubles.reservations.get("r_fail")?.status).toBe(RS.HOLD);
      expect(doubles.calls.confirm).toBe(4); // each approved event twice: the duplicates were real deliveries
      const text = await worker.metrics.render();
      expect(text).toContain(
        'worker_events_total{type="payment.approved",outcome="confirmed",app="worker-test"}',
      );
      expect(text).toContain(
        'worker_events_total{type="payment.approved",outcome="refunded",app="worker-test"} 2',
      );
      expect(text).toContain(
        'worker_events_total{type="payment.failed",outcome="declined",app="worker-test"} 2',
      );
      expect(text).toContain(
        'worker_events_total{type="reservation.created",outcome="ignored",app="worker-test"} 2',
      );
      // One Expire per timer message, none for the announcement.
      expect(doubles.calls.expire).toBe(2);
      expect(text).toContain(
        'worker_events_total{type="reservation.expired",outcome="ignored",app="worker-test"} 2',
      );
    } finally {
      await worker.stop();
    }
  }, 20_000);

  test("a poison message goes to the DLQ after 5 receives without holding up the others", async () => {
    const deadBefore = await queueCounts(q.queues.dlqUrl);
    const worker = await startWorker();
    try {
      await send(q.sqs, q.queues.eventsUrl, ['{"type": "payment.approved", "broken":']);
      for (let i = 0; i < 5; i++) doubles.hold(`r_p${i}`);
      const started = Date.now();
      await send(
        q.sqs,
        q.queues.eventsUrl,
        [0, 1, 2, 3, 4].map((i) => eventBody(detail.approved(`r_p${i}`))),
      );
      await eventually(() => doubles.effects.confirmed === 5, 5000);
      expect(Date.now() - started).toBeLessThan(2000);

      await eventually(async () => (await queueCounts(q.queues.dlqUrl)) === deadBefore + 1, 15_000);
      const { Messages = [] } = await q.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: q.queues.dlqUrl, MaxNumberOfMessages: 10 }),
      );
      expect(Messages.some((m) => m.Body?.includes("broken"))).toBe(true);
      const text = await worker.metrics.render();
      expect(text).toMatch(/worker_events_total\{type="malformed",outcome="retry",app="worker-test"\} 4/);
      expect(text).toMatch(/worker_dead_lettered_total\{type="malformed",app="worker-test"\} 1/);
      const dlqGauge = /worker_queue_messages\{queue="dlq",state="all",app="worker-test"\} [1-9]/;
      await eventually(async () => dlqGauge.test(await worker.metrics.render()), 3000);
    } finally {
      await worker.stop();
    }
  }, 30_000);

  test("an approval whose reservation is down past every retry is moved back from the DLQ and ends confirmed", async () => {
    const deadBefore = await queueCounts(q.queues.dlqUrl);
    doubles.hold("r_parked");
    // Down through all five receives the queue allows (each waiting out a visibility timeout in
    // hand): the approval dead-letters.
    doubles.confirmOutages = Number.POSITIVE_INFINITY;
    const worker = await startWorker({ WORKER_REDRIVE_MONEY_MS: "1000", WORKER_VISIBILITY_TIMEOUT_SEC: "1" });
    try {
      await send(q.sqs, q.queues.eventsUrl, [eventBody(detail.approved("r_parked"))]);
      const deadLettered = /worker_dead_lettered_total\{type="payment.approved",app="worker-test"\} 1/;
      await eventually(async () => deadLettered.test(await worker.metrics.render()), 30_000);
      // Back up: the worker moves the approval back by itself and confirms it — money not parked.
      doubles.confirmOutages = 0;
      await eventually(() => doubles.effects.confirmed === 1, 20_000);
      expect(doubles.effects.refunded).toBe(0);
      expect(await queueCounts(q.queues.dlqUrl)).toBe(deadBefore);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  test("an expiry whose reservation service is down for a moment runs as soon as it is back, not a backoff later", async () => {
    doubles.hold("r_blip", 0);
    // Handed back to the queue, the message would come again only 8 s later.
    const worker = await startWorker({
      WORKER_RETRY_BASE_SEC: "8",
      WORKER_RETRY_MAX_SEC: "8",
      WORKER_VISIBILITY_TIMEOUT_SEC: "5",
    });
    try {
      // Down: its connections refused, then (five failures on) the worker's breaker open.
      await upstream.stop();
      await send(q.sqs, q.queues.eventsUrl, [eventBody(detail.holdDue("r_blip"))]);
      await Bun.sleep(2500);
      expect(doubles.calls.expire).toBe(0);
      upstream = await doubles.serve(upstream.port);
      const back = Date.now();
      await eventually(() => doubles.effects.expired === 1, 5000);
      // A pause between tries is at most 1 s, and so is the breaker's open spell.
      expect(Date.now() - back).toBeLessThan(3000);
      const text = await worker.metrics.render();
      expect(text).not.toMatch(/worker_events_total\{type="reservation.hold_due",outcome="retry"/);
    } finally {
      await worker.stop();
    }
  }, 20_000);

  test("a handler slower than the visibility timeout keeps its message: no second delivery", async () => {
    doubles.hold("r_slow");
    // Visibility is 2 s: the handler runs two and a half timeouts, so the message would come back
    // (to the free slot) unless every renewal lands, not only the first.
    doubles.confirmDelayMs = 5000;
    const worker = await startWorker({ WORKER_CONCURRENCY: "2", WORKER_UPSTREAM_TIMEOUT_MS: "10000" });
    try {
      await send(q.sqs, q.queues.eventsUrl, [eventBody(detail.approved("r_slow"))]);
      await eventually(drained, 12_000);
      expect(doubles.calls.confirm).toBe(1);
      expect(doubles.effects.confirmed).toBe(1);
    } finally {
      await worker.stop();
    }
  }, 20_000);

  test("stopping finishes the events in hand before it returns", async () => {
    doubles.hold("r_a");
    doubles.hold("r_b");
    doubles.confirmDelayMs = 1000;
    const worker = await startWorker();
    await send(q.sqs, q.queues.eventsUrl, [
      eventBody(detail.approved("r_a")),
      eventBody(detail.approved("r_b")),
    ]);
    await eventually(() => doubles.calls.confirm === 2, 5000);
    expect(worker.consumer.busy).toBe(2);
    await worker.stop();
    expect(doubles.effects.confirmed).toBe(2);
    expect(worker.consumer.busy).toBe(0);
    expect(await drained()).toBe(true);
  }, 20_000);

  test("an expiry for an unknown reservation is acknowledged, not retried", async () => {
    const body = eventBody(detail.holdDue("r_missing"));
    expect(decodeEvent(body).type).toBe("reservation.hold_due");
    const worker = await startWorker();
    try {
      await send(q.sqs, q.queues.eventsUrl, [body]);
      await eventually(drained, 5000);
      expect(doubles.calls.expire).toBe(1); // an unknown reservation is a no-op, not a retry
    } finally {
      await worker.stop();
    }
  });
});
