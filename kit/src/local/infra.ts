/** The local platform's infrastructure set-up: where its state lives, and its tables and queues. */
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { createDynamoClient, createSqsClient } from "../aws/clients.ts";
import { ensureQueues, ensureTables } from "../aws/provision.ts";

/** Creates the stage's tables and queues on the local emulators (idempotent). */
export async function provision(region: string, dynamoEndpoint: string, sqsEndpoint: string, stage: string) {
  const ddb = createDynamoClient({ region, endpoint: dynamoEndpoint });
  const sqs = createSqsClient({ region, endpoint: sqsEndpoint });
  try {
    await ensureTables(ddb, stage);
    return await ensureQueues(sqs, stage);
  } finally {
    ddb.destroy();
    sqs.destroy();
  }
}

/**
 * Where the stack keeps what must outlive a killed process (not the machine): memory-backed
 * /dev/shm where there is one. On disk, the SQS emulator's SQLite syncs every message write —
 * most of its CPU in a drop, and every SQS call waits behind it.
 */
export function stateRoot(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}
