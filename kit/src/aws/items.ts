/**
 * Item reads and writes every service's DynamoDB adapters share, so that a consistent read and a
 * versioned change are written once. Error translation stays with each adapter: what a failure
 * means to its callers is the service's own word.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";

/** One DynamoDB item, attribute by attribute. */
export type Item = Record<string, AttributeValue>;

type Send = Pick<DynamoDBClient, "send">;

/** The item under `key` read strongly consistently (a read after a write sees it), if there is one. */
export async function readItem(ddb: Send, table: string, key: Item): Promise<Item | undefined> {
  const { Item } = await ddb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return Item;
}

/** A condition an item must meet to be changed, with the names and values it uses. */
export interface ItemCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Item;
}

/** A change to some of an item's attributes that adds one to its version counter. */
export interface VersionedChange {
  table: string;
  key: Item;
  /** attribute → its new value; `null` removes the attribute, `undefined` leaves it as it is. */
  changes: Record<string, AttributeValue | null | undefined>;
  /** the number attribute every change adds one to, so readers can tell newer from older */
  version: string;
  /** without it the item is created when missing */
  condition?: ItemCondition;
}

/**
 * Applies `change` in one UpdateItem and answers the item as it is after it, or `undefined`
 * when the condition did not hold (nothing was changed). Other failures are thrown as they came.
 */
export async function updateVersioned(ddb: Send, change: VersionedChange): Promise<Item | undefined> {
  const set: string[] = [];
  const remove: string[] = [];
  const values: Item = { ...change.condition?.values, ":one": { N: "1" } };
  for (const [attribute, value] of Object.entries(change.changes)) {
    if (value === null) remove.push(attribute);
    else if (value !== undefined) {
      set.push(`${attribute} = :${attribute}`);
      values[`:${attribute}`] = value;
    }
  }
  const update = [
    ...(set.length > 0 ? [`SET ${set.join(", ")}`] : []),
    ...(remove.length > 0 ? [`REMOVE ${remove.join(", ")}`] : []),
    `ADD ${change.version} :one`,
  ].join(" ");
  try {
    const { Attributes } = await ddb.send(
      new UpdateItemCommand({
        TableName: change.table,
        Key: change.key,
        UpdateExpression: update,
        ConditionExpression: change.condition?.expression,
        ExpressionAttributeNames: change.condition?.names,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
