import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { conditionFailedAt, type Outbox } from "@tt/kit";
import type { ClaimedJob, Job } from "../domain/ports.ts";
import { dueKey, dueUpTo, intentPk, itemToClaimedJob, JOB_SHARDS, jobSk, jobToItem } from "./intent-items.ts";
import { outboxMessage } from "./outbox-items.ts";
import { guarded } from "./store-errors.ts";

/**
 * Job kind written by versions that published queue events through a job. Such a job left in the
 * table by an old process (its writer died during the rollout) is handed to the outbox when a
 * poller claims it; once no old process runs, none can appear and this can go.
 */
const LEGACY_PUBLISH = "publish";

/**
 * The payment's durable jobs (decisions and webhook retries) in the `payments` table: due jobs
 * found over a few hashed gsi1 shards, each taken by one poller with a conditional lease.
 */
export class DynamoJobStore {
  constructor(
    private readonly ddb: Pick<DynamoDBClient, "send">,
    private readonly table: string,
    private readonly outbox: Pick<Outbox, "put" | "committed">,
  ) {}

  /** Leases up to `limit` jobs due by `now` for `leaseMs`; a legacy publish job is handed to the outbox instead. */
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

  /** Removes a finished job, if this runner still holds its lease. */
  complete(job: ClaimedJob): Promise<void> {
    // A lost lease means another runner owns the job now; it will finish it.
    return this.conditionally(() =>
      this.ddb.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: intentPk(job.intentId) }, sk: { S: jobSk(job) } },
          ConditionExpression: "lease = :lease",
          ExpressionAttributeValues: { ":lease": { S: job.lease } },
        }),
      ),
    );
  }

  /** Stores a new job for the poller; one already stored under its key (with its attempts) is kept. */
  schedule(job: Job): Promise<void> {
    return this.conditionally(() =>
      this.ddb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: jobToItem(job),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  /** Puts a job back for a later attempt, if this runner still holds its lease. */
  reschedule(job: ClaimedJob, dueAt: number, attempts: number): Promise<void> {
    const sk = jobSk(job);
    return this.conditionally(() =>
      this.ddb.send(
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
      ),
    );
  }

  // A write whose condition failing is an answer, not an error: the lease went to another
  // runner, or the job is already there.
  private conditionally(write: () => Promise<unknown>): Promise<void> {
    return guarded(async () => {
      try {
        await write();
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
  }
}
