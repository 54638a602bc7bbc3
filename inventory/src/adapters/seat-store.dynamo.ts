/**
 * SeatStore on DynamoDB. Correctness lives here (docs/architecture.md, "Zero oversell"): every
 * seat change is a conditional write, a hold is one TransactWriteItems with one condition per
 * seat plus the reservation's hold record, and a hold's expiry is part of the condition — a seat
 * is free when AVAILABLE, or HELD with hold_expires_at < now — so a late expiry timer never
 * blocks a buyer.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  HoldExpiredError,
  HoldNotFoundError,
  InvalidHoldStateError,
  InvalidInputError,
  SeatsUnavailableError,
} from "../domain/errors.ts";
import type { EventInfo, Hold, Seat } from "../domain/model.ts";
import type { HoldWrite, Operation, SeatStore, WriteResult } from "../domain/ports.ts";
import { storageError, transact } from "./dynamo-errors.ts";
import { holdKey, seatKey } from "./dynamo-keys.ts";
import { decodeHold, decodeSeat, encodeHold, seatSetKey } from "./seat-codec.ts";
import {
  freeSeat,
  HOLD_LIVE,
  HOLD_NEW_OR_SAME,
  NAMES,
  SEAT_FREE_FOR_ME,
  SEAT_HELD_BY_ME_LIVE,
} from "./seat-conditions.ts";
import { DynamoSeatReads } from "./seat-reads.dynamo.ts";

/** SeatStore over the `seats` table (seat items sharded per event, hold records per reservation). */
export class DynamoSeatStore implements SeatStore {
  private readonly reads: DynamoSeatReads;

  constructor(
    private readonly ddb: Pick<DynamoDBClient, "send">,
    private readonly table: string,
    private readonly onConflict: (op: Operation) => void = () => undefined,
  ) {
    this.reads = new DynamoSeatReads(ddb, table);
  }

  async hold(w: HoldWrite): Promise<WriteResult> {
    const { event, reservationId: rid, seatIds, now } = w;
    const userSet = w.userId ? ", user_id = :uid" : " REMOVE user_id";
    const seatValues = {
      ":available": { S: "AVAILABLE" },
      ":held": { S: "HELD" },
      ":rid": { S: rid },
      ":exp": { N: String(w.holdExpiresAt) },
      ":now": { N: String(now) },
      ...(w.userId ? { ":uid": { S: w.userId } } : {}),
    };
    const hold: Hold = {
      reservationId: rid,
      eventId: event.eventId,
      seatIds,
      status: "HELD",
      holdExpiresAt: w.holdExpiresAt,
      userId: w.userId,
      totalAmount: w.totalAmount,
      currency: event.currency,
    };
    const items: TransactWriteItem[] = seatIds.map((id) => ({
      Update: {
        TableName: this.table,
        Key: seatKey(event.eventId, id, event.seatShards),
        UpdateExpression: `SET #s = :held, holder = :rid, hold_expires_at = :exp, updated_at = :now${userSet}`,
        ConditionExpression: SEAT_FREE_FOR_ME,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: seatValues,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    }));
    items.push({
      Put: {
        TableName: this.table,
        Item: { ...holdKey(rid, event.eventId), ...encodeHold(hold, now) },
        ConditionExpression: HOLD_NEW_OR_SAME,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ":held": { S: "HELD" }, ":key": { S: seatSetKey(seatIds) } },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    });
    const changed: Seat[] = seatIds.map((seatId) => ({
      seatId,
      status: "HELD",
      holder: rid,
      userId: w.userId || undefined,
      holdExpiresAt: w.holdExpiresAt,
      updatedAt: now,
    }));
    return transact(
      async () => {
        await this.ddb.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return { hold, changed };
      },
      (reasons) => {
        const record = reasons[seatIds.length];
        if (record?.code === "ConditionalCheckFailed" && record.old) {
          const existing = decodeHold(record.old);
          // Already committed with exactly these seats: the re-sent hold has nothing left to do.
          if (existing.status === "SOLD" && seatSetKey(existing.seatIds) === seatSetKey(seatIds)) {
            return { hold: existing, changed: [] };
          }
          throw new InvalidHoldStateError(
            existing.status === "HELD"
              ? `Reservation ${rid} already holds other seats (${existing.seatIds.join(", ")})`
              : `The hold of reservation ${rid} is ${existing.status.toLowerCase()}`,
          );
        }
        const lost = seatIds.flatMap((id, i) => (reasons[i]?.code === "ConditionalCheckFailed" ? [id] : []));
        const states = seatIds.flatMap((_, i) => {
          const old = reasons[i]?.old;
          return reasons[i]?.code === "ConditionalCheckFailed" && old ? [decodeSeat(old)] : [];
        });
        throw new SeatsUnavailableError(lost, states, w.userId);
      },
      () => this.onConflict("hold"),
    );
  }

  /** The hold record of a reservation (seat-reads.dynamo.ts). */
  getHold(reservationId: string, eventId: string): Promise<Hold | undefined> {
    return this.reads.getHold(reservationId, eventId);
  }

  /** The given seats, read consistently (seat-reads.dynamo.ts). */
  readSeats(event: EventInfo, seatIds: string[]): Promise<Seat[]> {
    return this.reads.readSeats(event, seatIds);
  }

  /** Every seat of an event, all shards at once (seat-reads.dynamo.ts). */
  loadSeats(event: EventInfo): Promise<Seat[]> {
    return this.reads.loadSeats(event);
  }

  async commit(event: EventInfo, hold: Hold, orderId: string, now: number): Promise<WriteResult> {
    const rid = hold.reservationId;
    const order = orderId ? ", order_id = :oid" : "";
    const values = {
      ":held": { S: "HELD" },
      ":sold": { S: "SOLD" },
      ":rid": { S: rid },
      ":now": { N: String(now) },
      ...(orderId ? { ":oid": { S: orderId } } : {}),
    };
    const items: TransactWriteItem[] = hold.seatIds.map((id) => ({
      Update: {
        TableName: this.table,
        Key: seatKey(event.eventId, id, event.seatShards),
        UpdateExpression: `SET #s = :sold, updated_at = :now${order} REMOVE hold_expires_at`,
        ConditionExpression: SEAT_HELD_BY_ME_LIVE,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: values,
      },
    }));
    const { ":rid": _rid, ...recordValues } = values;
    items.push({
      Update: {
        TableName: this.table,
        Key: holdKey(rid, event.eventId),
        UpdateExpression: `SET #s = :sold, committed_at = :now, updated_at = :now${order}`,
        // Exactly the held seats: a commit naming only some of them must not sell those alone.
        ConditionExpression: `${HOLD_LIVE} AND seat_key = :key`,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ...recordValues, ":key": { S: seatSetKey(hold.seatIds) } },
      },
    });
    const sold: Hold = { ...hold, status: "SOLD", orderId: orderId || undefined, committedAt: now };
    const changed: Seat[] = hold.seatIds.map((seatId) => ({
      seatId,
      status: "SOLD",
      holder: rid,
      updatedAt: now,
    }));
    return transact(
      async () => {
        await this.ddb.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return { hold: sold, changed };
      },
      async (reasons) => {
        // Something changed since the caller read the hold: a concurrent commit, or the hold lapsed.
        const current = await this.getHold(rid, event.eventId);
        if (!current) throw new HoldNotFoundError(rid);
        if (current.status !== "RELEASED" && seatSetKey(current.seatIds) !== seatSetKey(hold.seatIds)) {
          throw new InvalidInputError("seat_ids", "differ from the seats this reservation holds");
        }
        if (current.status === "SOLD") return { hold: current, changed: [] };
        if (current.holdExpiresAt < now || current.releaseReason === "EXPIRED") {
          throw new HoldExpiredError(rid);
        }
        if (current.status === "RELEASED")
          throw new InvalidHoldStateError(`The seats of ${rid} were released`);
        throw new SeatsUnavailableError(
          hold.seatIds.filter((_, i) => reasons[i]?.code === "ConditionalCheckFailed"),
        );
      },
      () => this.onConflict("commit"),
    );
  }

  async release(event: EventInfo, rid: string, seatIds: string[], reason: string, now: number) {
    // The hold record is the fence, so it is written first: once it says RELEASED — created as a
    // tombstone when the hold has not landed (yet) — a late hold transaction of this reservation
    // fails its HOLD_NEW_OR_SAME condition and can never land behind this release. Its old value
    // names the seats a hold that did land took, even when the caller does not know them.
    const old = await this.fence(event, rid, reason, now);
    // No record before the fence: no hold of this reservation ever landed (a hold writes its
    // record and its seats in one transaction), so no seat can be held by it. The common case
    // of a compensation, and it costs the fence alone.
    if (!old || old.status === "SOLD") return { released: [], changed: [] };
    const all = [...new Set([...old.seatIds, ...seatIds])];
    // Seats are freed one by one, each only where this reservation still holds it: a seat that
    // was sold, or re-held by someone else after the hold lapsed, is never touched.
    const freed = await Promise.all(
      all.map((id) =>
        this.conditional(
          freeSeat(this.table, event, id, "holder = :rid AND #s = :held", now, { ":rid": { S: rid } }),
        ),
      ),
    );
    const released = all.filter((_, i) => freed[i]);
    const changed: Seat[] = released.map((seatId) => ({ seatId, status: "AVAILABLE", updatedAt: now }));
    return { released, changed };
  }

  /**
   * Marks the hold record RELEASED, creating it if absent, and returns the record as it was. An
   * expiry creates none: it comes at the hold time, long after any hold of the reservation could
   * have been on its way, and most expiries of an absent record are the timers of holds that lost
   * their race (reservation arms the timer before inventory answers), so each is a write saved.
   */
  private async fence(event: EventInfo, rid: string, reason: string, now: number): Promise<Hold | undefined> {
    const tombstone = reason !== "EXPIRED";
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: holdKey(rid, event.eventId),
          UpdateExpression:
            "SET #s = :released, release_reason = :reason, updated_at = :now, reservation_id = :rid",
          ConditionExpression: tombstone ? "attribute_not_exists(pk) OR #s = :held" : "#s = :held",
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ":held": { S: "HELD" },
            ":released": { S: "RELEASED" },
            ":reason": { S: reason || "UNSPECIFIED" },
            ":now": { N: String(now) },
            ":rid": { S: rid },
          },
          ReturnValues: "ALL_OLD",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return Attributes?.status ? decodeHold(Attributes) : undefined;
    } catch (error) {
      // Already SOLD or RELEASED: nothing to fence; a repeated release still frees what it can.
      // No record at all (an expiry's): nothing was ever held.
      if (error instanceof ConditionalCheckFailedException) return error.Item && decodeHold(error.Item);
      throw storageError(error);
    }
  }

  /** Frees each seat still HELD with its hold past `cutoff`; returns the seats it freed. */
  async releaseLapsed(event: EventInfo, seatIds: string[], cutoff: number, now: number): Promise<Seat[]> {
    // Whoever holds it: a hold past the cutoff is nobody's any more, and a sale or a new hold
    // (whose expiry is not past the cutoff) fails the condition and wins.
    const condition = "#s = :held AND hold_expires_at < :cutoff";
    const freed = await Promise.all(
      seatIds.map((seatId) =>
        this.conditional(
          freeSeat(this.table, event, seatId, condition, now, { ":cutoff": { N: String(cutoff) } }),
        ),
      ),
    );
    return seatIds
      .filter((_, i) => freed[i])
      .map((seatId) => ({ seatId, status: "AVAILABLE" as const, updatedAt: now }));
  }

  private async conditional(command: UpdateItemCommand): Promise<boolean> {
    try {
      await this.ddb.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw storageError(error);
    }
  }
}
