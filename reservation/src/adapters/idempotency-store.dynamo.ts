import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { AppError, TTL_ATTRIBUTE } from "@tt/kit";
import type { IdempotencyClaim, IdempotencyScope, IdempotencyStore } from "../domain/ports.ts";
import { N, optStr, S } from "./dynamo-items.ts";
import { keys } from "./keys.ts";
import { mapS } from "./reservation-items.ts";

/** How long a key is remembered, and how long a claimed-but-unfinished request blocks it. */
export interface IdempotencyWindows {
  /** Same key + same request within this window replays (default 5 minutes). */
  windowMs: number;
  /** An IN_PROGRESS claim older than this is presumed dead and may be taken over (default 30 s). */
  leaseMs: number;
}

// Named condition parts. The window lives here, not in TTL: DynamoDB deletes expired items up to
// 48 h late, so a record older than the window is treated as absent by the condition itself.
const ABSENT = "attribute_not_exists(pk)";
const OUTSIDE_WINDOW = "created_at < :windowStart";
const ABANDONED = "(#state = :inProgress AND lease_until < :now AND request_hash = :hash)";
const OWNED = "owner_token = :token";

/**
 * Idempotency records: pk `IDEM#<user>#<key>`, attributes `request_hash` (SHA-256 of the
 * request), `state` IN_PROGRESS | COMPLETED, `owner_token`, `created_at`, `lease_until`,
 * `response` (JSON) and the TTL attribute for clean-up only.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
    private readonly windows: IdempotencyWindows = { windowMs: 5 * 60_000, leaseMs: 30_000 },
  ) {}

  async begin(scope: IdempotencyScope, requestHash: string, now: number): Promise<IdempotencyClaim> {
    const token = crypto.randomUUID();
    try {
      await this.ddb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...mapS(keys.idempotency(scope.userId, scope.key)),
            request_hash: S(requestHash),
            state: S("IN_PROGRESS"),
            owner_token: S(token),
            created_at: N(now),
            lease_until: N(now + this.windows.leaseMs),
            // Clean-up only, an hour after the window; correctness never waits for it.
            [TTL_ATTRIBUTE]: N(Math.ceil((now + this.windows.windowMs) / 1000) + 3600),
          },
          ConditionExpression: `${ABSENT} OR ${OUTSIDE_WINDOW} OR ${ABANDONED}`,
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":windowStart": N(now - this.windows.windowMs),
            ":inProgress": S("IN_PROGRESS"),
            ":now": N(now),
            ":hash": S(requestHash),
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { kind: "started", token };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw unavailable(error);
      const old = error.Item ?? {};
      if (optStr(old, "request_hash") !== requestHash) return { kind: "conflict" };
      const response = optStr(old, "response");
      if (optStr(old, "state") === "COMPLETED" && response !== undefined) return { kind: "replay", response };
      return { kind: "in_progress" };
    }
  }

  async complete(scope: IdempotencyScope, token: string, response: string): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: mapS(keys.idempotency(scope.userId, scope.key)),
          UpdateExpression: "SET #state = :completed, #response = :response REMOVE lease_until",
          ConditionExpression: OWNED,
          ExpressionAttributeNames: { "#state": "state", "#response": "response" },
          ExpressionAttributeValues: {
            ":completed": S("COMPLETED"),
            ":response": S(response),
            ":token": S(token),
          },
        }),
      );
    } catch (error) {
      // Someone took the key over after our lease ran out; their record stands.
      if (error instanceof ConditionalCheckFailedException) return;
      throw unavailable(error);
    }
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    try {
      await this.ddb.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: mapS(keys.idempotency(scope.userId, scope.key)),
          ConditionExpression: OWNED,
          ExpressionAttributeValues: { ":token": S(token) },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw unavailable(error);
    }
  }
}

function unavailable(cause: unknown): AppError {
  return new AppError("UPSTREAM_UNAVAILABLE", "The idempotency store is unavailable", { cause });
}
