import {
  type DynamoDBClient,
  GetItemCommand,
  type TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { conditionFailedAt, type Outbox } from "@tt/kit";
import { PaymentError, type PaymentIntent } from "../domain/intent.ts";
import type { ClaimedJob, IntentPatch, IntentStore, Job, TransitionEffects } from "../domain/ports.ts";
import {
  INTENT_SK,
  idempotencyKey,
  intentPk,
  intentToItem,
  itemToIntent,
  jobSk,
  jobToItem,
} from "./intent-items.ts";
import { DynamoJobStore } from "./job-store.dynamo.ts";
import { outboxMessage } from "./outbox-items.ts";
import { guarded } from "./store-errors.ts";

/**
 * Intents, idempotency claims and durable jobs in the `payments` DynamoDB table; each outcome's
 * queue event goes through the kit outbox, its record written in the outcome's own transaction.
 */
export class DynamoIntentStore implements IntentStore {
  private readonly jobs: DynamoJobStore;

  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
    private readonly outbox: Pick<Outbox, "put" | "committed">,
  ) {
    this.jobs = new DynamoJobStore(ddb, table, outbox);
  }

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
    { done, event, webhook }: TransitionEffects,
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
      const puts: TransactWriteItem[] = [];
      // The event's record commits with the status it announces: no announcement without the
      // change, and none lost if this process dies before publishing (the sweep finds it). It
      // carries the webhook's first attempt too, so a delivered webhook needs no job at all.
      const message = event && outboxMessage(event, webhook);
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

  /** Leases the jobs due by `now` (job-store.dynamo.ts). */
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    return this.jobs.claimDue(now, leaseMs, limit);
  }

  /** Removes a job its runner finished (job-store.dynamo.ts). */
  complete(job: ClaimedJob): Promise<void> {
    return this.jobs.complete(job);
  }

  /** Puts a job back for a later attempt (job-store.dynamo.ts). */
  reschedule(job: ClaimedJob, dueAt: number, attempts: number): Promise<void> {
    return this.jobs.reschedule(job, dueAt, attempts);
  }

  /** Stores a new job unless one is there under its key (job-store.dynamo.ts). */
  schedule(job: Job): Promise<void> {
    return this.jobs.schedule(job);
  }
}
