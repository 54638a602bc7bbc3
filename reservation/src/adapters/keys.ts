/**
 * Every DynamoDB key the reservation service writes, in one place. Reservations, orders and
 * outbox records are keyed by their own random ids, so a hot event spreads over many
 * partitions. The two sparse "work list" indexes (live holds by expiry, unpublished outbox
 * records) would each be one hot partition at drop rates, so their partition key is one of
 * SHARDS buckets chosen by a hash of the reservation id; readers query every bucket.
 */

/** Buckets of the sparse work-list indexes (16 × ~1,000 writes/s per partition). */
export const SHARDS = 16;

// FNV-1a: cheap, stable across processes and languages, good enough spread for bucketing.
function bucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARDS;
}

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
  outboxPartition: (reservationId: string) => `RES#${reservationId}`,
  /** gsi1: unpublished records by creation time, removed once published. */
  outboxPending: (reservationId: string, createdAt: number, version: number) => ({
    gsi1pk: `PENDING#${bucket(reservationId)}`,
    gsi1sk: `${iso(createdAt)}#${reservationId}#${version}`,
  }),
  pendingShard: (shard: number) => `PENDING#${shard}`,
  idempotency: (userId: string, key: string) => ({ pk: `IDEM#${userId}#${key}`, sk: "IDEMPOTENCY" }),
};
