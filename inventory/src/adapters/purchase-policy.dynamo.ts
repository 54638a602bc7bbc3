/**
 * PurchasePolicyStore on DynamoDB: the policy lives on the event's record in the `events` table
 * (`p_max_live`, `p_max_seats`, versioned by `p_version`), next to the queue settings, so it is
 * kept as long as the event and read with one strongly consistent GetItem.
 */
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { type Item, updateVersioned } from "@tt/kit";
import type { PurchasePolicy, PurchasePolicyChange } from "../domain/model.ts";
import type { PurchasePolicyStore } from "../domain/ports.ts";
import { storageError } from "./dynamo-errors.ts";
import { ACTIVE_EVENT, eventKey } from "./dynamo-keys.ts";

function decode(item: Item): PurchasePolicy {
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  return {
    maxLiveReservations: number("p_max_live"),
    maxSeatsPerUser: number("p_max_seats"),
    version: number("p_version") ?? 0,
  };
}

/** The purchase policy on each event's record. */
export class DynamoPurchasePolicyStore implements PurchasePolicyStore {
  constructor(
    private readonly ddb: Pick<DynamoDBClient, "send">,
    private readonly table: string,
  ) {}

  async get(eventId: string): Promise<PurchasePolicy | undefined> {
    try {
      const { Item } = await this.ddb.send(
        new GetItemCommand({
          TableName: this.table,
          Key: eventKey(eventId),
          ConsistentRead: true,
          ProjectionExpression: "#s, p_max_live, p_max_seats, p_version",
          ExpressionAttributeNames: { "#s": "status" },
        }),
      );
      return Item?.status?.S === "ACTIVE" ? decode(Item) : undefined;
    } catch (error) {
      throw storageError(error);
    }
  }

  async update(eventId: string, change: PurchasePolicyChange): Promise<PurchasePolicy | undefined> {
    const number = (value: number | null | undefined) => (value == null ? value : { N: String(value) });
    try {
      const item = await updateVersioned(this.ddb, {
        table: this.table,
        key: eventKey(eventId),
        changes: {
          p_max_live: number(change.maxLiveReservations),
          p_max_seats: number(change.maxSeatsPerUser),
        },
        version: "p_version",
        condition: ACTIVE_EVENT,
      });
      // None: no such event, or one still being created.
      return item ? decode(item) : undefined;
    } catch (error) {
      throw storageError(error);
    }
  }
}
