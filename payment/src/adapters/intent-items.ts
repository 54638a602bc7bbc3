/**
 * How intents, idempotency claims and jobs are laid out in the `payments` table. Intents and
 * their jobs share a partition (`PI#<id>`) so one transaction covers a decision and its
 * announcements; due jobs are found through the sparse gsi1, spread over a few shards so the
 * poller's queries do not all land on one partition.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Outcome, PaymentIntent, PaymentStatus, Scenario } from "../domain/intent.ts";
import type { ClaimedJob, Job, PaymentEvent } from "../domain/ports.ts";

type Item = Record<string, AttributeValue>;

/** Number of gsi1 partitions due jobs are spread over; the poller queries each. */
export const JOB_SHARDS = 4;

/** Sort key of the intent item. */
export const INTENT_SK = "INTENT";

/** Partition key of an intent and its jobs. */
export const intentPk = (id: string) => `PI#${id}`;

/** Key of an idempotency claim, scoped to the user so keys of different users never collide. */
export const idempotencyKey = (userId: string, key: string): Item => ({
  pk: { S: `IDEM#${userId}#${key}` },
  sk: { S: "IDEM" },
});

/** Sort key of a job: one decide job per intent, one webhook job per event type. */
export const jobSk = (job: Pick<Job, "kind" | "event">) =>
  job.event ? `JOB#${job.kind}#${job.event.type}` : `JOB#${job.kind}`;

/** The gsi1 shard of an intent's jobs (a stable hash of its id). */
export function jobShard(intentId: string): string {
  let hash = 0;
  for (const ch of intentId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `JOBS#${hash % JOB_SHARDS}`;
}

/** gsi1 sort key: zero-padded due time first so a range query finds everything due. */
export function dueKey(dueAt: number, intentId: string, sk: string): string {
  return `${String(dueAt).padStart(15, "0")}#${intentId}#${sk}`;
}

/** Upper bound of gsi1sk for "due at or before `now`". */
export const dueUpTo = (now: number) => `${String(now).padStart(15, "0")}~`;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/** The intent as an item. */
export function intentToItem(intent: PaymentIntent): Item {
  return {
    pk: s(intentPk(intent.id)),
    sk: s(INTENT_SK),
    id: s(intent.id),
    reservation_id: s(intent.reservationId),
    user_id: s(intent.userId),
    amount: n(intent.amount),
    currency: s(intent.currency),
    scenario: s(intent.scenario),
    status: s(intent.status),
    planned_outcome: s(intent.plannedOutcome),
    decide_at: n(intent.decideAt),
    failure_reason: s(intent.failureReason),
    refund_reason: s(intent.refundReason),
    webhook_url: s(intent.webhookUrl),
    traceparent: s(intent.traceparent),
    created_at: n(intent.createdAt),
    updated_at: n(intent.updatedAt),
  };
}

const str = (item: Item, key: string) => item[key]?.S ?? "";
const num = (item: Item, key: string) => Number(item[key]?.N ?? "0");

/** The item as an intent. */
export function itemToIntent(item: Item): PaymentIntent {
  return {
    id: str(item, "id"),
    reservationId: str(item, "reservation_id"),
    userId: str(item, "user_id"),
    amount: num(item, "amount"),
    currency: str(item, "currency"),
    scenario: str(item, "scenario") as Scenario,
    status: str(item, "status") as PaymentStatus,
    plannedOutcome: str(item, "planned_outcome") as Outcome,
    decideAt: num(item, "decide_at"),
    failureReason: str(item, "failure_reason"),
    refundReason: str(item, "refund_reason"),
    webhookUrl: str(item, "webhook_url"),
    traceparent: str(item, "traceparent"),
    createdAt: num(item, "created_at"),
    updatedAt: num(item, "updated_at"),
  };
}

/** A job as an item, due (and so visible in gsi1) at `job.dueAt`. */
export function jobToItem(job: Job): Item {
  const sk = jobSk(job);
  return {
    pk: s(intentPk(job.intentId)),
    sk: s(sk),
    intent_id: s(job.intentId),
    kind: s(job.kind),
    attempts: n(job.attempts),
    due_at: n(job.takeoverAt ?? job.dueAt),
    gsi1pk: s(jobShard(job.intentId)),
    gsi1sk: s(dueKey(job.takeoverAt ?? job.dueAt, job.intentId, sk)),
    ...(job.lease ? { lease: s(job.lease) } : {}),
    ...(job.event ? { event: s(JSON.stringify(job.event)) } : {}),
    ...(job.url ? { url: s(job.url) } : {}),
  };
}

/** A leased job item as a claimed job. */
export function itemToClaimedJob(item: Item): ClaimedJob {
  const event = item.event?.S ? (JSON.parse(item.event.S) as PaymentEvent) : undefined;
  return {
    intentId: str(item, "intent_id"),
    kind: str(item, "kind") as Job["kind"],
    attempts: num(item, "attempts"),
    dueAt: num(item, "due_at"),
    lease: str(item, "lease"),
    ...(event ? { event } : {}),
    ...(item.url?.S ? { url: item.url.S } : {}),
  };
}
