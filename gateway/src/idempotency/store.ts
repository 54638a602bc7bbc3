/** A finished response, as stored for replay. */
export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

/** Proof that this attempt owns an Idempotency-Key and must finish or release it. */
export interface Claim {
  readonly recordKey: string;
  readonly owner: string;
}

/** What the first look at an Idempotency-Key found. */
export type BeginResult =
  | { kind: "claimed"; claim: Claim }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "conflict" }
  | { kind: "in_progress" };

/** Where idempotency records live; one atomic claim per key. */
export interface IdempotencyStore {
  /** Claims `key` for this request (by its fingerprint) or says why not. */
  begin(scope: string, key: string, fingerprint: string): Promise<BeginResult>;
  /** Stores the response for replay; false when the claim had already expired. */
  finish(claim: Claim, response: StoredResponse): Promise<boolean>;
  /** Drops the claim so that a retry runs again. */
  release(claim: Claim): Promise<void>;
}
