/**
 * Reads the drop's event from DynamoDB (the stores of record, not the gateway's view): seat
 * items and hold records (inventory), reservations and orders (reservation service), payment
 * intents (payment service). Also a watcher that catches HELD seats outliving their hold while
 * the drop runs.
 */
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/client-dynamodb";
import { eventKey, shardPk } from "@tt/inventory/store-keys";
import { tableName } from "@tt/kit";
import type {
  HoldRow,
  OrderRow,
  PaymentRow,
  ReservationRow,
  SeatRow,
  StaleSighting,
  StoreSnapshot,
} from "./store-rows.ts";

type Item = Record<string, AttributeValue>;
const s = (i: Item, k: string) => i[k]?.S;
const n = (i: Item, k: string) => (i[k]?.N === undefined ? undefined : Number(i[k]?.N));
const list = (i: Item, k: string) => (i[k]?.L ?? []).map((v) => v.S ?? "");
const opt = <K extends string>(key: K, v: string | number | undefined) =>
  v === undefined ? {} : ({ [key]: v } as Record<K, string | number>);

/** Reads one event's state from the stores of a stage. */
export class StoreReader {
  private readonly ddb: DynamoDBClient;
  private shards: number | undefined;

  constructor(
    endpoint: string,
    private readonly stage: string,
    private readonly eventId: string,
  ) {
    this.ddb = new DynamoDBClient({
      region: process.env.AWS_REGION ?? "us-east-1",
      endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  }

  private async seatShards(): Promise<number> {
    if (this.shards === undefined) {
      const { Item } = await this.ddb.send(
        new GetItemCommand({ TableName: tableName(this.stage, "events"), Key: eventKey(this.eventId) }),
      );
      this.shards = Number(Item?.seat_shards?.N ?? "1");
    }
    return this.shards;
  }

  private async scanAll(input: ScanCommandInput): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.ddb.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Every seat item of the event (one query per shard, strongly consistent). */
  async seats(): Promise<SeatRow[]> {
    const shards = await this.seatShards();
    const pages = await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        const rows: Item[] = [];
        let start: Item | undefined;
        do {
          const page = await this.ddb.send(
            new QueryCommand({
              TableName: tableName(this.stage, "seats"),
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": { S: shardPk(this.eventId, shard) } },
              // Only what a SeatRow reads: the poll runs every 3 s during the drop, on the same
              // DynamoDB Local and cores as the platform under test.
              ProjectionExpression: "sk, #s, updated_at, holder, hold_expires_at, order_id",
              ExpressionAttributeNames: { "#s": "status" },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          rows.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start);
        return rows;
      }),
    );
    return pages.flat().map((i) => ({
      seatId: s(i, "sk") ?? "",
      status: s(i, "status") ?? "AVAILABLE",
      updatedAt: n(i, "updated_at") ?? 0,
      ...opt("holder", s(i, "holder")),
      ...opt("holdExpiresAt", n(i, "hold_expires_at")),
      ...opt("orderId", s(i, "order_id")),
    }));
  }

  /**
   * Seats HELD, with their hold not yet passed, by no reservation that is in HOLD: a ghost hold
   * (a hold that landed after its request gave up and was never undone).
   */
  async ghostSeats(): Promise<string[]> {
    const snap = await this.snapshot();
    const live = new Set(snap.reservations.filter((r) => r.status === "HOLD").map((r) => r.reservationId));
    return snap.seats
      .filter((s) => s.status === "HELD" && (s.holdExpiresAt ?? 0) > Date.now() && !live.has(s.holder ?? ""))
      .map((s) => s.seatId);
  }

  /** The whole snapshot the checks read. */
  async snapshot(): Promise<StoreSnapshot> {
    const takenAt = Date.now();
    const ev = { ":e": { S: this.eventId } };
    const [seats, holds, reservations, orders, intents] = await Promise.all([
      this.seats(),
      this.scanAll({
        TableName: tableName(this.stage, "seats"),
        FilterExpression: "begins_with(pk, :h) AND sk = :e",
        ExpressionAttributeValues: { ":h": { S: "HOLD#" }, ...ev },
        ConsistentRead: true,
      }),
      this.scanAll({
        TableName: tableName(this.stage, "reservations"),
        FilterExpression: "event_id = :e AND sk = :r",
        ExpressionAttributeValues: { ":r": { S: "RESERVATION" }, ...ev },
        ConsistentRead: true,
      }),
      this.scanAll({
        TableName: tableName(this.stage, "orders"),
        FilterExpression: "event_id = :e AND sk = :o",
        ExpressionAttributeValues: { ":o": { S: "ORDER" }, ...ev },
        ConsistentRead: true,
      }),
      // Intents carry no event id, so every intent of the stage is read and those of this
      // event's reservations kept below. The sk is payment's INTENT_SK (bench does not depend on
      // the payment package; the layout is in payment/src/adapters/intent-items.ts).
      this.scanAll({
        TableName: tableName(this.stage, "payments"),
        FilterExpression: "sk = :i",
        ExpressionAttributeValues: { ":i": { S: "INTENT" } },
        ConsistentRead: true,
      }),
    ]);
    const ofEvent = new Set(reservations.map((i) => s(i, "reservation_id")));
    return {
      takenAt,
      seats,
      holds: holds.map(
        (i): HoldRow => ({
          reservationId: s(i, "reservation_id") ?? "",
          status: s(i, "status") ?? "",
          holdExpiresAt: n(i, "hold_expires_at") ?? 0,
          updatedAt: n(i, "updated_at") ?? 0,
          ...opt("releaseReason", s(i, "release_reason")),
        }),
      ),
      reservations: reservations.map(
        (i): ReservationRow => ({
          reservationId: s(i, "reservation_id") ?? "",
          userId: s(i, "user_id") ?? "",
          status: s(i, "status") ?? "",
          seatIds: list(i, "seat_ids"),
          holdExpiresAt: n(i, "hold_expires_at") ?? 0,
          updatedAt: n(i, "updated_at") ?? 0,
          ...opt("orderId", s(i, "order_id")),
        }),
      ),
      orders: orders.map(
        (i): OrderRow => ({
          orderId: s(i, "order_id") ?? "",
          reservationId: s(i, "reservation_id") ?? "",
          userId: s(i, "user_id") ?? "",
          seatIds: list(i, "seat_ids"),
          paymentIntentId: s(i, "payment_intent_id") ?? "",
        }),
      ),
      payments: intents
        .filter((i) => ofEvent.has(s(i, "reservation_id")))
        .map(
          (i): PaymentRow => ({
            intentId: s(i, "id") ?? "",
            reservationId: s(i, "reservation_id") ?? "",
            status: s(i, "status") ?? "",
            amount: n(i, "amount") ?? 0,
            updatedAt: n(i, "updated_at") ?? 0,
          }),
        ),
    };
  }

  /** Polls the seat items every `everyMs` and remembers HELD seats seen past hold + grace. */
  watchStaleHolds(graceMs: number, everyMs = 3000) {
    const worst = new Map<string, StaleSighting>();
    let counts: Record<string, number> = {};
    let noneAvailableAt: number | undefined;
    let lastFreeAt: number | undefined;
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          const now = Date.now();
          const seats = await this.seats();
          const heldNow = new Set<string>();
          counts = {};
          // A hold whose time has passed reads as AVAILABLE (docs/spec.md), so it counts as free.
          let free = 0;
          for (const seat of seats) {
            counts[seat.status] = (counts[seat.status] ?? 0) + 1;
            const lapsed =
              seat.status === "HELD" && seat.holdExpiresAt !== undefined && seat.holdExpiresAt <= now;
            if (seat.status === "AVAILABLE" || lapsed) free += 1;
            if (seat.status !== "HELD" || seat.holdExpiresAt === undefined) continue;
            const lateMs = now - seat.holdExpiresAt - graceMs;
            const key = `${seat.seatId}|${seat.holder}`;
            heldNow.add(key);
            if (lateMs > 0 && (worst.get(key)?.lateMs ?? 0) < lateMs + graceMs)
              worst.set(key, {
                seatId: seat.seatId,
                ...opt("holder", seat.holder),
                lateMs: lateMs + graceMs,
                at: now,
              });
          }
          // When a late hold was first seen gone: the end of the span whose worker kills count
          // towards its grace (drop/expiry-checks.ts).
          for (const [key, s] of worst) if (!heldNow.has(key)) s.releasedSeenAt ??= now;
          if (free === 0 && seats.length > 0) noneAvailableAt ??= now;
          else if (noneAvailableAt === undefined) lastFreeAt = now;
        } catch {
          // A busy DynamoDB Local may time out a poll; the next one looks again.
        }
        await Bun.sleep(everyMs);
      }
    })();
    return {
      /** Seat statuses at the last poll. */
      counts: () => counts,
      /** The first poll (Date.now) that found no seat free: each one held or sold. */
      noneAvailableAt: () => noneAvailableAt,
      /** The poll before it, the last that found a seat free: the moment lies between the two. */
      lastFreeAt: () => lastFreeAt,
      stop: async (): Promise<StaleSighting[]> => {
        running = false;
        await loop;
        return [...worst.values()];
      },
    };
  }

  /** Closes the client. */
  close(): void {
    this.ddb.destroy();
  }
}

/**
 * Runs `read` on an event's items in a platform's DynamoDB (`dynamodb`: its endpoint and stage;
 * without one, the local defaults), then closes the client.
 */
export async function readStore<T>(
  dynamodb: { endpoint: string; stage: string } | undefined,
  eventId: string,
  read: (reader: StoreReader) => Promise<T>,
): Promise<T> {
  const reader = new StoreReader(dynamodb?.endpoint ?? "", dynamodb?.stage ?? "", eventId);
  try {
    return await read(reader);
  } finally {
    reader.close();
  }
}
