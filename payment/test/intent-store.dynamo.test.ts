// The DynamoDB intent store on DynamoDB Local and fauxqs: first-writer-wins creation, exclusive
// job leases, and outcome events through the kit outbox (recorded with the change, published at
// commit, swept when the writer died).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { createLogger, Outbox, tableName } from "@tt/kit";
import { intentPk } from "../src/adapters/intent-items.ts";
import { DynamoIntentStore } from "../src/adapters/intent-store.dynamo.ts";
import { outboxMessage } from "../src/adapters/outbox-items.ts";
import { encodePaymentEvent } from "../src/adapters/payment-envelope.ts";
import type { PaymentIntent } from "../src/domain/intent.ts";
import { outcomeEvent } from "../src/domain/payment-simulator.ts";
import type { Job, JobKind } from "../src/domain/ports.ts";
import { type Backends, startBackends, takeBodies } from "./support.ts";

let b: Backends;
let store: DynamoIntentStore;
let outbox: Outbox;
let outboxTable: string;

/** An outbox on the test stage's table and queue; `staleMs` as the sweep under test needs. */
function outboxOf(staleMs = 60_000): Outbox {
  return new Outbox({
    ddb: b.dynamo,
    sqs: b.sqs,
    table: outboxTable,
    queueUrl: async () => b.queues.eventsUrl,
    log: createLogger("payment-test", "error", () => undefined),
    staleMs,
  });
}

beforeAll(async () => {
  b = await startBackends();
  outboxTable = tableName(b.stage, "payment-outbox");
  outbox = outboxOf();
  store = new DynamoIntentStore(b.dynamo, tableName(b.stage, "payments"), outbox);
}, 60_000);

afterAll(() => b?.stop());

let seq = 0;
function intent(overrides: Partial<PaymentIntent> = {}): PaymentIntent {
  seq += 1;
  return {
    id: `pi_store_${Date.now()}_${seq}`,
    reservationId: "rsv_1",
    userId: "u1",
    amount: 1000,
    currency: "KRW",
    scenario: "approve",
    status: "PENDING",
    plannedOutcome: "APPROVED",
    decideAt: 0,
    failureReason: "",
    refundReason: "",
    webhookUrl: "",
    traceparent: "",
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

const decideJob = (i: PaymentIntent, dueAt: number): Job => ({
  intentId: i.id,
  kind: "decide",
  attempts: 0,
  dueAt,
});

describe("DynamoIntentStore", () => {
  test("stores an intent and reads it back unchanged", async () => {
    const created = intent({ webhookUrl: "http://x/hook", traceparent: "00-abc-def-01" });
    await store.create(created, []);
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.get("pi_absent")).toBeUndefined();
  });

  test("concurrent creates with one idempotency key store one intent and all return it", async () => {
    const key = crypto.randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => store.create(intent(), [], { key, fingerprint: "f" })),
    );
    const ids = new Set(results.map((r) => (r.status === "fulfilled" ? r.value.intent.id : "rejected")));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === "fulfilled" && !r.value.replayed)).toHaveLength(1);
  });

  test("a transition applies only from the expected status", async () => {
    const created = intent();
    await store.create(created, []);
    const moved = await store.transition(created, { status: "APPROVED", updatedAt: 2 }, {});
    expect(moved?.status).toBe("APPROVED");
    expect(await store.transition(created, { status: "FAILED", updatedAt: 3 }, {})).toBeUndefined();
    expect((await store.get(created.id))?.status).toBe("APPROVED");
  });

  test("two pollers claiming at once never get the same job", async () => {
    const now = Date.now() + 3_600_000; // far enough ahead that only this test's jobs are new
    const intents = Array.from({ length: 12 }, () => intent());
    for (const i of intents) await store.create(i, [decideJob(i, now - 1000)]);
    const [a, c] = await Promise.all([store.claimDue(now, 60_000, 50), store.claimDue(now, 60_000, 50)]);
    const mine = (jobs: typeof a) => jobs.filter((j) => intents.some((i) => i.id === j.intentId));
    const claimed = [...mine(a), ...mine(c)].map((j) => j.intentId);
    expect(claimed.sort()).toEqual(intents.map((i) => i.id).sort());
    for (const job of [...a, ...c]) await store.complete(job);
  });

  test("a job whose runner died comes back when its lease lapses, and the dead runner can no longer finish it", async () => {
    const now = Date.now() + 7_200_000;
    const i = intent();
    await store.create(i, [decideJob(i, now)]);
    const [crashed] = (await store.claimDue(now, 500, 50)).filter((j) => j.intentId === i.id);
    expect(crashed).toBeDefined();
    expect((await store.claimDue(now + 100, 500, 50)).some((j) => j.intentId === i.id)).toBe(false);
    const [again] = (await store.claimDue(now + 600, 500, 50)).filter((j) => j.intentId === i.id);
    expect(again?.lease).not.toBe(crashed?.lease);
    if (crashed) await store.complete(crashed); // stale lease: ignored
    expect((await store.claimDue(now + 1200, 500, 50)).some((j) => j.intentId === i.id)).toBe(true);
  });

  test("a rescheduled job is due again at its new time with its attempt count", async () => {
    const now = Date.now() + 10_800_000;
    const i = intent();
    await store.create(i, [decideJob(i, now)]);
    const [job] = (await store.claimDue(now, 60_000, 50)).filter((j) => j.intentId === i.id);
    if (!job) throw new Error("job not claimed");
    await store.reschedule(job, now + 5000, 3);
    expect((await store.claimDue(now + 4000, 60_000, 50)).some((j) => j.intentId === i.id)).toBe(false);
    const [later] = (await store.claimDue(now + 5000, 60_000, 50)).filter((j) => j.intentId === i.id);
    expect(later?.attempts).toBe(3);
  });

  test("schedule stores a job for the poller, and keeps one already there as it is", async () => {
    const now = Date.now() + 12_600_000;
    const i = intent();
    await store.create(i, []);
    const retry: Job = { ...decideJob(i, now), kind: "webhook", event: eventFor(i, "APPROVED"), attempts: 1 };
    await store.schedule(retry);
    await store.schedule({ ...retry, attempts: 7, dueAt: now + 60_000 });
    const [job] = (await store.claimDue(now, 60_000, 50)).filter((j) => j.intentId === i.id);
    expect(job).toMatchObject({ kind: "webhook", attempts: 1, event: retry.event });
    if (job) await store.complete(job);
  });
});

/** Every record in the payment outbox table. */
async function outboxRecords() {
  const { Items = [] } = await b.dynamo.send(
    new ScanCommand({ TableName: outboxTable, ConsistentRead: true }),
  );
  return Items;
}

/** The event a store would be handed for `intent` entering `status`. */
const eventFor = (intent: PaymentIntent, status: "APPROVED" | "FAILED" | "REFUNDED", reason = "") =>
  outcomeEvent(
    {
      ...intent,
      status,
      failureReason: status === "FAILED" ? reason : "",
      refundReason: status === "REFUNDED" ? reason : "",
    },
    Date.now(),
  );

describe("DynamoIntentStore outcome events (kit outbox)", () => {
  test("an approval then a refund each reach the queue at commit, as the exact envelope, and leave the outbox table empty", async () => {
    const created = intent({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    await store.create(created, []);
    const approved = eventFor(created, "APPROVED");
    const afterApproval = await store.transition(
      created,
      { status: "APPROVED", updatedAt: approved.time },
      { event: approved },
    );
    if (!afterApproval) throw new Error("approval refused");
    const refunded = eventFor(afterApproval, "REFUNDED", "reservation_expired");
    await store.transition(
      afterApproval,
      { status: "REFUNDED", refundReason: "reservation_expired", updatedAt: refunded.time },
      { event: refunded },
    );
    await outbox.drain();

    // Byte for byte the body the SQS publisher used to send (one envelope per outcome).
    expect((await takeBodies(b.sqs, b.queues.eventsUrl)).sort()).toEqual(
      [encodePaymentEvent(approved), encodePaymentEvent(refunded)].sort(),
    );
    expect(await outboxRecords()).toEqual([]);
    // One intent's two outcomes share the partition but not the record.
    const [a, r] = [outboxMessage(approved), outboxMessage(refunded)];
    expect([a.pk, r.pk]).toEqual([intentPk(created.id), intentPk(created.id)]);
    expect([a.sk, r.sk]).toEqual(["payment.approved", "payment.refunded"]);
  });

  test("a transition refused by the status condition records and sends nothing", async () => {
    const created = intent();
    await store.create(created, []);
    await store.transition(created, { status: "APPROVED", updatedAt: 2 }, {});
    const late = eventFor(created, "FAILED", "card_declined");
    expect(
      await store.transition(created, { status: "FAILED", updatedAt: 3 }, { event: late }),
    ).toBeUndefined();
    await outbox.drain();
    expect(await outboxRecords()).toEqual([]);
    expect(await takeBodies(b.sqs, b.queues.eventsUrl)).toEqual([]);
  });

  test("a record whose writer died after the commit is published by the sweep once it is stale", async () => {
    // Longer than the checks below take (an empty queue read waits a second).
    const STALE_MS = 2000;
    // The writer commits the change with its record, then dies before publishing it.
    const dying = new DynamoIntentStore(b.dynamo, tableName(b.stage, "payments"), {
      put: (message) => outbox.put(message),
      committed: () => undefined,
    });
    const created = intent();
    await dying.create(created, []);
    const approved = eventFor(created, "APPROVED");
    await dying.transition(created, { status: "APPROVED", updatedAt: approved.time }, { event: approved });
    const survivor = outboxOf(STALE_MS);
    // A young record belongs to a writer that may still be publishing it: not yet.
    expect(await survivor.sweep()).toBe(0);
    const left = await outboxRecords();
    expect(left.map((i) => [i.pk?.S, i.sk?.S, i.body?.S])).toEqual([
      [intentPk(created.id), "payment.approved", encodePaymentEvent(approved)],
    ]);
    expect(await takeBodies(b.sqs, b.queues.eventsUrl)).toEqual([]);

    await Bun.sleep(Math.max(0, approved.time + STALE_MS + 100 - Date.now()));
    expect(await survivor.sweep()).toBe(1);
    expect(await takeBodies(b.sqs, b.queues.eventsUrl)).toEqual([encodePaymentEvent(approved)]);
    expect(await outboxRecords()).toEqual([]);
  });

  test("a publish job left by the previous version is handed to the outbox when claimed, not run", async () => {
    const now = Date.now() + 14_400_000;
    const created = intent();
    const approved = eventFor(created, "APPROVED");
    const legacy: Job = {
      intentId: created.id,
      kind: "publish" as JobKind,
      event: approved,
      attempts: 0,
      dueAt: now - 1000,
    };
    await store.create({ ...created, status: "APPROVED" }, [legacy]);
    const claimed = await store.claimDue(now, 60_000, 50);
    expect(claimed.filter((j) => j.intentId === created.id)).toEqual([]);
    await outbox.drain();
    expect(await takeBodies(b.sqs, b.queues.eventsUrl)).toEqual([encodePaymentEvent(approved)]);
    expect(await outboxRecords()).toEqual([]);
    // The job went with the hand-over: nothing comes back for it after its lease.
    expect((await store.claimDue(now + 120_000, 60_000, 50)).some((j) => j.intentId === created.id)).toBe(
      false,
    );
  });
});
