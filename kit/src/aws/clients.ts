import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import * as sqs from "@aws-sdk/client-sqs";
import { limitInFlight } from "./in-flight.ts";
import { AwsJsonClient, type JsonClientOptions } from "./json-client.ts";

/** Where an AWS client talks to: the region, and an emulator endpoint when running locally. */
export interface AwsClientConfig {
  region: string;
  /** Emulator URL (DynamoDB Local, fauxqs); unset in AWS so the SDK picks the real endpoint. */
  endpoint?: string | undefined;
  /** Per-attempt HTTP deadline in milliseconds (default 2000). */
  requestTimeoutMs?: number;
  /** Total attempts including the first (default 3). */
  maxAttempts?: number;
  /** Most requests in flight at once; the rest queue (default 64, see in-flight.ts). */
  maxInFlight?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_MAX_IN_FLIGHT = 64;

/**
 * Emulators accept any credentials. Falling back to dummy ones when an endpoint is set and the
 * environment has none keeps the SDK from probing IMDS (a multi-second stall) on a laptop.
 */
function localCredentials(cfg: AwsClientConfig) {
  if (!cfg.endpoint || process.env.AWS_ACCESS_KEY_ID) return undefined;
  return { accessKeyId: "local", secretAccessKey: "local" };
}

/** The lean JSON client for one AWS service, placed, signed and bounded as `cfg` says. */
function jsonClient(
  cfg: AwsClientConfig,
  service: Pick<
    JsonClientOptions,
    "service" | "targetPrefix" | "exceptions" | "baseException" | "idempotencyTokens"
  >,
): AwsJsonClient {
  return new AwsJsonClient({
    ...service,
    region: cfg.region,
    endpoint: cfg.endpoint,
    credentials: localCredentials(cfg),
    requestTimeoutMs: cfg.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    maxAttempts: cfg.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

/**
 * Builds a DynamoDB client with request deadlines, bounded retries and a cap on requests in
 * flight. It is the kit's lean JSON client (json-client.ts: a tenth of the SDK client's CPU per
 * request under Bun) behind the SDK client's type: the services use `send(command)` and
 * `destroy()` only, with the SDK's commands, outputs and exceptions.
 */
export function createDynamoClient(cfg: AwsClientConfig): DynamoDBClient {
  const client = jsonClient(cfg, {
    service: "dynamodb",
    targetPrefix: "DynamoDB_20120810",
    exceptions: dynamodb,
    baseException: dynamodb.DynamoDBServiceException,
    idempotencyTokens: { TransactWriteItems: "ClientRequestToken" },
  });
  limitInFlight(client, cfg.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  return client as unknown as DynamoDBClient;
}

/**
 * Builds an SQS client with request deadlines and bounded retries: the same lean JSON client as
 * DynamoDB's (SQS speaks the AWS JSON protocol too), behind the SDK client's type.
 */
export function createSqsClient(cfg: AwsClientConfig): SQSClient {
  // A long poll (WaitTimeSeconds 20) outlives the 2 s default deadline: a consumer builds its
  // own client with requestTimeoutMs above the wait time; senders keep the short deadline.
  const client = jsonClient(cfg, {
    service: "sqs",
    targetPrefix: "AmazonSQS",
    exceptions: sqs,
    baseException: sqs.SQSServiceException,
  });
  return client as unknown as SQSClient;
}
