/**
 * Caps the DynamoDB requests one process has in flight. Without a cap, a burst of drop traffic
 * opens a new connection per request; DynamoDB Local (and a pod's socket budget in AWS) then
 * fails them with connection timeouts. Queued requests wait in memory, FIFO, and go out on the
 * kept-alive connections as earlier ones finish; one whose caller gave up meanwhile is dropped.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { checkDeadline } from "@tt/kit";

/** The part of the DynamoDB client the adapters use. */
export type DynamoSend = Pick<DynamoDBClient, "send">;

/** A client whose `send` runs at most `maxInFlight` requests at once. */
export function limitInFlight(client: DynamoDBClient, maxInFlight: number): DynamoSend {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active -= 1;
    const next = waiting.shift();
    if (next) {
      active += 1;
      next();
    }
  };
  const acquire = (): Promise<void> => {
    if (active < maxInFlight) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const send = (async (command: Parameters<DynamoDBClient["send"]>[0]) => {
    await acquire();
    try {
      // A request that waited here past its caller's deadline is not sent: nobody will read the
      // answer, and a hold landing after its caller gave up is exactly what must not happen.
      checkDeadline("the DynamoDB request");
      return await client.send(command);
    } finally {
      release();
    }
  }) as DynamoDBClient["send"];
  return { send };
}
