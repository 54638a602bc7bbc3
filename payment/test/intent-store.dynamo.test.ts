// The DynamoDB intent store on DynamoDB Local: first-writer-wins creation and exclusive job leases.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tableName } from "@tt/kit";
import { DynamoIntentStore } from "../src/adapters/intent-store.dynamo.ts";
import type { PaymentIntent } from "../src/domain/intent.ts";
import type { Job } from "../src/domain/ports.ts";
import { type Backends, startBackends } from "./support.ts";

let b: Backends;
let store: DynamoIntentStore;

beforeAll(async () => {
  b = await startBackends();
  store = new DynamoIntentStore(b.dynamo, tableName(b.stage, "payments"));
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
    const moved = await store.transition(created, { status: "APPROVED", updatedAt: 2 }, []);
    expect(moved?.status).toBe("APPROVED");
    expect(await store.transition(created, { status: "FAILED", updatedAt: 3 }, [])).toBeUndefined();
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
});
