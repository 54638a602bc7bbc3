/**
 * The durable idempotency record, written inside the effect's own DynamoDB transaction (the
 * reservation and its outbox record; the payment intent and its job), so the key is claimed
 * exactly when the effect happens: a request that fails leaves no claim behind, a crash leaves
 * no half-claimed key, and no cache loss can ever make a hold or a payment run twice.
 *
 * Item: pk `IDEM#<user>#<key>`, sk `IDEMPOTENCY`, `fingerprint`, `result` (the answer as JSON),
 * `created_at`, and the TTL attribute for clean-up only: the window is enforced by the condition
 * and by `judge`, because DynamoDB deletes expired items up to 48 h late.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type TransactWriteItem,
} from "@aws-sdk/client-dynamodb";
import { TTL_ATTRIBUTE } from "../aws/tables.ts";

/** Idempotency keys belong to a user: the same key from two users is two keys. */
export interface IdempotencyScope {
  userId: string;
  key: string;
}

/** A claim to write with an effect: who, under which key, for which request. */
export interface IdempotencyClaim {
  scope: IdempotencyScope;
  fingerprint: string;
}

/** What an earlier request with the same key left. */
export interface IdempotencyRecord {
  fingerprint: string;
  result: string;
  createdAt: number;
}

/** What a repeated key means for the request in hand. */
export type Verdict = { kind: "fresh" } | { kind: "replay"; result: string } | { kind: "conflict" };

/** How long a key is remembered: 5 minutes (docs/spec.md, "Idempotency"). */
export const IDEMPOTENCY_WINDOW_MS = 5 * 60_000;

/** The key of a scope's record. */
export function idempotencyKey(scope: IdempotencyScope): Record<string, AttributeValue> {
  return { pk: { S: `IDEM#${scope.userId}#${scope.key}` }, sk: { S: "IDEMPOTENCY" } };
}

/**
 * The Put to add to the effect's transaction: it fails (ConditionalCheckFailed, with the old
 * record) when the key already has a record inside the window.
 */
export function idempotencyPut(
  table: string,
  claim: IdempotencyClaim,
  result: string,
  now: number,
  windowMs = IDEMPOTENCY_WINDOW_MS,
): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...idempotencyKey(claim.scope),
        fingerprint: { S: claim.fingerprint },
        result: { S: result },
        created_at: { N: String(now) },
        [TTL_ATTRIBUTE]: { N: String(Math.ceil((now + windowMs) / 1000) + 3600) },
      },
      ConditionExpression: "attribute_not_exists(pk) OR created_at < :windowStart",
      ExpressionAttributeValues: { ":windowStart": { N: String(now - windowMs) } },
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  };
}

/** Decodes a record item (from a read, or from a failed condition's ALL_OLD). */
export function decodeRecord(
  item: Record<string, AttributeValue> | undefined,
): IdempotencyRecord | undefined {
  if (!item?.fingerprint?.S) return undefined;
  return {
    fingerprint: item.fingerprint.S,
    result: item.result?.S ?? "",
    createdAt: Number(item.created_at?.N ?? 0),
  };
}

/** Reads a scope's record, strongly consistent (undefined when there is none). */
export async function readRecord(
  ddb: Pick<DynamoDBClient, "send">,
  table: string,
  scope: IdempotencyScope,
): Promise<IdempotencyRecord | undefined> {
  const { Item } = await ddb.send(
    new GetItemCommand({ TableName: table, Key: idempotencyKey(scope), ConsistentRead: true }),
  );
  return decodeRecord(Item);
}

/** Whether a request with `fingerprint` repeats the record's (replay), differs (conflict), or is new. */
export function judge(
  record: IdempotencyRecord | undefined,
  fingerprint: string,
  now: number,
  windowMs = IDEMPOTENCY_WINDOW_MS,
): Verdict {
  if (!record || record.createdAt < now - windowMs) return { kind: "fresh" };
  if (record.fingerprint !== fingerprint) return { kind: "conflict" };
  return { kind: "replay", result: record.result };
}
