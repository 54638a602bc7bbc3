// The shared runtime kit: every service builds on these so that none re-writes plumbing.
export { dynamoCheck, sqsCheck } from "./aws/checks.ts";
export { type AwsClientConfig, createDynamoClient, createSqsClient } from "./aws/clients.ts";
export { type DeadLetter, DeadLetters, describeDeadLetter, MALFORMED } from "./aws/dead-letters.ts";
export { instrumentAws } from "./aws/instrument.ts";
export * from "./aws/items.ts";
export { ensureQueues, ensureTables, type QueueRefs } from "./aws/provision.ts";
export { batchRefusals, type QueueUrl, queueUrl } from "./aws/queue-url.ts";
export { EVENTS_QUEUE, queueNames } from "./aws/queues.ts";
export * from "./aws/store-errors.ts";
export { type TableName, TTL_ATTRIBUTE, tableName, tableNames } from "./aws/tables.ts";
export { Batcher, type BatcherOptions } from "./batcher.ts";
export {
  APP_ENVS,
  awsFields,
  baseFields,
  type ConfigCheck,
  ConfigError,
  type ConfigOf,
  type ConfigSchema,
  configSchema,
  type Env,
  env,
  type Field,
  type FieldContext,
  loadConfig,
  outboxFields,
  productionLike,
  readConfig,
  redisFields,
  upstreamFields,
} from "./config.ts";
export { type BreakerOptions, type BreakerState, CircuitBreaker } from "./connect/breaker.ts";
export { createServiceClient, type ServiceClientOptions } from "./connect/client.ts";
export {
  type Budget,
  checkDeadline,
  currentBudget,
  detached,
  remainingMs,
  withDeadline,
} from "./connect/deadline.ts";
export { fromConnectError, toConnectError } from "./connect/error-detail.ts";
export { upstreamCheck } from "./connect/health.ts";
export type { ConnectRoutes } from "./connect/server.ts";
export {
  AppError,
  type AppErrorOptions,
  ERROR_CATALOGUE,
  type ErrorCode,
  isErrorCode,
  isRetryable,
  isUpstreamDown,
} from "./errors.ts";
export {
  decodeEvent,
  EVENT_TYPES,
  EventCodecError,
  type EventDetail,
  encodeEvent,
  eventType,
  newEvent,
} from "./events.ts";
export { fnv1a } from "./hash.ts";
export { type ErrorBody, errorResponse } from "./http/errors.ts";
export { type CheckResult, type ReadinessCheck, runChecks } from "./http/health.ts";
export type { NativeRoutes } from "./http/native-routes.ts";
export * from "./idempotency/index.ts";
export {
  type AttestationReader,
  type Attester,
  keyAttestationReader,
  keyAttester,
} from "./identity/attestation.ts";
export { CALL_GRAPH, calleesOf, callersOf, DEVELOPER, type GraphService } from "./identity/call-graph.ts";
export { callerInterceptor, callerOf, credentialInterceptor } from "./identity/connect.ts";
export { type CredentialOptions, type Credentials, ServiceCredentials } from "./identity/credentials.ts";
export { DEV_SIGNING_KEY, devAuthorization, devCredentials } from "./identity/dev-key.ts";
export {
  generateSigningKey,
  type IdentityEnv,
  identityEnv,
  parseSigningKey,
  parseTrustedKeys,
  publicJwkOf,
  type TrustedKeys,
} from "./identity/keys.ts";
export { buyerOf, callerGuard } from "./identity/rest.ts";
export {
  attesterOf,
  type IdentityOptions,
  identityCheck,
  type ServiceIdentity,
  serviceIdentity,
} from "./identity/service-identity.ts";
export { type Caller, CredentialVerifier, type VerifierOptions } from "./identity/verifier.ts";
export * from "./limits.ts";
export { createLogger, type Logger, type LogLevel, type LogSink } from "./log.ts";
export { Metrics } from "./metrics.ts";
export { currentOrigin, type Origin, runAs, withOrigin } from "./origin.ts";
export { Outbox, type OutboxMessage, type OutboxMetrics, type OutboxOptions } from "./outbox.ts";
export { Poller, type PollerOptions } from "./poller.ts";
export {
  type ChallengeCheck,
  type ChallengeFault,
  challengeKey,
  checkChallenge,
  issueChallenge,
} from "./pow/challenge.ts";
export { endsPurchase, type PurchaseOutcome, purchaseChannel } from "./purchase-outcome.ts";
export { randomString } from "./random.ts";
export { Recent, RecentIds } from "./recent-ids.ts";
export { createRedis, duplicateRedis, instrumentRedis, redisCheck, redisError } from "./redis.ts";
export { defineScripts, expandIncludes, type ScriptSet } from "./redis-scripts.ts";
export {
  DEV_RESERVATION_TOKEN_SECRET,
  newJti,
  type ReservationGrant,
  readReservationToken,
  signReservationToken,
} from "./reservation-token.ts";
export { type Backoff, backoffDelay, type RetryPolicy, retrying, retryingAgain } from "./retry.ts";
export {
  ABANDON_REASONS,
  type AbandonReason,
  FUNNEL_STEPS,
  type FunnelStep,
  readSaleTally,
  SALE_FIGURES_TTL_MS,
  type SaleFigures,
  SaleTally,
  type SaleTallyOptions,
  saleOrdersKey,
  saleTallyKey,
  WAIT_BUCKETS,
} from "./sale-tally.ts";
export { type BaseConfig, createService, type ServiceOptions } from "./service.ts";
export {
  contextFromHeaders,
  contextFromTraceparent,
  currentTraceId,
  currentTraceparent,
  initTelemetry,
  injectHeaders,
  inSpan,
  SpanKind,
} from "./telemetry.ts";
export {
  DEV_WEBHOOK_SECRET,
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_TOLERANCE_SEC,
  type WebhookRejection,
  type WebhookVerdict,
  webhookSignature,
} from "./webhook.ts";
