/**
 * PurchasePolicyStore on DynamoDB: the policy lives on the event's record in the `events` table
 * (`p_max_live`, `p_max_seats`, versioned by `p_version`), next to the queue settings, so it is
 * kept as long as the event and read with one strongly consistent GetItem.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { PurchasePolicy, PurchasePolicyChange } from "../domain/model.ts";
import type { PurchasePolicyStore } from "../domain/ports.ts";
import { storageError } from "./dynamo-errors.ts";
import { eventKey } from "./dynamo-keys.ts";

type Item = Record<string, AttributeValue>;

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
    const set: string[] = [];
    const remove: string[] = [];
    const values: Item = { ":active": { S: "ACTIVE" }, ":one": { N: "1" } };
    const apply = (attribute: string, value: number | null | undefined) => {
      if (value === undefined) return;
      if (value === null) remove.push(attribute);
      else {
        set.push(`${attribute} = :${attribute}`);
        values[`:${attribute}`] = { N: String(value) };
      }
    };
    apply("p_max_live", change.maxLiveReservations);
    apply("p_max_seats", change.maxSeatsPerUser);
    const update = [
      ...(set.length > 0 ? [`SET ${set.join(", ")}`] : []),
      ...(remove.length > 0 ? [`REMOVE ${remove.join(", ")}`] : []),
      "ADD p_version :one",
    ].join(" ");
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: eventKey(eventId),
          UpdateExpression: update,
          ConditionExpression: "#s = :active",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? decode(Attributes) : undefined;
    } catch (error) {
      // No such event, or one still being created.
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw storageError(error);
    }
  }
}
