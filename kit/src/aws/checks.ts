import { type DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListQueuesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ReadinessCheck } from "../http/health.ts";

/** Readiness: DynamoDB answers a cheap control-plane call. */
export function dynamoCheck(client: DynamoDBClient): ReadinessCheck {
  return {
    name: "dynamodb",
    check: (abortSignal) => client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal }),
  };
}

/** Readiness: SQS answers a cheap control-plane call. */
export function sqsCheck(client: SQSClient): ReadinessCheck {
  return {
    name: "sqs",
    check: (abortSignal) => client.send(new ListQueuesCommand({ MaxResults: 1 }), { abortSignal }),
  };
}
