/**
 * EventStore on DynamoDB: the event record in the `events` table, its seats in the `seats`
 * table. Creation claims the record first (status CREATING), writes the seats, then flips the
 * record to ACTIVE. Readers see only ACTIVE events, so nobody can hold a seat while the seats
 * are still being written — and re-running a create never resets a seat that was sold. The
 * operator's queue settings live on the same record (`q_*` attributes, versioned by `q_version`).
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { readItem, updateVersioned } from "@tt/kit";
import { InvalidInputError, InventoryConflictError } from "../domain/errors.ts";
import { allSeatIds, sectionOfSeat } from "../domain/layout.ts";
import type { EventInfo, QueueSettings, QueueSettingsChange } from "../domain/model.ts";
import type { EventStore } from "../domain/ports.ts";
import { storageError } from "./dynamo-errors.ts";
import { ACTIVE_EVENT, EVENTS_LISTING, eventKey, seatKey } from "./dynamo-keys.ts";

type Item = Record<string, AttributeValue>;

// A creator that died mid-way leaves a CREATING claim; after this long another may take over.
const STALE_CLAIM_MS = 60_000;
const BATCH = 25;
const PARALLEL_BATCHES = 4;

function encodeEvent(e: EventInfo): Item {
  const sections = e.sections.map((s) => ({ ...s, price: String(s.price) }));
  return {
    event_id: { S: e.eventId },
    name: { S: e.name },
    venue: { S: e.venue || "-" },
    starts_at: { N: String(e.startsAt.getTime()) },
    sale_opens_at: { N: String(e.saleOpensAt.getTime()) },
    sale_closes_at: { N: String(e.saleClosesAt.getTime()) },
    currency: { S: e.currency },
    sections: { S: JSON.stringify(sections) },
    seat_shards: { N: String(e.seatShards) },
  };
}

function decodeEvent(item: Item): EventInfo {
  const sections = JSON.parse(item.sections?.S ?? "[]") as Array<
    EventInfo["sections"][number] & { price: string }
  >;
  const venue = item.venue?.S ?? "";
  return {
    eventId: item.event_id?.S ?? "",
    name: item.name?.S ?? "",
    venue: venue === "-" ? "" : venue,
    startsAt: new Date(Number(item.starts_at?.N)),
    saleOpensAt: new Date(Number(item.sale_opens_at?.N)),
    saleClosesAt: new Date(Number(item.sale_closes_at?.N)),
    currency: item.currency?.S ?? "",
    sections: sections.map((s) => ({ ...s, price: BigInt(s.price) })),
    seatShards: Number(item.seat_shards?.N ?? "1"),
  };
}

function decodeQueueSettings(item: Item): QueueSettings {
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  const [autoMin, autoMax] = [number("q_auto_min"), number("q_auto_max")];
  return {
    rate: number("q_rate"),
    cap: number("q_cap"),
    paused: item.q_paused?.BOOL === true,
    opensAt: number("q_opens_at"),
    auto: autoMin === undefined || autoMax === undefined ? undefined : { min: autoMin, max: autoMax },
    challengeDifficulty: number("q_pow"),
    version: number("q_version") ?? 0,
  };
}

/** The listing position a page token carries; anything else is the caller's mistake, not a 500. */
function decodePageToken(token: string): Item {
  try {
    const key = JSON.parse(Buffer.from(token, "base64url").toString()) as Record<string, { S?: unknown }>;
    const names = ["pk", "sk", "gsi1pk", "gsi1sk"];
    if (Object.keys(key).length === names.length && names.every((n) => typeof key[n]?.S === "string")) {
      return key as Item;
    }
  } catch {
    // fall through
  }
  throw new InvalidInputError("page_token", "is not a token this service issued");
}

/** EventStore over the `events` and `seats` tables. */
export class DynamoEventStore implements EventStore {
  constructor(
    private readonly ddb: Pick<DynamoDBClient, "send">,
    private readonly tables: { events: string; seats: string },
    private readonly clock: () => number = Date.now,
  ) {}

  async create(event: EventInfo): Promise<{ event: EventInfo; created: boolean }> {
    try {
      const claim = await this.claim(event);
      if (claim.existing) return { event: claim.existing, created: false };
      await this.writeSeats(event);
      await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.tables.events,
          Key: eventKey(event.eventId),
          UpdateExpression: "SET #s = :active, gsi1pk = :listing, gsi1sk = :start",
          ConditionExpression: "claimed_at = :mine",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: {
            ":active": { S: "ACTIVE" },
            ":listing": { S: EVENTS_LISTING },
            ":start": { S: `${event.startsAt.toISOString()}#${event.eventId}` },
            ":mine": { N: String(claim.claimedAt) },
          },
        }),
      );
      return { event, created: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new InventoryConflictError(error);
      throw storageError(error);
    }
  }

  /** Claims the event id; returns the stored event instead when it is already ACTIVE. */
  private async claim(event: EventInfo): Promise<{ existing?: EventInfo; claimedAt: number }> {
    const claimedAt = this.clock();
    const Item = { ...eventKey(event.eventId), ...encodeEvent(event), status: { S: "CREATING" } };
    try {
      await this.ddb.send(
        new PutItemCommand({
          TableName: this.tables.events,
          Item: { ...Item, claimed_at: { N: String(claimedAt) } },
          // Only a CREATING claim goes stale: an ACTIVE event is never claimed again, however old
          // (that would write its seats AVAILABLE again, sold ones too, and drop its queue settings).
          ConditionExpression: "attribute_not_exists(pk) OR (#s = :creating AND claimed_at < :stale)",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: {
            ":creating": { S: "CREATING" },
            ":stale": { N: String(claimedAt - STALE_CLAIM_MS) },
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { claimedAt };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item?.status?.S === "ACTIVE") return { existing: decodeEvent(error.Item), claimedAt };
      // Another creator is writing the seats right now; the caller may retry shortly.
      throw new InventoryConflictError(error);
    }
  }

  private async writeSeats(event: EventInfo): Promise<void> {
    const now = String(this.clock());
    const requests: WriteRequest[] = allSeatIds(event).map((id) => ({
      PutRequest: {
        Item: {
          ...seatKey(event.eventId, id, event.seatShards),
          event_id: { S: event.eventId },
          section_id: { S: sectionOfSeat(event, id)?.sectionId ?? "" },
          status: { S: "AVAILABLE" },
          updated_at: { N: now },
        },
      },
    }));
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        let pending = batches[next++] ?? [];
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await Bun.sleep(Math.min(1000, 20 * 2 ** attempt));
          const out = await this.ddb.send(
            new BatchWriteItemCommand({ RequestItems: { [this.tables.seats]: pending } }),
          );
          pending = out.UnprocessedItems?.[this.tables.seats] ?? [];
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
  }

  async get(eventId: string): Promise<EventInfo | undefined> {
    try {
      const item = await readItem(this.ddb, this.tables.events, eventKey(eventId));
      return item?.status?.S === "ACTIVE" ? decodeEvent(item) : undefined;
    } catch (error) {
      throw storageError(error);
    }
  }

  async queueSettings(eventId: string): Promise<QueueSettings | undefined> {
    try {
      const { Item } = await this.ddb.send(
        new GetItemCommand({
          TableName: this.tables.events,
          Key: eventKey(eventId),
          ConsistentRead: true,
          ProjectionExpression:
            "#s, q_rate, q_cap, q_paused, q_opens_at, q_auto_min, q_auto_max, q_pow, q_version",
          ExpressionAttributeNames: { "#s": "status" },
        }),
      );
      return Item?.status?.S === "ACTIVE" ? decodeQueueSettings(Item) : undefined;
    } catch (error) {
      throw storageError(error);
    }
  }

  async updateQueueSettings(
    eventId: string,
    change: QueueSettingsChange,
  ): Promise<QueueSettings | undefined> {
    const number = (value: number | undefined) => (value === undefined ? undefined : { N: String(value) });
    const opensAt = typeof change.opensAt === "number" ? { N: String(change.opensAt) } : change.opensAt;
    try {
      const item = await updateVersioned(this.ddb, {
        table: this.tables.events,
        key: eventKey(eventId),
        changes: {
          q_rate: number(change.rate),
          q_cap: number(change.cap),
          q_paused: change.paused === undefined ? undefined : { BOOL: change.paused },
          q_pow: number(change.challengeDifficulty),
          q_opens_at: opensAt,
          q_auto_min: change.auto === null ? null : number(change.auto?.min),
          q_auto_max: change.auto === null ? null : number(change.auto?.max),
        },
        version: "q_version",
        condition: ACTIVE_EVENT,
      });
      // None: no such event, or one still being created.
      return item ? decodeQueueSettings(item) : undefined;
    } catch (error) {
      throw storageError(error);
    }
  }

  async list(pageSize: number, pageToken?: string) {
    try {
      const page = await this.ddb.send(
        new QueryCommand({
          TableName: this.tables.events,
          IndexName: "gsi1", // INDEXES.eventsByStart in kit/src/aws/tables.ts
          KeyConditionExpression: "gsi1pk = :listing",
          ExpressionAttributeValues: { ":listing": { S: EVENTS_LISTING } },
          Limit: pageSize,
          ExclusiveStartKey: pageToken ? decodePageToken(pageToken) : undefined,
        }),
      );
      const next = page.LastEvaluatedKey;
      return {
        events: (page.Items ?? []).map(decodeEvent),
        ...(next ? { nextPageToken: Buffer.from(JSON.stringify(next)).toString("base64url") } : {}),
      };
    } catch (error) {
      throw storageError(error);
    }
  }
}
