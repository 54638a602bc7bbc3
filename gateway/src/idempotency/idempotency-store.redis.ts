import type Redis from "ioredis";
import { type IdempotencyCommands, IdempotencyReply, withIdempotencyScripts } from "./scripts.ts";
import type { BeginResult, Claim, IdempotencyStore, StoredResponse } from "./store.ts";

/** Lifetimes of idempotency records. */
export interface IdempotencyTimes {
  /** How long a finished response is replayed. */
  ttlMs: number;
  /** How long a running claim survives if its owner dies; must exceed the longest request deadline. */
  lockMs: number;
}

/**
 * The one key builder of idempotency records. Keys are scoped by user so one buyer can never
 * replay, block or probe another's key; the whole scope and key is the hash tag, spreading
 * records over a cluster's shards.
 */
export const idempotencyKeys = {
  record: (scope: string, key: string) => `tt:idem:{${scope}:${key}}`,
};

/** Idempotency records in Redis: claim with a lock state, then the final response (see scripts/). */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: Redis & IdempotencyCommands;

  constructor(
    redis: Redis,
    private readonly times: IdempotencyTimes,
  ) {
    this.#redis = withIdempotencyScripts(redis);
  }

  /** See IdempotencyStore.begin. */
  async begin(scope: string, key: string, fingerprint: string): Promise<BeginResult> {
    const recordKey = idempotencyKeys.record(scope, key);
    const owner = crypto.randomUUID();
    const [code, status, body, contentType] = await this.#redis.ttIdemBegin(
      recordKey,
      fingerprint,
      owner,
      this.times.lockMs,
    );
    switch (code) {
      case IdempotencyReply.Claimed:
        return { kind: "claimed", claim: { recordKey, owner } };
      case IdempotencyReply.Done:
        return {
          kind: "replay",
          response: { status: Number(status), body: body ?? "", contentType: contentType ?? "" },
        };
      case IdempotencyReply.Conflict:
        return { kind: "conflict" };
      case IdempotencyReply.InProgress:
        return { kind: "in_progress" };
      default:
        throw new Error(`unexpected idempotency begin reply ${String(code)}`);
    }
  }

  /** See IdempotencyStore.finish. */
  async finish(claim: Claim, response: StoredResponse): Promise<boolean> {
    const reply = await this.#redis.ttIdemFinish(
      claim.recordKey,
      claim.owner,
      response.status,
      response.body,
      response.contentType,
      this.times.ttlMs,
    );
    return reply === IdempotencyReply.Claimed;
  }

  /** See IdempotencyStore.release. */
  async release(claim: Claim): Promise<void> {
    await this.#redis.ttIdemRelease(claim.recordKey, claim.owner);
  }
}
