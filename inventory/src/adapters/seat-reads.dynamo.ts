import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { Batcher, detached } from "@tt/kit";
import type { EventInfo, Hold, Seat } from "../domain/model.ts";
import { storageError } from "./dynamo-errors.ts";
import { holdKey, seatKey, shardPk } from "./dynamo-keys.ts";
import { decodeHold, decodeSeat } from "./seat-codec.ts";
import { NAMES } from "./seat-conditions.ts";

/**
 * The reads of the `seats` table: a reservation's hold record, some seats (consistent), and an
 * event's whole seat map (every shard queried at once). The writes are seat-store.dynamo.ts.
 */
// BatchGetItem takes at most 100 keys.
const MAX_BATCH_KEYS = 100;

export class DynamoSeatReads {
  /**
   * Consistent seat reads asked for in the same event-loop turn go out as one BatchGetItem per
   * event: a seat race's losers all ask, at once, about the same few seats (each read still
   * starts after its request arrived, so a refusal it makes is as certain as a read of its own).
   */
  private readonly seatBatches = new Batcher<{ event: EventInfo; seatIds: string[] }, Seat[]>(
    // Shared by the turn's requests, so it runs on none of their deadlines.
    (_eventId, asks) => detached(() => this.readBatch(asks)),
    { maxSize: 40 },
  );

  constructor(
    private readonly ddb: Pick<DynamoDBClient, "send">,
    private readonly table: string,
  ) {}

  /** The hold record of a reservation, read consistently; undefined when there is none. */
  async getHold(reservationId: string, eventId: string): Promise<Hold | undefined> {
    try {
      const { Item } = await this.ddb.send(
        new GetItemCommand({
          TableName: this.table,
          Key: holdKey(reservationId, eventId),
          ConsistentRead: true,
        }),
      );
      return Item ? decodeHold(Item) : undefined;
    } catch (error) {
      throw storageError(error);
    }
  }

  /** The given seats, read consistently (batched with the same turn's other reads of the event). */
  readSeats(event: EventInfo, seatIds: string[]): Promise<Seat[]> {
    return this.seatBatches.add(event.eventId, { event, seatIds });
  }

  private async readBatch(asks: { event: EventInfo; seatIds: string[] }[]): Promise<Seat[][]> {
    const event = (asks[0] as { event: EventInfo }).event;
    const wanted = [...new Set(asks.flatMap((ask) => ask.seatIds))];
    const chunks: string[][] = [];
    for (let i = 0; i < wanted.length; i += MAX_BATCH_KEYS) chunks.push(wanted.slice(i, i + MAX_BATCH_KEYS));
    const read = (await Promise.all(chunks.map((ids) => this.readConsistent(event, ids)))).flat();
    const byId = new Map(read.map((seat) => [seat.seatId, seat]));
    return asks.map((ask) => ask.seatIds.flatMap((id) => byId.get(id) ?? []));
  }

  /** Up to 100 seats, read consistently (a batch DynamoDB answers in part is asked again for the rest). */
  private async readConsistent(event: EventInfo, seatIds: string[]): Promise<Seat[]> {
    const seats: Seat[] = [];
    let keys: Record<string, AttributeValue>[] | undefined = seatIds.map((id) =>
      seatKey(event.eventId, id, event.seatShards),
    );
    try {
      // DynamoDB may hand back part of a batch as unprocessed under load: ask again for the rest.
      while (keys?.length) {
        const page: BatchGetItemCommandOutput = await this.ddb.send(
          new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of page.Responses?.[this.table] ?? []) seats.push(decodeSeat(item));
        keys = page.UnprocessedKeys?.[this.table]?.Keys;
      }
    } catch (error) {
      throw storageError(error);
    }
    return seats;
  }

  async loadSeats(event: EventInfo): Promise<Seat[]> {
    const shards = Array.from({ length: event.seatShards }, (_, shard) =>
      this.queryShard(event.eventId, shard),
    );
    return (await Promise.all(shards)).flat();
  }

  private async queryShard(eventId: string, shard: number): Promise<Seat[]> {
    const seats: Seat[] = [];
    let start: QueryCommand["input"]["ExclusiveStartKey"];
    try {
      do {
        const page = await this.ddb.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": { S: shardPk(eventId, shard) } },
            ProjectionExpression: "sk, #s, holder, hold_expires_at, updated_at",
            ExpressionAttributeNames: NAMES,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) seats.push(decodeSeat(item));
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      throw storageError(error);
    }
    return seats;
  }
}
