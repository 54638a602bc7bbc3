import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { TTL_ATTRIBUTE } from "@tt/kit";
import { allOf, type Item, N, S, str } from "./dynamo-items.ts";
import type { EventsQueue } from "./events-queue.sqs.ts";
import { keys, SHARDS } from "./keys.ts";

/** What the relay reports. */
export interface RelayMetrics {
  /** A record reached the queue. */
  published(type: string): void;
  /** Age in seconds of the oldest unpublished record seen by the last pass (0 when none). */
  lag(seconds: number): void;
}

/** Relay tuning. */
export interface RelayOptions {
  /** This process's name on its claims. */
  owner: string;
  /** Records read per shard per pass. */
  batch: number;
  /** How long a claim keeps other relays off a record (covers a relay dying mid-send). */
  claimMs: number;
  /** How long published records are kept before TTL clean-up. */
  retainMs: number;
}

const PENDING = "attribute_exists(gsi1pk)";
const UNCLAIMED = "attribute_not_exists(claim_until) OR claim_until < :now OR claimed_by = :me";
const PARALLEL_RESERVATIONS = 8;

/**
 * The outbox relay: publishes unpublished records to the event queue at least once, in version
 * order per reservation. Each record is claimed with a conditional write before it is sent, so
 * several relay processes split the work instead of all sending everything; a relay that dies
 * between send and mark leaves a duplicate that idempotent consumers absorb.
 */
export class OutboxRelay {
  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
    private readonly queue: EventsQueue,
    private readonly metrics: RelayMetrics,
    private readonly options: RelayOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass over every pending shard; returns how many records it published. */
  async runOnce(): Promise<number> {
    const pages = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        this.ddb.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: "gsi1",
            KeyConditionExpression: "gsi1pk = :shard",
            ExpressionAttributeValues: { ":shard": S(keys.pendingShard(shard)) },
            ProjectionExpression: "reservation_id, created_at",
            Limit: this.options.batch,
          }),
        ),
      ),
    );
    const pending = pages.flatMap((p) => p.Items ?? []);
    const oldest = Math.min(...pending.map((i) => Number(i.created_at?.N ?? this.now())));
    this.metrics.lag(pending.length > 0 ? Math.max(0, (this.now() - oldest) / 1000) : 0);
    const reservations = [...new Set(pending.map((i) => str(i, "reservation_id")))];
    let published = 0;
    for (let i = 0; i < reservations.length; i += PARALLEL_RESERVATIONS) {
      const counts = await Promise.all(
        reservations.slice(i, i + PARALLEL_RESERVATIONS).map((id) => this.publishReservation(id)),
      );
      published += counts.reduce((a, b) => a + b, 0);
    }
    return published;
  }

  // The index only says which reservations have work; the records themselves are read from the
  // table (strongly consistent, in version order), so a later event never overtakes an earlier one.
  private async publishReservation(reservationId: string): Promise<number> {
    const { Items = [] } = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk",
        FilterExpression: PENDING,
        ExpressionAttributeValues: { ":pk": S(keys.outboxPartition(reservationId)) },
        ConsistentRead: true,
      }),
    );
    let published = 0;
    for (const record of Items) {
      if (!(await this.claim(record))) break;
      await this.queue.send(str(record, "body"));
      await this.markPublished(record);
      this.metrics.published(str(record, "event_type"));
      published += 1;
    }
    return published;
  }

  private async claim(record: Item): Promise<boolean> {
    const now = this.now();
    try {
      await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: S(str(record, "pk")), sk: S(str(record, "sk")) },
          UpdateExpression: "SET claimed_by = :me, claim_until = :until",
          ConditionExpression: allOf(PENDING, UNCLAIMED),
          ExpressionAttributeValues: {
            ":me": S(this.options.owner),
            ":now": N(now),
            ":until": N(now + this.options.claimMs),
          },
        }),
      );
      return true;
    } catch (error) {
      // Another relay has it (or it was just published): leave this reservation to that relay.
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async markPublished(record: Item): Promise<void> {
    const now = this.now();
    await this.ddb.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: S(str(record, "pk")), sk: S(str(record, "sk")) },
        UpdateExpression:
          "REMOVE gsi1pk, gsi1sk, claimed_by, claim_until SET published_at = :now, #ttl = :ttl",
        ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ":now": N(now),
          ":ttl": N(Math.ceil((now + this.options.retainMs) / 1000)),
        },
      }),
    );
  }
}
