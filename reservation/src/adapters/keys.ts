/**
 * Every DynamoDB key the reservation service writes, in one place. Reservations, orders and
 * outbox records are keyed by their own random ids, so a hot event spreads over many
 * partitions. The sparse "work list" index of live holds by expiry would be one hot partition
 * at drop rates, so its partition key is one of SHARDS buckets chosen by a hash of the
 * reservation id; readers query every bucket. (The outbox's own index is the kit's.)
 */
import { fnv1a } from "@tt/kit";

/** Buckets of the sparse work-list indexes (16 × ~1,000 writes/s per partition). */
export const SHARDS = 16;

const bucket = (id: string) => fnv1a(id) % SHARDS;

const iso = (ms: number) => new Date(ms).toISOString();

/** Key builders by table. */
export const keys = {
  reservation: (id: string) => ({ pk: `RES#${id}`, sk: "RESERVATION" }),
  /** gsi1: a user's reservations, newest first. */
  userReservations: (userId: string, createdAt: number, id: string) => ({
    gsi1pk: `USER#${userId}`,
    gsi1sk: `${iso(createdAt)}#${id}`,
  }),
  userPartition: (userId: string) => `USER#${userId}`,
  /** gsi2: live holds by expiry time, present only while the reservation is in HOLD. */
  holdByExpiry: (id: string, holdExpiresAt: number) => ({
    gsi2pk: `HOLD#${bucket(id)}`,
    gsi2sk: `${iso(holdExpiresAt)}#${id}`,
  }),
  holdShard: (shard: number) => `HOLD#${shard}`,
  holdSortBefore: (ms: number) => iso(ms),
  order: (id: string) => ({ pk: `ORD#${id}`, sk: "ORDER" }),
  userOrders: (userId: string, createdAt: number, id: string) => ({
    gsi1pk: `USER#${userId}`,
    gsi1sk: `${iso(createdAt)}#${id}`,
  }),
  /** Outbox records of one reservation sort by the reservation version that emitted them. */
  outbox: (reservationId: string, version: number) => ({
    pk: `RES#${reservationId}`,
    sk: `EVT#${String(version).padStart(8, "0")}`,
  }),
  idempotency: (userId: string, key: string) => ({ pk: `IDEM#${userId}#${key}`, sk: "IDEMPOTENCY" }),
  /**
   * What one buyer holds and has bought of one event (the purchase policy's tally). Event ids
   * hold no "#", so the user id, which may, goes last. One item per buyer: only that buyer's own
   * holds write it.
   */
  buyerTally: (eventId: string, userId: string) => ({ pk: `BUYER#${eventId}#${userId}`, sk: "TALLY" }),
};
