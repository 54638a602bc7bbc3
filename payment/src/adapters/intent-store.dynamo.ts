import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { Outbox } from "@tt/kit";
import { PaymentError, type PaymentIntent } from "../domain/intent.ts";
import type { ClaimedJob, IntentPatch, IntentStore, Job, TransitionEffects } from "../domain/ports.ts";
import {
  dueKey,
  dueUpTo,
  INTENT_SK,
  idempotencyKey,
  intentPk,
  intentToItem,
  itemToClaimedJob,
  itemToIntent,
  JOB_SHARDS,
  jobSk,
  jobToItem,
} from "./intent-items.ts";
import { outboxMessage } from "./outbox-items.ts";

function unavailable(error: unknown): PaymentError {
  return new PaymentError("UPSTREAM_UNAVAILABLE", "payment store is unavailable", undefined, {
    cause: error,
  });
}

/** Runs a DynamoDB call, turning anything unexpected into UPSTREAM_UNAVAILABLE so no SDK error leaks up. */
async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof PaymentError ? error : unavailable(error);
  }
}

function conditionFailedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === "ConditionalCheckFailed"
  );
}

/**
 * Job kind written by versions that published queue events through a job. Such a job left in the
 * table by an old process (its writer died during the rollout) is handed to the outbox when a
 * poller claims it; once no old process runs, none can appear and this can go.
 */
const LEGACY_PUBLISH = "publish";

/**
 * Intents, idempotency claims and durable jobs in the `payments` DynamoDB table; each outcome's
 * queue event goes through the kit outbox, its record written in the outcome's own transaction.
 */
export class DynamoIntentStore implements IntentStore {
  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
    private readonly outbox: Pick<Outbox, "put" | "committed">,
  ) {}

  create(
    intent: PaymentIntent,
    jobs: Job[],
    idempotency?: { key: string; fingerprint: string },
  ): Promise<{ intent: PaymentIntent; replayed: boolean }> {
    return guarded(async () => {
      const items: TransactWriteItem[] = [];
      if (idempotency) {
        items.push({
          Put: {
            TableName: this.table,
            Item: {
              ...idempotencyKey(intent.userId, idempotency.key),
              intent_id: { S: intent.id },
              fingerprint: { S: idempotency.fingerprint },
            },
            ConditionExpression: "attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        });
      }
      items.push({
        Put: {
          TableName: this.table,
          Item: intentToItem(intent),
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
      for (const job of jobs) items.push({ Put: { TableName: this.table, Item: jobToItem(job) } });
      try {
        await this.ddb.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return { intent, replayed: false };
      } catch (error) {
        if (!idempotency || !conditionFailedAt(error, 0)) throw error;
        const claim = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item;
        if (claim?.fingerprint?.S !== idempotency.fingerprint) {
          throw new PaymentError(
            "IDEMPOTENCY_CONFLICT",
            "idempotency key was already used for a different payment",
            "idempotency_key",
          );
        }
        const earlier = await this.get(claim.intent_id?.S ?? "");
        if (!earlier) throw new Error("idempotency claim points at a missing intent");
        return { intent: earlier, replayed: true };
      }
    });
  }

  get(id: string): Promise<PaymentIntent | undefined> {
    return guarded(async () => {
      const { Item } = await this.ddb.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { pk: { S: intentPk(id) }, sk: { S: INTENT_SK } },
          ConsistentRead: true,
        }),
      );
      return Item ? itemToIntent(Item) : undefined;
    });
  }

  transition(
    current: PaymentIntent,
    patch: IntentPatch,
    { jobs, done, event }: TransitionEffects,
  ): Promise<PaymentIntent | undefined> {
    const { id, status: from } = current;
    return guarded(async () => {
      const update: TransactWriteItem = {
        Update: {
          TableName: this.table,
          Key: { pk: { S: intentPk(id) }, sk: { S: INTENT_SK } },
          ConditionExpression: "#status = :from",
          UpdateExpression:
            "SET #status = :to, updated_at = :now, failure_reason = :failure, refund_reason = :refund",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":from": { S: from },
            ":to": { S: patch.status },
            ":now": { N: String(patch.updatedAt) },
            ":failure": { S: patch.failureReason ?? "" },
            ":refund": { S: patch.refundReason ?? "" },
          },
        },
      };
      const puts = jobs.map(
        (job): TransactWriteItem => ({ Put: { TableName: this.table, Item: jobToItem(job) } }),
      );
      // The event's record commits with the status it announces: no announcement without the
      // change, and none lost if this process dies before publishing (the sweep finds it).
      const message = event && outboxMessage(event);
      if (message) puts.push(this.outbox.put(message));
      // Unconditional: a poller that took the job over meanwhile only repeats a decision the
      // status condition above already refuses.
      if (done) {
        puts.push({
          Delete: {
            TableName: this.table,
            Key: { pk: { S: intentPk(done.intentId) }, sk: { S: jobSk(done) } },
          },
        });
      }
      try {
        await this.ddb.send(new TransactWriteItemsCommand({ TransactItems: [update, ...puts] }));
      } catch (error) {
        if (conditionFailedAt(error, 0)) return undefined;
        throw error;
      }
      if (message) this.outbox.committed(message);
      // The condition held, so the stored intent is `current` with the patch: no read needed.
      return { ...current, ...patch };
    });
  }

  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    return guarded(async () => {
      const shards = Array.from({ length: JOB_SHARDS }, (_, i) => `JOBS#${i}`);
      const pages = await Promise.all(
        shards.map((shard) =>
          this.ddb.send(
            new QueryCommand({
              TableName: this.table,
              IndexName: "gsi1",
              KeyConditionExpression: "gsi1pk = :shard AND gsi1sk <= :due",
              ExpressionAttributeValues: { ":shard": { S: shard }, ":due": { S: dueUpTo(now) } },
              Limit: limit,
            }),
          ),
        ),
      );
      const seen = pages.flatMap((p) => p.Items ?? []).slice(0, limit);
      const claimed = await Promise.all(seen.map((item) => this.lease(item, now + leaseMs)));
      const jobs = claimed.filter((job): job is ClaimedJob => job !== undefined);
      const legacy = jobs.filter((job) => (job.kind as string) === LEGACY_PUBLISH);
      // A hand-over that fails leaves its job leased; it comes back when the lease lapses.
      await Promise.allSettled(legacy.map((job) => this.handOver(job)));
      return jobs.filter((job) => !legacy.includes(job));
    });
  }

  /** Moves a legacy publish job's event into the outbox: job deleted and record written at once. */
  private async handOver(job: ClaimedJob): Promise<void> {
    if (!job.event) return this.complete(job);
    const message = outboxMessage(job.event);
    try {
      await this.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: { pk: { S: intentPk(job.intentId) }, sk: { S: jobSk(job) } },
                ConditionExpression: "lease = :lease",
                ExpressionAttributeValues: { ":lease": { S: job.lease } },
              },
            },
            this.outbox.put(message),
          ],
        }),
      );
    } catch (error) {
      // Lease lost: another runner has the job. Record already there: it will be published.
      if (conditionFailedAt(error, 0)) return;
      if (conditionFailedAt(error, 1)) return this.complete(job);
      throw error;
    }
    this.outbox.committed(message);
  }

  /**
   * Takes a job by moving its due time past the lease, conditioned on the due time the query
   * saw: of several pollers that saw it (gsi1 is eventually consistent), exactly one wins.
   */
  private async lease(seen: Record<string, AttributeValue>, until: number): Promise<ClaimedJob | undefined> {
    const [pk, sk, intentId] = [seen.pk?.S ?? "", seen.sk?.S ?? "", seen.intent_id?.S ?? ""];
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConditionExpression: "due_at = :seen",
          UpdateExpression: "SET due_at = :until, gsi1sk = :key, lease = :lease",
          ExpressionAttributeValues: {
            ":seen": { N: seen.due_at?.N ?? "0" },
            ":until": { N: String(until) },
            ":key": { S: dueKey(until, intentId, sk) },
            ":lease": { S: crypto.randomUUID() },
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? itemToClaimedJob(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  complete(job: ClaimedJob): Promise<void> {
    return guarded(async () => {
      try {
        await this.ddb.send(
          new DeleteItemCommand({
            TableName: this.table,
            Key: { pk: { S: intentPk(job.intentId) }, sk: { S: jobSk(job) } },
            ConditionExpression: "lease = :lease",
            ExpressionAttributeValues: { ":lease": { S: job.lease } },
          }),
        );
      } catch (error) {
        // The lease lapsed and another runner owns the job now; it will finish it.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
  }

  reschedule(job: ClaimedJob, dueAt: number, attempts: number): Promise<void> {
    return guarded(async () => {
      const sk = jobSk(job);
      try {
        await this.ddb.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: { S: intentPk(job.intentId) }, sk: { S: sk } },
            ConditionExpression: "lease = :lease",
            UpdateExpression: "SET due_at = :due, gsi1sk = :key, attempts = :attempts REMOVE lease",
            ExpressionAttributeValues: {
              ":lease": { S: job.lease },
              ":due": { N: String(dueAt) },
              ":key": { S: dueKey(dueAt, job.intentId, sk) },
              ":attempts": { N: String(attempts) },
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
  }
}
