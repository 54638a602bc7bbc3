// One way to do idempotency: one fingerprint, one durable record written with the effect, one
// in-process guard for concurrent duplicates.
export { fingerprint } from "./fingerprint.ts";
export {
  decodeRecord,
  IDEMPOTENCY_WINDOW_MS,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotencyScope,
  idempotencyKey,
  idempotencyPut,
  judge,
  readRecord,
  type Verdict,
} from "./record.dynamo.ts";
export { SingleFlight } from "./single-flight.ts";
