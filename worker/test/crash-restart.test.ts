// The real worker process (worker/src/main.ts) killed mid-batch and restarted, on fauxqs, against
// the Connect test doubles of ReservationService and PaymentService (support.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { eventually, freePort } from "@tt/kit/testing";
import { detail, eventBody, ServiceDoubles, send, startQueues } from "./support.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
let q: Awaited<ReturnType<typeof startQueues>>;
const doubles = new ServiceDoubles();
let upstream: Awaited<ReturnType<ServiceDoubles["serve"]>>;

beforeAll(async () => {
  q = await startQueues();
  upstream = await doubles.serve();
}, 30_000);

afterAll(async () => {
  await upstream?.stop();
  await q?.stop();
});

function spawnWorker(port: number) {
  return Bun.spawn(["bun", MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      RPC_PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      STAGE: q.stage,
      SQS_ENDPOINT: q.endpoint,
      RESERVATION_URL: upstream.url,
      PAYMENT_URL: upstream.url,
      WORKER_CONCURRENCY: "4",
      WORKER_WAIT_SECONDS: "1",
      WORKER_VISIBILITY_TIMEOUT_SEC: "2",
      WORKER_RETRY_BASE_SEC: "1",
      WORKER_QUEUE_STATS_MS: "200",
      SHUTDOWN_GRACE_MS: "3000",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
}

async function onQueue(): Promise<number> {
  const { Attributes = {} } = await q.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: q.queues.eventsUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

test("killing the worker mid-batch and restarting it still confirms every reservation exactly once", async () => {
  const ids = Array.from({ length: 24 }, (_, i) => `r_crash_${i}`);
  for (const id of ids) doubles.hold(id);
  doubles.confirmDelayMs = 300;
  await send(
    q.sqs,
    q.queues.eventsUrl,
    ids.map((id) => eventBody(detail.approved(id))),
  );

  const first = spawnWorker(freePort());
  await eventually(() => doubles.calls.confirm >= 6, 15_000);
  first.kill("SIGKILL"); // mid-batch: four confirms are in flight, none of their messages acked
  await first.exited;
  const confirmedAtKill = doubles.effects.confirmed;
  expect(confirmedAtKill).toBeLessThan(ids.length);

  const port = freePort();
  const second = spawnWorker(port);
  try {
    await eventually(async () => (await onQueue()) === 0, 30_000, 200);
    expect(doubles.effects.confirmed).toBe(ids.length);
    for (const id of ids) expect(doubles.reservations.get(id)?.orderId).toBe(`ord_${id}`);
    // Redelivered messages whose confirm had already landed were confirmed again, harmlessly.
    expect(doubles.calls.confirm).toBeGreaterThan(ids.length);

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { sqs: { ok: boolean } } }).checks.sqs.ok).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /worker_events_total\{type="payment.approved",outcome="confirmed",app="worker"\} \d+/,
    );
    expect(metrics).toMatch(/worker_queue_lag_seconds\{app="worker"\} [\d.]+/);
  } finally {
    second.kill("SIGTERM");
    expect(await second.exited).toBe(0); // graceful: drains and exits cleanly
  }
}, 60_000);
