import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type IdempotencyRecord, type IdempotencyScope, readRecord, storeFailure } from "@tt/kit";
import type { IdempotencyStore } from "../domain/ports.ts";

/**
 * Reads the kit's durable idempotency records (kit/src/idempotency/record.dynamo.ts) from the
 * `idempotency` table; they are written by DynamoReservationStore.create, in the reservation's
 * own transaction.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly ddb: Pick<DynamoDBClient, "send">,
    private readonly table: string,
  ) {}

  async read(scope: IdempotencyScope): Promise<IdempotencyRecord | undefined> {
    try {
      return await readRecord(this.ddb, this.table, scope);
    } catch (error) {
      throw storeFailure(error, "idempotency store");
    }
  }
}
