import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createDynamoClient, createSqsClient } from "../../src/aws/clients.ts";
import { ensureQueues, ensureTables } from "../../src/aws/provision.ts";
import { TABLE_NAMES, TABLES, tableName } from "../../src/aws/tables.ts";
import { startDynamo } from "../../src/local/dynamodb.ts";
import { Supervisor } from "../../src/local/processes.ts";
import { startSqs } from "../../src/local/sqs.ts";
import { freePort } from "../../src/testing.ts";

const stage = `t${Date.now().toString(36)}`;
const sup = new Supervisor({ sink: () => undefined });
let ddb: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  const [dynamoPort, sqsPort] = [await freePort(), await freePort()];
  const [dynamoEndpoint, sqsEndpoint] = await Promise.all([
    startDynamo(sup, { port: dynamoPort }),
    startSqs(sup, { port: sqsPort }),
  ]);
  ddb = createDynamoClient({ region: "us-east-1", endpoint: dynamoEndpoint });
  sqs = createSqsClient({ region: "us-east-1", endpoint: sqsEndpoint });
}, 60_000);

afterAll(async () => {
  ddb?.destroy();
  sqs?.destroy();
  await sup.stop();
});

describe("ensureTables", () => {
  test("creates every table with pk/sk keys, its indexes and TTL, and is harmless to repeat", async () => {
    const first = await ensureTables(ddb, stage);
    const second = await ensureTables(ddb, stage);
    expect(second).toEqual(first);
    expect(first.reservations).toBe(`${stage}-reservations`);

    for (const name of TABLE_NAMES) {
      const def = TABLES[name];
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tableName(stage, name) }));
      expect(Table?.TableStatus).toBe("ACTIVE");
      expect(Table?.KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName)).toEqual(
        def.indexes.map((i) => i.name),
      );
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName(stage, name) }));
      if (def.ttlAttribute) {
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe("ENABLED");
        expect(ttl.TimeToLiveDescription?.AttributeName).toBe("expires_at_ttl");
      } else {
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe("DISABLED");
      }
    }
  });

  test("finds a user's reservations through gsi1", async () => {
    const TableName = tableName(stage, "reservations");
    await ddb.send(
      new PutItemCommand({
        TableName,
        Item: {
          pk: { S: "RES#1" },
          sk: { S: "META" },
          gsi1pk: { S: "USER#u1" },
          gsi1sk: { S: "2025-01-01" },
        },
      }),
    );
    const found = await ddb.send(
      new QueryCommand({
        TableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :u",
        ExpressionAttributeValues: { ":u": { S: "USER#u1" } },
      }),
    );
    expect(found.Items?.map((i) => i.pk?.S)).toEqual(["RES#1"]);
  });
});

describe("ensureQueues", () => {
  test("creates the events queue with redrive to its DLQ, and is harmless to repeat", async () => {
    const first = await ensureQueues(sqs, stage);
    const second = await ensureQueues(sqs, stage);
    expect(second).toEqual(first);
    expect(first.eventsUrl).toEndWith(`/${stage}-events`);
    expect(first.dlqUrl).toEndWith(`/${stage}-events-dlq`);

    const events = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: first.eventsUrl, AttributeNames: ["All"] }),
    );
    expect(events.Attributes?.VisibilityTimeout).toBe("10");
    expect(events.Attributes?.ReceiveMessageWaitTimeSeconds).toBe("20");
    const redrive = JSON.parse(events.Attributes?.RedrivePolicy ?? "{}");
    expect(redrive.deadLetterTargetArn).toBe(first.dlqArn);
    expect(Number(redrive.maxReceiveCount)).toBe(5);

    const dlq = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: first.dlqUrl, AttributeNames: ["All"] }),
    );
    expect(dlq.Attributes?.MessageRetentionPeriod).toBe(String(14 * 24 * 3600));
  });
});
