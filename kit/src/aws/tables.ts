/**
 * The one place DynamoDB tables are defined. Plain data, so the provisioner, tests and the
 * Terraform module can all mirror it. Every table uses generic string keys `pk`/`sk`; what goes
 * in them is up to the owning service's adapter.
 */

/** Logical table names; the physical name is `${stage}-${name}`. */
export const TABLE_NAMES = [
  "reservations",
  "orders",
  "idempotency",
  "outbox",
  "events",
  "seats",
  "payments",
  "payment-outbox",
] as const;

/** One of the logical table names. */
export type TableName = (typeof TABLE_NAMES)[number];

/** A global secondary index over generic string keys, projecting all attributes. */
export interface IndexDef {
  name: string;
  hashKey: string;
  rangeKey: string;
}

/** A table: keys, indexes and the TTL attribute if items expire. Billing is always on demand. */
export interface TableDef {
  name: TableName;
  hashKey: "pk";
  rangeKey: "sk";
  indexes: readonly IndexDef[];
  /** Epoch-seconds attribute DynamoDB uses to delete expired items. */
  ttlAttribute?: string;
}

/** The TTL attribute name shared by every table that expires items. */
export const TTL_ATTRIBUTE = "expires_at_ttl";

/** Index names, so adapters never spell them by hand. */
export const INDEXES = {
  /** reservations by user: gsi1pk = user, gsi1sk = created time. */
  reservationsByUser: "gsi1",
  /** live holds by expiry (sparse, HOLD only): gsi2pk = one of N hold shards, gsi2sk = hold_expires_at. */
  reservationHoldsByExpiry: "gsi2",
  /** orders by user: gsi1pk = user, gsi1sk = created time. */
  ordersByUser: "gsi1",
  /** events listing: gsi1pk = a listing partition, gsi1sk = start time. */
  eventsByStart: "gsi1",
  /** payment jobs due (sparse; decide, webhook): gsi1pk = one of N job shards, gsi1sk = due time. */
  paymentJobsDue: "gsi1",
} as const;

const gsi1: IndexDef = { name: "gsi1", hashKey: "gsi1pk", rangeKey: "gsi1sk" };

/** Every table the platform uses, keyed by logical name. */
export const TABLES: Readonly<Record<TableName, TableDef>> = {
  // TTL tidies only the marks of ids given up before their reservation was stored.
  reservations: {
    name: "reservations",
    hashKey: "pk",
    rangeKey: "sk",
    indexes: [gsi1, { name: "gsi2", hashKey: "gsi2pk", rangeKey: "gsi2sk" }],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  orders: { name: "orders", hashKey: "pk", rangeKey: "sk", indexes: [gsi1] },
  idempotency: {
    name: "idempotency",
    hashKey: "pk",
    rangeKey: "sk",
    indexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  // No index: records are deleted once published, so the rare sweep scans a near-empty table.
  outbox: { name: "outbox", hashKey: "pk", rangeKey: "sk", indexes: [], ttlAttribute: TTL_ATTRIBUTE },
  /** Inventory: pk `EVENT#{event_id}`, sk `META`; active events listed on gsi1 (`EVENTS`, start time). */
  events: { name: "events", hashKey: "pk", rangeKey: "sk", indexes: [gsi1] },
  /**
   * Inventory: seats sharded so one hot event spreads over many partitions — pk
   * `{event_id}#{shard}` (shard = hash(seat id) mod the event's seat_shards), sk = seat id; and
   * each reservation's hold record, pk `HOLD#{reservation_id}`, sk = event id. No counter items.
   */
  seats: { name: "seats", hashKey: "pk", rangeKey: "sk", indexes: [] },
  payments: { name: "payments", hashKey: "pk", rangeKey: "sk", indexes: [gsi1] },
  /**
   * Payment's outbox (kit/src/outbox.ts), shaped like `outbox`: pk `PI#{intent_id}`, sk the event
   * type. Its own table rather than reservation's: every table belongs to one service, which
   * alone is granted it, and each service's sweep should only ever find its own records.
   */
  "payment-outbox": {
    name: "payment-outbox",
    hashKey: "pk",
    rangeKey: "sk",
    indexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
};

/** The physical table name for a stage, e.g. `local-reservations`. */
export function tableName(stage: string, name: TableName): string {
  return `${stage}-${name}`;
}

/** Physical names of all tables for a stage, keyed by logical name. */
export function tableNames(stage: string): Record<TableName, string> {
  return Object.fromEntries(TABLE_NAMES.map((n) => [n, tableName(stage, n)])) as Record<TableName, string>;
}
