import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "../../src/aws/clients.ts";
import { withDeadline } from "../../src/connect/deadline.ts";
import { startDynamo } from "../../src/local/dynamodb.ts";
import { Supervisor } from "../../src/local/processes.ts";
import { freePort } from "../../src/testing.ts";

const sup = new Supervisor({ sink: () => undefined });
const table = `json-client-${Date.now().toString(36)}`;
let ddb: DynamoDBClient;

beforeAll(async () => {
  const endpoint = await startDynamo(sup, { port: await freePort() });
  ddb = createDynamoClient({ region: "us-east-1", endpoint });
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
}, 60_000);

afterAll(async () => {
  ddb?.destroy();
  await sup.stop();
});

/** A stand-in DynamoDB that answers each request with the next of `replies`, recording what it got. */
function scripted(replies: Array<{ status: number; body: object }>) {
  const seen: Array<{ target: string | null; auth: string | null; body: Record<string, unknown> }> = [];
  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      seen.push({
        target: req.headers.get("x-amz-target"),
        auth: req.headers.get("authorization"),
        body: (await req.json()) as Record<string, unknown>,
      });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)] ?? { status: 500, body: {} };
      return Response.json(reply.body, { status: reply.status });
    },
  });
  const client = createDynamoClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${server.port}` });
  return { client, seen, stop: () => server.stop(true) };
}

describe("the kit's DynamoDB client against DynamoDB Local", () => {
  test("writes and reads items in the SDK's shapes", async () => {
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, n: { N: "42" } } }));
    const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "a" } } }));
    expect(got.Item).toEqual({ pk: { S: "a" }, n: { N: "42" } });
    expect(got.$metadata.httpStatusCode).toBe(200);
  });

  test("a failed condition is the SDK's exception, with the item it returned", async () => {
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "b" }, v: { S: "old" } } }));
    const error = await ddb
      .send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: "b" } },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item).toEqual({ pk: { S: "b" }, v: { S: "old" } });
    expect((error as ConditionalCheckFailedException).$metadata.httpStatusCode).toBe(400);
  });

  test("a cancelled transaction carries its cancellation reasons", async () => {
    const error = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: { S: "a" } },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.[0]?.Code).toBe(
      "ConditionalCheckFailed",
    );
  });

  test("an unknown table is ResourceNotFoundException, not retried", async () => {
    const error = await ddb
      .send(new GetItemCommand({ TableName: "no-such-table", Key: { pk: { S: "a" } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).$metadata.attempts).toBe(1);
  });
});

describe("retries, as the SDK's standard mode", () => {
  test("a throttle and a 500 are retried; the request is signed and names its operation", async () => {
    const s = scripted([
      {
        status: 400,
        body: { __type: "com.amazonaws.dynamodb.v20120810#ThrottlingException", message: "slow down" },
      },
      {
        status: 500,
        body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "oops" },
      },
      { status: 200, body: { Item: { pk: { S: "x" } } } },
    ]);
    try {
      const got = await s.client.send(new GetItemCommand({ TableName: "t1", Key: { pk: { S: "x" } } }));
      expect(got.Item).toEqual({ pk: { S: "x" } });
      expect(s.seen).toHaveLength(3);
      expect(s.seen[0]?.target).toBe("DynamoDB_20120810.GetItem");
      expect(s.seen[0]?.auth).toStartWith("AWS4-HMAC-SHA256 Credential=local/");
    } finally {
      s.stop();
    }
  });

  test("a transaction gets one idempotency token, the same on every try", async () => {
    const s = scripted([
      { status: 500, body: { __type: "InternalServerError" } },
      { status: 200, body: {} },
    ]);
    try {
      await s.client.send(new TransactWriteItemsCommand({ TransactItems: [] }));
      const tokens = s.seen.map((r) => r.body.ClientRequestToken);
      expect(tokens).toHaveLength(2);
      expect(typeof tokens[0]).toBe("string");
      expect(tokens[1]).toBe(tokens[0]);
    } finally {
      s.stop();
    }
  });

  test("a client error is not retried; retries stop at three tries and within the caller's deadline", async () => {
    const refused = scripted([{ status: 400, body: { __type: "ValidationException", message: "bad" } }]);
    const failing = scripted([{ status: 503, body: { __type: "ServiceUnavailable" } }]);
    try {
      const bad = await refused.client
        .send(new GetItemCommand({ TableName: "t1", Key: {} }))
        .catch((e: unknown) => e as Error);
      expect((bad as Error).name).toBe("ValidationException");
      expect(refused.seen).toHaveLength(1);

      await failing.client.send(new GetItemCommand({ TableName: "t1", Key: {} })).catch(() => undefined);
      expect(failing.seen).toHaveLength(3);
      // With 5 ms left no backoff fits: one try, then the error.
      const before = failing.seen.length;
      await withDeadline({ at: Date.now() + 5 }, () =>
        failing.client.send(new GetItemCommand({ TableName: "t1", Key: {} })).catch(() => undefined),
      );
      expect(failing.seen.length - before).toBe(1);
    } finally {
      refused.stop();
      failing.stop();
    }
  });

  test("an abort signal stops a request at once, without retries", async () => {
    const seen: number[] = [];
    const server = Bun.serve({
      port: 0,
      async fetch() {
        seen.push(Date.now());
        await Bun.sleep(5_000);
        return Response.json({});
      },
    });
    try {
      const client = createDynamoClient({
        region: "us-east-1",
        endpoint: `http://127.0.0.1:${server.port}`,
        requestTimeoutMs: 10_000,
      });
      const abort = new AbortController();
      const started = Date.now();
      setTimeout(() => abort.abort(), 100);
      const sent = client.send(new GetItemCommand({ TableName: "t1", Key: {} }), {
        abortSignal: abort.signal,
      });
      await expect(sent).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(seen).toHaveLength(1);
    } finally {
      server.stop(true);
    }
  });
});
