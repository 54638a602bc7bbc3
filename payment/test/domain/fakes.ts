// In-memory fakes of the payment domain's ports, for the domain unit tests only.
import { PaymentError, type PaymentIntent, type PaymentStatus } from "../../src/domain/intent.ts";
import type {
  ClaimedJob,
  IntentPatch,
  IntentStore,
  Job,
  PaymentEvent,
  PaymentObserver,
  TransitionEffects,
  WebhookResult,
  WebhookSender,
} from "../../src/domain/ports.ts";

const jobKey = (job: Pick<Job, "intentId" | "kind" | "event">) =>
  `${job.intentId}/${job.kind}/${job.event?.type ?? ""}`;

/**
 * IntentStore in a Map, with the same first-writer-wins and lease rules as the DynamoDB one. It
 * records every transition that applied, effects included, so a test sees what one atomic write
 * carried; the events in them are what the real store's outbox publishes. The webhook first
 * attempts those records carry wait in `unsent` until the test publishes them (`takeUnsent`).
 */
export class MemoryIntentStore implements IntentStore {
  readonly intents = new Map<string, PaymentIntent>();
  readonly jobs = new Map<string, Job & { lease?: string }>();
  readonly transitions: Array<{ intentId: string; patch: IntentPatch; effects: TransitionEffects }> = [];
  private unsent: Array<{ url: string; event: PaymentEvent }> = [];
  private readonly claims = new Map<string, { intentId: string; fingerprint: string }>();

  /** The events handed over for the queue, in commit order. */
  get announced(): PaymentEvent[] {
    return this.transitions.flatMap((t) => (t.effects.event ? [t.effects.event] : []));
  }

  async create(intent: PaymentIntent, jobs: Job[], idempotency?: { key: string; fingerprint: string }) {
    if (idempotency) {
      const claim = this.claims.get(`${intent.userId}/${idempotency.key}`);
      if (claim && claim.fingerprint !== idempotency.fingerprint) {
        throw new PaymentError("IDEMPOTENCY_CONFLICT", "key reused");
      }
      if (claim)
        return { intent: structuredClone(this.intents.get(claim.intentId) as PaymentIntent), replayed: true };
      this.claims.set(`${intent.userId}/${idempotency.key}`, {
        intentId: intent.id,
        fingerprint: idempotency.fingerprint,
      });
    }
    this.intents.set(intent.id, structuredClone(intent));
    for (const job of jobs) this.jobs.set(jobKey(job), structuredClone(job));
    return { intent, replayed: false };
  }

  async get(id: string) {
    const intent = this.intents.get(id);
    return intent && structuredClone(intent);
  }

  async transition(current: PaymentIntent, patch: IntentPatch, effects: TransitionEffects) {
    const intent = this.intents.get(current.id);
    if (intent?.status !== current.status) return undefined;
    if (effects.done) this.jobs.delete(jobKey(effects.done));
    Object.assign(intent, patch);
    this.transitions.push(structuredClone({ intentId: current.id, patch, effects }));
    if (effects.event && effects.webhook) this.unsent.push({ url: effects.webhook, event: effects.event });
    return structuredClone(intent);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    const due = [...this.jobs.values()].filter((j) => j.dueAt <= now).slice(0, limit);
    return due.map((job) => {
      job.lease = crypto.randomUUID();
      job.dueAt = now + leaseMs;
      return structuredClone(job) as ClaimedJob;
    });
  }

  async complete(job: ClaimedJob) {
    if (this.jobs.get(jobKey(job))?.lease === job.lease) this.jobs.delete(jobKey(job));
  }

  /** The webhook first attempts of records not yet published, handed over once. */
  takeUnsent(): Array<{ url: string; event: PaymentEvent }> {
    const taken = this.unsent;
    this.unsent = [];
    return taken;
  }

  async schedule(job: Job) {
    if (!this.jobs.has(jobKey(job))) this.jobs.set(jobKey(job), structuredClone(job));
  }

  async reschedule(job: ClaimedJob, dueAt: number, attempts: number) {
    const stored = this.jobs.get(jobKey(job));
    if (stored?.lease !== job.lease) return;
    Object.assign(stored, { dueAt, attempts, lease: undefined });
  }
}

/** Answers each webhook with the next scripted result (the last one repeats). */
export class ScriptedWebhooks implements WebhookSender {
  readonly sent: Array<{ url: string; event: PaymentEvent }> = [];
  constructor(private readonly script: WebhookResult[] = ["delivered"]) {}
  async send(url: string, event: PaymentEvent) {
    this.sent.push({ url, event });
    return this.script[Math.min(this.sent.length - 1, this.script.length - 1)] ?? "delivered";
  }
}

/** Counts what the domain reports. */
export class CountingObserver implements PaymentObserver {
  readonly counts = new Map<string, number>();
  private bump(key: string) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  intentCreated(scenario: string, replayed: boolean) {
    this.bump(`created:${scenario}:${replayed}`);
  }
  outcome(status: PaymentStatus) {
    this.bump(`outcome:${status}`);
  }
  webhook(result: string) {
    this.bump(`webhook:${result}`);
  }
  jobRetried(kind: string) {
    this.bump(`retried:${kind}`);
  }
}
