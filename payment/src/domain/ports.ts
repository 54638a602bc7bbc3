/** The narrow interfaces the payment domain needs; adapters implement them. */
import type { PaymentIntent, PaymentStatus } from "./intent.ts";

/** Types of the events the simulator emits. */
export type PaymentEventType = "payment.approved" | "payment.failed" | "payment.refunded";

/** An outcome as it leaves the simulator (queue message and webhook body). */
export interface PaymentEvent {
  /** Stable per intent and type, so a re-sent event is recognisably the same one. */
  id: string;
  type: PaymentEventType;
  /** Epoch milliseconds of the decision. */
  time: number;
  /** W3C traceparent of the request that created the intent ("" when none). */
  traceparent: string;
  detail: {
    paymentIntentId: string;
    reservationId: string;
    userId: string;
    amount: number;
    currency: string;
    reason: string;
    /** payment.approved only: payment's signed statement of the approval ("" when unsigned). */
    approval?: string;
  };
}

/** Signs an approval, so the confirm it leads to need not ask payment again (docs/architecture.md). */
export interface ApprovalSigner {
  /** The signed statement that `intent` is APPROVED; "" when this process cannot sign. */
  sign(intent: PaymentIntent): Promise<string>;
}

/**
 * Durable work: decide an intent, or retry a webhook whose first attempt failed. (The queue event
 * and the webhook's first attempt are not jobs: the store records the event with the change that
 * caused it and publishes it after the commit, see `TransitionEffects`.)
 */
export type JobKind = "decide" | "webhook";

/** One unit of durable work, stored next to its intent so it survives restarts. */
export interface Job {
  intentId: string;
  kind: JobKind;
  /** Set for webhook jobs: exactly what to send, every attempt. */
  event?: PaymentEvent;
  /** Where a webhook job posts. */
  url?: string;
  attempts: number;
  dueAt: number;
  /**
   * Set when the process that wrote the job runs it itself at `dueAt` (holding `lease`): the
   * stored job only becomes due for pollers at this later time, should that process die.
   */
  takeoverAt?: number;
  lease?: string;
  /** The intent as its writer knew it (in memory only; the status condition guards staleness). */
  intent?: PaymentIntent;
}

/** A job leased to one runner until it is completed, rescheduled or the lease runs out. */
export interface ClaimedJob extends Job {
  /** Opaque lease token; only the holder may complete or reschedule the job. */
  lease: string;
}

/** Fields a transition may change besides the status. */
export type IntentPatch = Partial<Pick<PaymentIntent, "failureReason" | "refundReason">> & {
  status: PaymentStatus;
  updatedAt: number;
};

/** What a transition writes besides the intent's new state, all in the same atomic write. */
export interface TransitionEffects {
  /** A job finished by this very change, removed with it. */
  done?: ClaimedJob;
  /**
   * The outcome to announce on the event queue. The store records it in the same write as the
   * change (so it is announced exactly when the change happened, even if this process dies right
   * after) and publishes it once the write has committed; delivery is at least once.
   */
  event?: PaymentEvent;
  /**
   * The intent's webhook URL, when `event` is to be posted there too. The store keeps it with the
   * event's record and, once the event is on the queue and before that record goes, has
   * `PaymentSimulator.firstAttempt` post it: the record is what makes the first attempt durable,
   * so a delivered webhook costs no job of its own (docs/architecture.md, "Payment jobs").
   */
  webhook?: string;
}

/** Where intents, their jobs and their pending announcements live. */
export interface IntentStore {
  /**
   * Stores a new intent and its jobs. With an idempotency key the key is claimed in the same
   * write; if it was claimed before, the earlier intent is returned with `replayed: true`, or
   * IDEMPOTENCY_CONFLICT is thrown when the fingerprint differs.
   */
  create(
    intent: PaymentIntent,
    jobs: Job[],
    idempotency?: { key: string; fingerprint: string },
  ): Promise<{ intent: PaymentIntent; replayed: boolean }>;
  /** The intent, or undefined. */
  get(id: string): Promise<PaymentIntent | undefined>;
  /**
   * Moves `current` (as the caller read it) out of its status together with `effects`, atomically;
   * returns the intent as it now is, or undefined if it was no longer in that status (then none
   * of the effects happened).
   */
  transition(
    current: PaymentIntent,
    patch: IntentPatch,
    effects: TransitionEffects,
  ): Promise<PaymentIntent | undefined>;
  /** Leases up to `limit` jobs due at `now` for `leaseMs`. */
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]>;
  /** Removes a finished job (a no-op if the lease was lost). */
  complete(job: ClaimedJob): Promise<void>;
  /** Puts a job back to run again at `dueAt` with its attempt count. */
  reschedule(job: ClaimedJob, dueAt: number, attempts: number): Promise<void>;
  /**
   * Stores a new job, due at `job.dueAt` for the poller (a webhook's retries after a failed first
   * attempt). A job already stored under its key is kept as it is: a repeated first attempt must
   * not restart the retries of an earlier one.
   */
  schedule(job: Job): Promise<void>;
}

/** How a webhook delivery went. */
export type WebhookResult = "delivered" | "retry" | "rejected";

/** POSTs a signed event to a merchant URL. */
export interface WebhookSender {
  send(url: string, event: PaymentEvent): Promise<WebhookResult>;
}

/** What the domain reports for metrics; the adapter decides names. */
export interface PaymentObserver {
  intentCreated(scenario: string, replayed: boolean): void;
  outcome(status: PaymentStatus): void;
  webhook(result: WebhookResult | "gave_up"): void;
  jobRetried(kind: JobKind): void;
}
