import { backoffDelay } from "@tt/kit";
import {
  type CreateIntentInput,
  type Outcome,
  PaymentError,
  type PaymentIntent,
  requestFingerprint,
  validateCreate,
} from "./intent.ts";
import { outcomeEvent } from "./payment-events.ts";
import type {
  ApprovalSigner,
  ClaimedJob,
  IntentStore,
  Job,
  PaymentEvent,
  PaymentObserver,
  WebhookSender,
} from "./ports.ts";
import { DECLINED, planOutcome, type ScenarioSettings } from "./scenario.ts";

export { eventIdFor, outcomeEvent } from "./payment-events.ts";

/** Retry policy of webhook delivery. */
export interface DeliverySettings {
  /** First retry delay; doubles per attempt. */
  retryBaseMs: number;
  /** Ceiling of the retry delay. */
  retryMaxMs: number;
  /** Webhook attempts before giving up. */
  webhookMaxAttempts: number;
}

/** Everything the simulator depends on. */
export interface PaymentSimulatorDeps {
  store: IntentStore;
  webhooks: WebhookSender;
  observer: PaymentObserver;
  scenarios: ScenarioSettings;
  delivery: DeliverySettings;
  now?: () => number;
  newId?: () => string;
  random?: () => number;
  /** The caller's trace, carried into the events so the worker continues it. */
  traceparent?: () => string;
  /**
   * Runs a job this process just wrote at its due time, without waiting for a poll (see
   * `takeoverMs`); absent, every job waits for the poller.
   */
  runSoon?: (job: ClaimedJob) => void;
  /** How long after its due time a job written here may be taken over by a poller. */
  takeoverMs?: number;
  /** Signs each approval into its event; absent, approvals go unsigned (confirm then asks). */
  approvals?: ApprovalSigner;
}

/** What an intent id can look like (ids are made by `newIntentId`; tests may name their own). */
const INTENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The intent's id, a fresh one per intent; `pi_` marks the kind in logs and URLs. */
export function newIntentId(): string {
  return `pi_${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * The payment simulator: creates intents, decides them on schedule or by hand, refunds, and
 * announces each outcome: on the queue through the store (recorded with the change itself), and
 * by webhook, first once the event is on the queue (`firstAttempt`), then through a durable retry
 * job only if that attempt failed.
 */
export class PaymentSimulator {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly random: () => number;
  private readonly traceparent: () => string;

  constructor(private readonly deps: PaymentSimulatorDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? newIntentId;
    this.random = deps.random ?? Math.random;
    this.traceparent = deps.traceparent ?? (() => "");
  }

  /** Creates a PENDING intent whose scenario decides it later; a replayed key returns the first intent. */
  async create(input: CreateIntentInput): Promise<{ intent: PaymentIntent; replayed: boolean }> {
    validateCreate(input);
    const now = this.now();
    const plan = planOutcome(input.scenario, now, this.deps.scenarios, this.random);
    const intent: PaymentIntent = {
      id: this.newId(),
      reservationId: input.reservationId,
      userId: input.userId,
      amount: input.amount,
      currency: input.currency,
      scenario: input.scenario,
      status: "PENDING",
      plannedOutcome: plan.outcome,
      decideAt: plan.decideAt,
      failureReason: "",
      refundReason: "",
      webhookUrl: input.webhookUrl,
      traceparent: this.traceparent(),
      createdAt: now,
      updatedAt: now,
    };
    const decide = this.owned<Job>({
      intentId: intent.id,
      kind: "decide",
      attempts: 0,
      dueAt: plan.decideAt,
      intent,
    });
    const idempotency = input.idempotencyKey
      ? { key: input.idempotencyKey, fingerprint: requestFingerprint(input) }
      : undefined;
    const result = await this.deps.store.create(intent, [decide], idempotency);
    this.deps.observer.intentCreated(input.scenario, result.replayed);
    if (!result.replayed) this.runOwned([decide]);
    return result;
  }

  /**
   * The intent, or NOT_FOUND. An id no intent can have (not the shape ids are made in, or longer
   * than a store key may be) is not looked up: a 3 KB id made DynamoDB refuse the key, which read
   * as the store being down (503) to the fuzzer.
   */
  async get(id: string): Promise<PaymentIntent> {
    const intent = INTENT_ID.test(id) ? await this.deps.store.get(id) : undefined;
    if (!intent) throw new PaymentError("NOT_FOUND", `payment intent ${id} not found`, "payment_intent_id");
    return intent;
  }

  /** Decides a PENDING intent by hand; repeating the same decision returns it unchanged. */
  async process(id: string, outcome: Outcome): Promise<PaymentIntent> {
    const reason = outcome === "FAILED" ? "declined_manually" : "";
    const { intent: decided } = await this.decide(id, outcome, reason);
    if (decided.status !== outcome) {
      throw new PaymentError("INVALID_STATE", `payment intent ${id} is already ${decided.status}`);
    }
    return decided;
  }

  /** Returns the money of an APPROVED intent; refunding twice returns the refunded intent. */
  async refund(id: string, reason: string): Promise<PaymentIntent> {
    const current = await this.get(id);
    if (current.status === "REFUNDED") return current;
    if (current.status !== "APPROVED") {
      throw new PaymentError("INVALID_STATE", `payment intent ${id} is ${current.status}, not APPROVED`);
    }
    const now = this.now();
    const refunded = {
      ...current,
      status: "REFUNDED" as const,
      refundReason: reason || "requested",
      updatedAt: now,
    };
    const moved = await this.deps.store.transition(
      current,
      { status: "REFUNDED", refundReason: refunded.refundReason, updatedAt: now },
      this.announce(refunded),
    );
    if (moved) this.deps.observer.outcome("REFUNDED");
    // Lost a race with another refund: the store now holds the answer.
    return moved ?? this.refundedOrThrow(id);
  }

  private async refundedOrThrow(id: string): Promise<PaymentIntent> {
    const again = await this.get(id);
    if (again.status !== "REFUNDED")
      throw new PaymentError("INVALID_STATE", `payment intent ${id} is ${again.status}`);
    return again;
  }

  /** PENDING → outcome with its announcements; returns the intent as it now stands. */
  private async decide(
    id: string,
    outcome: Outcome,
    reason: string,
    known?: PaymentIntent,
    job?: ClaimedJob,
  ): Promise<{ intent: PaymentIntent; moved: boolean }> {
    const current = known ?? (await this.get(id));
    if (current.status !== "PENDING") return { intent: current, moved: false };
    const now = this.now();
    const decided: PaymentIntent = { ...current, status: outcome, failureReason: reason, updatedAt: now };
    // Signed before the write, so the recorded event (queue and webhook alike) carries it.
    const approval = outcome === "APPROVED" ? ((await this.deps.approvals?.sign(decided)) ?? "") : "";
    const moved = await this.deps.store.transition(
      current,
      { status: outcome, failureReason: reason, updatedAt: now },
      { ...this.announce(decided, approval), done: job },
    );
    if (moved) {
      this.deps.observer.outcome(outcome);
      return { intent: moved, moved: true };
    }
    return { intent: await this.get(id), moved: false };
  }

  // A job this process will run itself at its due time: it holds the lease from the start, and
  // pollers see it only `takeoverMs` later (if this process died first). The poller is then a
  // backstop that finds nothing to do, instead of the 200 ms loop every job waited for.
  private owned<J extends Job>(job: J): J & ClaimedJob {
    if (!this.deps.runSoon) return { ...job, lease: "" };
    const takeoverAt = job.dueAt + (this.deps.takeoverMs ?? 10_000);
    return { ...job, lease: crypto.randomUUID(), takeoverAt };
  }

  private runOwned(jobs: Array<Job & { lease?: string }>): void {
    for (const job of jobs) if (job.lease) this.deps.runSoon?.(job as ClaimedJob);
  }

  /**
   * What tells the world about an intent's new status: the event for the queue (the store writes
   * it with the change and publishes it after the commit) and, when the intent has a webhook, its
   * URL, so the store has the same event posted there once it is on the queue (`firstAttempt`).
   */
  private announce(intent: PaymentIntent, approval = ""): { event: PaymentEvent; webhook?: string } {
    const event = outcomeEvent(intent, this.now(), approval);
    return intent.webhookUrl ? { event, webhook: intent.webhookUrl } : { event };
  }

  /**
   * The webhook's first attempt, run by the store once the event is on the queue and before the
   * event's outbox record is deleted (that record keeps it durable: if this process dies first,
   * the outbox sweep sends the event again and comes back here). Only a failed attempt that may
   * be retried writes anything: the retry job. Throws when that job cannot be stored, so the
   * record stays for the sweep.
   */
  async firstAttempt(url: string, event: PaymentEvent): Promise<void> {
    const retryAt = await this.attempt(url, event, 1);
    if (retryAt === undefined) return;
    const intentId = event.detail.paymentIntentId;
    await this.deps.store.schedule({ intentId, kind: "webhook", event, url, attempts: 1, dueAt: retryAt });
  }

  /** Runs one leased job to completion or reschedules it; storage failures propagate (the lease then lapses). */
  async runJob(job: ClaimedJob): Promise<void> {
    const { store } = this.deps;
    switch (job.kind) {
      case "decide": {
        // Run by its writer, the job still knows the intent: no read (a stale copy only fails
        // the transition's status condition, and is then read afresh).
        const intent = job.intent ?? (await store.get(job.intentId));
        if (intent?.status === "PENDING") {
          const reason = intent.plannedOutcome === "FAILED" ? DECLINED : "";
          // Decided here, the job went with the decision; otherwise it is still there to remove.
          if ((await this.decide(intent.id, intent.plannedOutcome, reason, intent, job)).moved) return;
        }
        return store.complete(job);
      }
      case "webhook":
        return this.runWebhook(job);
    }
  }

  private async runWebhook(job: ClaimedJob): Promise<void> {
    if (!job.event || !job.url) return this.deps.store.complete(job);
    const attempts = job.attempts + 1;
    const retryAt = await this.attempt(job.url, job.event, attempts);
    if (retryAt === undefined) return this.deps.store.complete(job);
    return this.deps.store.reschedule(job, retryAt, attempts);
  }

  /** Posts the `attempts`-th delivery; returns when to try again, or undefined when delivery is over. */
  private async attempt(url: string, event: PaymentEvent, attempts: number): Promise<number | undefined> {
    const result = await this.deps.webhooks.send(url, event).catch(() => "retry" as const);
    if (result !== "retry" || attempts >= this.deps.delivery.webhookMaxAttempts) {
      this.deps.observer.webhook(result === "retry" ? "gave_up" : result);
      return undefined;
    }
    this.deps.observer.webhook("retry");
    this.deps.observer.jobRetried("webhook");
    const { retryBaseMs, retryMaxMs } = this.deps.delivery;
    // Jitter (50–100 % of the step) so many failed deliveries to one host do not retry in lockstep.
    const delay = backoffDelay(
      attempts - 1,
      { baseMs: retryBaseMs, maxMs: retryMaxMs, jitter: 0.5 },
      this.random,
    );
    return this.now() + Math.round(delay);
  }
}
