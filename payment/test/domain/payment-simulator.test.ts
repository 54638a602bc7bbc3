import { describe, expect, test } from "bun:test";
import { type CreateIntentInput, PaymentError } from "../../src/domain/intent.ts";
import { eventIdFor, PaymentSimulator } from "../../src/domain/payment-simulator.ts";
import type { WebhookResult } from "../../src/domain/ports.ts";
import { planOutcome } from "../../src/domain/scenario.ts";
import { CountingObserver, MemoryIntentStore, ScriptedWebhooks } from "./fakes.ts";

const SCENARIOS = { approveDelayMs: 1000, slowDelayMs: 5000, randomApproveRate: 0.5 };

function setup(webhookScript: WebhookResult[] = ["delivered"]) {
  const clock = { now: 1_700_000_000_000 };
  const store = new MemoryIntentStore();
  const webhooks = new ScriptedWebhooks(webhookScript);
  const observer = new CountingObserver();
  let n = 0;
  const sim = new PaymentSimulator({
    store,
    webhooks,
    observer,
    scenarios: SCENARIOS,
    delivery: { retryBaseMs: 100, retryMaxMs: 1000, webhookMaxAttempts: 3 },
    now: () => clock.now,
    newId: () => `pi_${++n}`,
    random: () => 0.25,
  });
  /**
   * Moves the clock and runs every job due by then, as the poller would, and after each commit
   * what its outbox record carries (the webhook's first attempt), as the outbox would.
   */
  async function advance(ms: number) {
    clock.now += ms;
    for (let round = 0; round < 20; round++) {
      const unsent = store.takeUnsent();
      for (const { url, event } of unsent) await sim.firstAttempt(url, event);
      const jobs = await store.claimDue(clock.now, 30_000, 100);
      if (jobs.length === 0 && unsent.length === 0) return;
      for (const job of jobs) await sim.runJob(job);
    }
  }
  return { clock, store, webhooks, observer, sim, advance };
}

const input = (overrides: Partial<CreateIntentInput> = {}): CreateIntentInput => ({
  reservationId: "rsv_1",
  userId: "u1",
  amount: 50_000,
  currency: "KRW",
  scenario: "approve",
  webhookUrl: "",
  idempotencyKey: "",
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PaymentError) return error;
    throw error;
  }
  throw new Error("expected a PaymentError");
}

describe("creating an intent", () => {
  test("starts PENDING and is approved about a second later, announcing payment.approved once", async () => {
    const { sim, store, advance } = setup();
    const intent = (await sim.create(input())).intent;
    expect(intent.status).toBe("PENDING");
    await advance(999);
    expect((await sim.get(intent.id)).status).toBe("PENDING");
    await advance(1);
    expect((await sim.get(intent.id)).status).toBe("APPROVED");
    expect(store.announced.map((e) => e.type)).toEqual(["payment.approved"]);
    expect(store.announced[0]?.detail).toMatchObject({
      paymentIntentId: intent.id,
      amount: 50_000,
      currency: "KRW",
    });
  });

  test("refuses a zero, negative or fractional amount and a currency that is not ISO 4217", async () => {
    const { sim } = setup();
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      const error = await rejection(sim.create(input({ amount })));
      expect([error.code, error.field]).toEqual(["VALIDATION_FAILED", "amount"]);
    }
    for (const currency of ["krw", "KR", "KRWW", "", "12A"]) {
      const error = await rejection(sim.create(input({ currency })));
      expect([error.code, error.field]).toEqual(["VALIDATION_FAILED", "currency"]);
    }
    expect((await rejection(sim.create(input({ reservationId: "" })))).field).toBe("reservation_id");
    expect((await rejection(sim.create(input({ webhookUrl: "ftp://x" })))).field).toBe("webhook_url");
  });

  test("returns the first intent when the idempotency key is replayed, and refuses a different body", async () => {
    const { sim, store } = setup();
    const first = (await sim.create(input({ idempotencyKey: "k1" }))).intent;
    const again = (await sim.create(input({ idempotencyKey: "k1" }))).intent;
    expect(again.id).toBe(first.id);
    expect(store.intents.size).toBe(1);
    const error = await rejection(sim.create(input({ idempotencyKey: "k1", amount: 1 })));
    expect(error.code).toBe("IDEMPOTENCY_CONFLICT");
  });

  test("an unknown intent is NOT_FOUND", async () => {
    const { sim } = setup();
    expect((await rejection(sim.get("pi_nope"))).code).toBe("NOT_FOUND");
  });
});

describe("scenarios", () => {
  test("fail declines after the approve delay; delay approves after the slow delay", async () => {
    const { sim, advance } = setup();
    const failing = (await sim.create(input({ scenario: "fail" }))).intent;
    const slow = (await sim.create(input({ scenario: "delay" }))).intent;
    await advance(1000);
    expect((await sim.get(failing.id)).status).toBe("FAILED");
    expect((await sim.get(failing.id)).failureReason).toBe("card_declined");
    expect((await sim.get(slow.id)).status).toBe("PENDING");
    await advance(4000);
    expect((await sim.get(slow.id)).status).toBe("APPROVED");
  });

  test("random draws its outcome once, at creation, from the configured odds", () => {
    const approve = planOutcome("random", 0, { ...SCENARIOS, randomApproveRate: 1 }, () => 0.99);
    const decline = planOutcome("random", 0, { ...SCENARIOS, randomApproveRate: 0 }, () => 0);
    expect(approve.outcome).toBe("APPROVED");
    expect(decline.outcome).toBe("FAILED");
    expect(approve.decideAt).toBeGreaterThanOrEqual(1000);
    expect(approve.decideAt).toBeLessThanOrEqual(5000);
  });
});

describe("manual decisions and refunds", () => {
  test("processing a PENDING intent decides it at once; the scheduled decision then changes nothing", async () => {
    const { sim, store, advance } = setup();
    const intent = (await sim.create(input({ scenario: "delay" }))).intent;
    expect((await sim.process(intent.id, "FAILED")).status).toBe("FAILED");
    expect((await sim.process(intent.id, "FAILED")).status).toBe("FAILED");
    const error = await rejection(sim.process(intent.id, "APPROVED"));
    expect(error.code).toBe("INVALID_STATE");
    await advance(10_000);
    expect(store.announced.map((e) => e.type)).toEqual(["payment.failed"]);
  });

  test("refunds an approved intent once, announcing payment.refunded; a second refund returns the same intent", async () => {
    const { sim, store, advance } = setup();
    const intent = (await sim.create(input())).intent;
    await advance(1000);
    const refunded = await sim.refund(intent.id, "reservation_expired");
    expect(refunded.status).toBe("REFUNDED");
    expect((await sim.refund(intent.id, "again")).refundReason).toBe("reservation_expired");
    await advance(0);
    expect(store.announced.map((e) => e.type)).toEqual(["payment.approved", "payment.refunded"]);
  });

  test("a PENDING or FAILED intent cannot be refunded", async () => {
    const { sim, advance } = setup();
    const pending = (await sim.create(input())).intent;
    expect((await rejection(sim.refund(pending.id, ""))).code).toBe("INVALID_STATE");
    const failed = (await sim.create(input({ scenario: "fail" }))).intent;
    await advance(1000);
    expect((await rejection(sim.refund(failed.id, ""))).code).toBe("INVALID_STATE");
  });
});

describe("announcing outcomes", () => {
  test("a scheduled decision hands its event to the store in the very transition that decides, with the job it finishes", async () => {
    const { sim, store, advance, clock } = setup();
    const intent = (await sim.create(input({ webhookUrl: "http://merchant.test/hook" }))).intent;
    await advance(1000);
    expect(store.transitions).toHaveLength(1);
    const [decided] = store.transitions;
    expect(decided?.patch).toMatchObject({ status: "APPROVED", failureReason: "" });
    expect(decided?.effects.event).toEqual({
      id: eventIdFor(intent.id, "payment.approved"),
      type: "payment.approved",
      time: clock.now,
      traceparent: "",
      detail: {
        paymentIntentId: intent.id,
        reservationId: "rsv_1",
        userId: "u1",
        amount: 50_000,
        currency: "KRW",
        reason: "",
      },
    });
    expect(decided?.effects.done?.kind).toBe("decide");
    // Neither the queue event nor the webhook is a job: the event's record carries the webhook,
    // whose first attempt (delivered here) wrote nothing.
    expect(decided?.effects.webhook).toBe("http://merchant.test/hook");
    expect(store.jobs.size).toBe(0);
    expect(decided?.effects.event?.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test("a manual decline and a refund each hand their event to the store with their status, reasons included", async () => {
    const { sim, store, advance } = setup();
    const declined = (await sim.create(input({ scenario: "delay" }))).intent;
    await sim.process(declined.id, "FAILED");
    const approved = (await sim.create(input())).intent;
    await advance(1000);
    await sim.refund(approved.id, "reservation_expired");
    const byIntent = store.transitions.map((t) => ({
      intentId: t.intentId,
      status: t.patch.status,
      event: t.effects.event?.type,
      reason: t.effects.event?.detail.reason,
      eventFor: t.effects.event?.detail.paymentIntentId,
      webhook: t.effects.webhook ?? "none",
    }));
    expect(byIntent).toEqual([
      {
        intentId: declined.id,
        status: "FAILED",
        event: "payment.failed",
        reason: "declined_manually",
        eventFor: declined.id,
        webhook: "none",
      },
      {
        intentId: approved.id,
        status: "APPROVED",
        event: "payment.approved",
        reason: "",
        eventFor: approved.id,
        webhook: "none",
      },
      {
        intentId: approved.id,
        status: "REFUNDED",
        event: "payment.refunded",
        reason: "reservation_expired",
        eventFor: approved.id,
        webhook: "none",
      },
    ]);
  });

  test("a decision that loses the race to another announces nothing", async () => {
    const { sim, store, advance } = setup();
    const intent = (await sim.create(input())).intent;
    // The manual decision wins; the scheduled one then finds the intent decided.
    await sim.process(intent.id, "APPROVED");
    await advance(1000);
    expect(store.announced.map((e) => e.type)).toEqual(["payment.approved"]);
    expect(store.jobs.size).toBe(0);
  });

  test("posts the webhook, retries a failing receiver with backoff, then gives up after the attempt limit", async () => {
    const { sim, webhooks, observer, advance } = setup(["retry"]);
    await sim.create(input({ webhookUrl: "http://merchant.test/hook" }));
    await advance(1000);
    expect(webhooks.sent).toHaveLength(1);
    await advance(100); // first backoff is 50–100 ms
    expect(webhooks.sent).toHaveLength(2);
    await advance(10_000);
    expect(webhooks.sent).toHaveLength(3);
    expect(observer.counts.get("webhook:gave_up")).toBe(1);
    expect(new Set(webhooks.sent.map((s) => s.event.id)).size).toBe(1);
  });

  test("a failed first attempt leaves a retry job that already counts it (a delivered one, none)", async () => {
    const { sim, store, webhooks, clock, advance } = setup(["retry", "delivered"]);
    await sim.create(input({ webhookUrl: "http://merchant.test/hook" }));
    await advance(1000);
    expect(webhooks.sent).toHaveLength(1);
    const [retry] = [...store.jobs.values()];
    expect(retry).toMatchObject({ kind: "webhook", url: "http://merchant.test/hook", attempts: 1 });
    expect(retry?.event).toEqual(webhooks.sent[0]?.event);
    expect(retry?.dueAt).toBeGreaterThanOrEqual(clock.now + 50);
    expect(retry?.dueAt).toBeLessThanOrEqual(clock.now + 100);
    await advance(100);
    expect(webhooks.sent).toHaveLength(2);
    expect(store.jobs.size).toBe(0);
  });

  test("a first attempt repeated after a crash keeps the retries already under way", async () => {
    const { sim, store, webhooks, advance } = setup(["retry"]);
    await sim.create(input({ webhookUrl: "http://merchant.test/hook" }));
    await advance(1000);
    await advance(100); // the retry job's own attempt: 2 in all
    const first = webhooks.sent[0];
    if (!first) throw new Error("nothing was posted");
    await sim.firstAttempt(first.url, first.event); // the sweep sends the event again and posts again
    expect(webhooks.sent).toHaveLength(3);
    expect([...store.jobs.values()].map((j) => j.attempts)).toEqual([2]);
  });

  test("a receiver that answers 4xx is not retried", async () => {
    const { sim, webhooks, advance } = setup(["rejected"]);
    await sim.create(input({ webhookUrl: "http://merchant.test/hook" }));
    await advance(60_000);
    expect(webhooks.sent).toHaveLength(1);
  });
});
