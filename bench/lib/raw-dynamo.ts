/**
 * The drop's yardstick: how many two-seat hold transactions DynamoDB Local itself completes per
 * second at 32 in flight — the same shape as inventory's hold (a conditional update per seat
 * plus the hold record) — measured on the platform's own DynamoDB Local while the platform is
 * idle, in a scratch table of its own. A purchase needs about four such writes (hold,
 * reservation, payment, commit), so raw ÷ 4 is what a perfectly lean platform could sell.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";

/** An AWS SDK client of a DynamoDB Local (any credentials do). */
export const localDynamo = (endpoint: string) =>
  new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });

/** A bench's own table: string keys `pk` and `sk`, paid per request. */
export async function createScratchTable(ddb: DynamoDBClient, TableName: string): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
}

/** Seat `n` of a scratch table, spread over 16 partitions as an event's seat shards are. */
export const scratchKey = (n: number) => ({ pk: { S: `evt#${n % 16}` }, sk: { S: `S-${n}` } });

/**
 * The conditional write of a hold on seat `n` for `holder`, as inventory's: AVAILABLE (or not
 * there yet: an update that creates it, without a table to fill first) becomes HELD.
 */
export const seatHold = (TableName: string, n: number, holder: string) => ({
  TableName,
  Key: scratchKey(n),
  UpdateExpression: "SET #s = :held, holder = :rid",
  ConditionExpression: "attribute_not_exists(pk) OR #s = :available",
  ExpressionAttributeNames: { "#s": "status" },
  ExpressionAttributeValues: {
    ":held": { S: "HELD" },
    ":available": { S: "AVAILABLE" },
    ":rid": { S: holder },
  },
});

/** Transactions per second, after a short warm-up. */
export async function rawHoldRate(endpoint: string, opts: { seconds?: number; inFlight?: number } = {}) {
  const seconds = opts.seconds ?? 5;
  const inFlight = opts.inFlight ?? 32;
  const ddb = localDynamo(endpoint);
  const table = `raw-bench-${Date.now().toString(36)}`;
  try {
    await createScratchTable(ddb, table);
    let next = 0;
    // Each transaction takes two fresh seats (an update that creates them: the same conditional
    // write per seat as a hold, without a table to fill first) and writes the hold record.
    const hold = async () => {
      const i = next++;
      await ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            ...[2 * i, 2 * i + 1].map((n) => ({ Update: seatHold(table, n, `r${i}`) })),
            {
              Put: {
                TableName: table,
                Item: { pk: { S: `HOLD#r${i}` }, sk: { S: "evt" }, status: { S: "HELD" } },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    };
    const run = async (ms: number) => {
      const started = performance.now();
      const until = started + ms;
      let done = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < until) {
            await hold();
            done += 1;
          }
        }),
      );
      return (done / (performance.now() - started)) * 1000;
    };
    await run(1000);
    return Math.round(await run(seconds * 1000));
  } finally {
    await ddb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    ddb.destroy();
  }
}

/** The best `windowSec`-second average of a per-second series ([second, count] points). */
export function bestWindow(series: Array<[number, number]>, windowSec = 10): number {
  const counts = new Map(series);
  const last = Math.max(0, ...series.map(([s]) => s));
  let best = 0;
  for (let start = 0; start + windowSec - 1 <= last; start++) {
    let sum = 0;
    for (let s = start; s < start + windowSec; s++) sum += counts.get(s) ?? 0;
    best = Math.max(best, sum / windowSec);
  }
  return Math.round(best * 10) / 10;
}
