import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { dlqAttributes, eventsQueueAttributes, queueNames } from "./queues.ts";
import { TABLE_NAMES, TABLES, type TableDef, type TableName, tableName } from "./tables.ts";

/** How long to wait for a new table to become ACTIVE (DynamoDB Local takes well under a second). */
const TABLE_WAIT_SECONDS = 60;

/** The CreateTable input for one table definition. */
export function createTableInput(stage: string, def: TableDef) {
  const keyNames = new Set<string>([def.hashKey, def.rangeKey]);
  for (const ix of def.indexes) keyNames.add(ix.hashKey).add(ix.rangeKey);
  const AttributeDefinitions: AttributeDefinition[] = [...keyNames].map((n) => ({
    AttributeName: n,
    AttributeType: "S",
  }));
  return {
    TableName: tableName(stage, def.name),
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions,
    KeySchema: [
      { AttributeName: def.hashKey, KeyType: "HASH" as const },
      { AttributeName: def.rangeKey, KeyType: "RANGE" as const },
    ],
    ...(def.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: def.indexes.map((ix) => ({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.hashKey, KeyType: "HASH" as const },
              { AttributeName: ix.rangeKey, KeyType: "RANGE" as const },
            ],
            Projection: { ProjectionType: "ALL" as const },
          })),
        }
      : {}),
  };
}

async function tableExists(ddb: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

async function ensureTtl(ddb: DynamoDBClient, name: string, attribute: string): Promise<void> {
  const current = await ddb.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === "ENABLED" || status === "ENABLING") return;
  await ddb.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
    }),
  );
}

/** Creates one table if missing, waits until it is ACTIVE and turns TTL on. Safe to repeat. */
export async function ensureTable(ddb: DynamoDBClient, stage: string, def: TableDef): Promise<string> {
  const name = tableName(stage, def.name);
  if (!(await tableExists(ddb, name))) {
    try {
      await ddb.send(new CreateTableCommand(createTableInput(stage, def)));
    } catch (err) {
      // Another process (a second launcher, a parallel test) created it first: fine.
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  await waitUntilTableExists(
    { client: ddb, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1, maxDelay: 2 },
    { TableName: name },
  );
  if (def.ttlAttribute) await ensureTtl(ddb, name, def.ttlAttribute);
  return name;
}

/** Creates every platform table for a stage (idempotent); returns physical names by logical name. */
export async function ensureTables(ddb: DynamoDBClient, stage: string): Promise<Record<TableName, string>> {
  const names = await Promise.all(TABLE_NAMES.map((n) => ensureTable(ddb, stage, TABLES[n])));
  return Object.fromEntries(TABLE_NAMES.map((n, i) => [n, names[i]])) as Record<TableName, string>;
}

/** URLs and ARNs of the platform queues. */
export interface QueueRefs {
  eventsUrl: string;
  eventsArn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** Creates a queue or, when it exists, converges its attributes; returns its URL and ARN. */
async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (err) {
    if (!(err instanceof QueueDoesNotExist)) throw err;
  }
  if (url) {
    // CreateQueue with different attributes fails on a live queue; setting them converges instead.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  } else {
    url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${name}`);
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue ${name}`);
  return { url, arn };
}

/** Creates the events queue and its DLQ with redrive (idempotent); returns their URLs and ARNs. */
export async function ensureQueues(sqs: SQSClient, stage: string): Promise<QueueRefs> {
  const names = queueNames(stage);
  const dlq = await ensureQueue(sqs, names.eventsDlq, dlqAttributes());
  const events = await ensureQueue(sqs, names.events, eventsQueueAttributes(dlq.arn));
  return { eventsUrl: events.url, eventsArn: events.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
}
