import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import {
  AppError,
  cancellationReasons,
  conditionFailedAt,
  decodeRecord,
  idempotencyPut,
  type Outbox,
  readItem,
  storeFailure,
  TTL_ATTRIBUTE,
} from "@tt/kit";
import type { Order, OutboxEvent, Reservation, ReservationPage } from "../domain/model.ts";
import {
  CreateAbandoned,
  type CreateGuards,
  IdempotencyTaken,
  type ReservationStore,
  ReservationTokenSpent,
  TallyChanged,
  type Transition,
  TransitionRejected,
} from "../domain/ports.ts";
import type { BuyerTally } from "../domain/purchase-policy.ts";
import { tallyFrom, tallyJoin, tallyKey, tallyStep } from "./buyer-tally-items.ts";
import { allOf, type Item, N, S } from "./dynamo-items.ts";
import { keys, SHARDS } from "./keys.ts";
import { outboxMessage } from "./outbox-items.ts";
import {
  abandonedItem,
  mapS,
  orderFrom,
  orderItem,
  reservationFrom,
  reservationItem,
  storedReservation,
} from "./reservation-items.ts";

/** Physical names of the tables the store writes. */
export interface ReservationTables {
  reservations: string;
  orders: string;
  idempotency: string;
}

// Named condition parts (Powertools style): each write states exactly what it expects.
const IS_NEW = "attribute_not_exists(pk)";
const SAME_VERSION = "#version = :fromVersion";
const SAME_STATUS = "#status = :fromStatus";
const HOLD_LIVE = "hold_expires_at > :holdLiveAt";
const HOLD_PASSED = "hold_expires_at <= :holdPassedAt";

// A spent reservation token: one item per token id, written with the reservation it paid for,
// so a token buys one reservation even across replicas and restarts. Kept an hour past its
// expiry (after which the token is refused anyway); TTL only tidies.
function tokenPut(table: string, token: { jti: string; expiresAt: number }, reservationId: string) {
  return {
    Put: {
      TableName: table,
      Item: {
        pk: S(`RTOKEN#${token.jti}`),
        sk: S("RESERVATION_TOKEN"),
        reservation_id: S(reservationId),
        [TTL_ATTRIBUTE]: N(Math.ceil(token.expiresAt / 1000) + 3600),
      },
      ConditionExpression: IS_NEW,
    },
  };
}

/** A failure of the store that is no domain answer (kit/src/aws/store-errors.ts). */
const unavailable = (error: unknown) => storeFailure(error, "reservation store");

/** Runs a read; any failure of it is an outage of the store, never a domain answer. */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw unavailable(error);
  }
}

/** ReservationStore on DynamoDB: every state change and its outbox record in one transaction. */
export class DynamoReservationStore implements ReservationStore {
  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly tables: ReservationTables,
    /** Records events with their changes and publishes them once committed. */
    private readonly outbox: Pick<Outbox, "put" | "committed">,
  ) {}

  async create(r: Reservation, event: OutboxEvent, guards: CreateGuards = {}): Promise<void> {
    const put = {
      TableName: this.tables.reservations,
      Item: reservationItem(r),
      ConditionExpression: IS_NEW,
    };
    const message = outboxMessage(event, r.createdAt);
    const items: TransactWriteItem[] = [{ Put: put }, this.outbox.put(message)];
    const { idempotency, token } = guards;
    const idemAt = idempotency ? items.length : -1;
    if (idempotency) {
      items.push(idempotencyPut(this.tables.idempotency, idempotency.claim, idempotency.result, r.createdAt));
    }
    const tokenAt = token ? items.length : -1;
    if (token) items.push(tokenPut(this.tables.idempotency, token, r.id));
    const tallyAt = guards.tally ? items.length : -1;
    if (guards.tally) items.push(tallyJoin(this.tables.reservations, r, guards.tally));
    try {
      await this.ddb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationReasons(error) ?? [];
      const failed = (i: number) => conditionFailedAt(error, i);
      if (failed(idemAt)) throw new IdempotencyTaken(decodeRecord(reasons[idemAt]?.old));
      if (failed(tokenAt)) throw new ReservationTokenSpent();
      if (failed(tallyAt)) throw new TallyChanged(tallyFrom(reasons[tallyAt]?.old));
      // Another transaction of the same buyer was writing the tally at that moment.
      if (tallyAt >= 0 && reasons[tallyAt]?.code === "TransactionConflict") throw new TallyChanged(undefined);
      if (failed(0)) throw new CreateAbandoned();
      throw unavailable(error);
    }
    this.outbox.committed(message);
  }

  async abandon(id: string): Promise<Reservation | undefined> {
    try {
      await this.ddb.send(
        new PutItemCommand({
          TableName: this.tables.reservations,
          Item: abandonedItem(id, Date.now()),
          ConditionExpression: IS_NEW,
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return undefined;
    } catch (error) {
      // Something is stored under the id: the reservation, or the mark of an earlier look.
      if (error instanceof ConditionalCheckFailedException) return storedReservation(error.Item);
      throw unavailable(error);
    }
  }

  async transition(t: Transition): Promise<void> {
    const parts = [SAME_VERSION, SAME_STATUS];
    const values: Item = { ":fromVersion": N(t.from.version), ":fromStatus": S(t.from.status) };
    if (t.holdLiveAt !== undefined) {
      parts.push(HOLD_LIVE);
      values[":holdLiveAt"] = N(t.holdLiveAt);
    }
    if (t.holdPassedAt !== undefined) {
      parts.push(HOLD_PASSED);
      values[":holdPassedAt"] = N(t.holdPassedAt);
    }
    const put = {
      TableName: this.tables.reservations,
      Item: reservationItem(t.to),
      ConditionExpression: allOf(...parts),
      ExpressionAttributeNames: { "#version": "version", "#status": "status" },
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    };
    const extra: TransactWriteItem[] = [];
    if (t.order) {
      extra.push({
        Put: { TableName: this.tables.orders, Item: orderItem(t.order), ConditionExpression: IS_NEW },
      });
    }
    const message = t.event && outboxMessage(t.event, t.to.updatedAt);
    if (message) extra.push(this.outbox.put(message));
    const tally = tallyStep(this.tables.reservations, t);
    if (tally) extra.push(tally);
    try {
      if (extra.length === 0) await this.ddb.send(new PutItemCommand(put));
      else await this.ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: put }, ...extra] }));
    } catch (error) {
      throw await this.rejection(error, t.from.id);
    }
    if (message) this.outbox.committed(message);
  }

  // A failed condition (or a concurrent transaction on the item) means the reservation moved
  // on: hand the domain the current state so it can decide again. Anything else is an outage.
  private async rejection(error: unknown, id: string): Promise<Error> {
    if (error instanceof ConditionalCheckFailedException) {
      return new TransitionRejected(error.Item ? reservationFrom(error.Item) : await this.get(id), {
        cause: error,
      });
    }
    const reasons = cancellationReasons(error);
    if (reasons) {
      const raced = reasons.some(
        (r) => r.code === "ConditionalCheckFailed" || r.code === "TransactionConflict",
      );
      if (raced) {
        const old = reasons[0]?.old;
        return new TransitionRejected(old ? reservationFrom(old) : await this.get(id), { cause: error });
      }
    }
    return unavailable(error);
  }

  tally(eventId: string, userId: string): Promise<BuyerTally> {
    return reading(async () =>
      tallyFrom(await readItem(this.ddb, this.tables.reservations, tallyKey(eventId, userId))),
    );
  }

  get(id: string): Promise<Reservation | undefined> {
    return reading(async () => {
      const item = await readItem(this.ddb, this.tables.reservations, mapS(keys.reservation(id)));
      return storedReservation(item);
    });
  }

  async listByUser(userId: string, limit: number, cursor?: string): Promise<ReservationPage> {
    const start = cursor ? decodeCursor(cursor, keys.userPartition(userId)) : undefined;
    return reading(async () => {
      const page = await this.ddb.send(
        new QueryCommand({
          TableName: this.tables.reservations,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :user",
          ExpressionAttributeValues: { ":user": S(keys.userPartition(userId)) },
          ScanIndexForward: false,
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        items: (page.Items ?? []).map(reservationFrom),
        next: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    });
  }

  getOrder(id: string): Promise<Order | undefined> {
    return reading(async () => {
      const item = await readItem(this.ddb, this.tables.orders, mapS(keys.order(id)));
      return item ? orderFrom(item) : undefined;
    });
  }

  findOverdueHolds(before: number, limit: number): Promise<string[]> {
    return reading(async () => {
      const pages = await Promise.all(
        Array.from({ length: SHARDS }, (_, shard) =>
          this.ddb.send(
            new QueryCommand({
              TableName: this.tables.reservations,
              IndexName: "gsi2",
              KeyConditionExpression: "gsi2pk = :shard AND gsi2sk < :before",
              ExpressionAttributeValues: {
                ":shard": S(keys.holdShard(shard)),
                ":before": S(keys.holdSortBefore(before)),
              },
              ProjectionExpression: "reservation_id, gsi2sk",
              Limit: limit,
            }),
          ),
        ),
      );
      return pages
        .flatMap((p) => p.Items ?? [])
        .sort((a, b) => ((a.gsi2sk?.S ?? "") < (b.gsi2sk?.S ?? "") ? -1 : 1))
        .slice(0, limit)
        .map((i) => i.reservation_id?.S ?? "");
    });
  }
}

function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

// A cursor is only good for the user it was issued to; anything else is bad input, not a 5xx.
function decodeCursor(cursor: string, partition: string): Item {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString()) as Item;
    if (typeof key !== "object" || key === null || key.gsi1pk?.S !== partition) throw new Error("not a key");
    return key;
  } catch {
    throw new AppError("VALIDATION_FAILED", "page_token: is not a token from this service", {
      metadata: { field: "page_token" },
    });
  }
}
