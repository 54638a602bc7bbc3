// Small typed helpers for DynamoDB attribute values, so item codecs read as plain field lists.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A DynamoDB item. */
export type Item = Record<string, AttributeValue>;

/** A string attribute. */
export const S = (value: string): AttributeValue => ({ S: value });
/** A number attribute. */
export const N = (value: number): AttributeValue => ({ N: String(value) });
/** A list of strings (a list, not a string set: sets cannot be empty and lose order). */
export const L = (values: readonly string[]): AttributeValue => ({ L: values.map(S) });

/** Reads a required string attribute. */
export function str(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`item attribute ${name} is missing`);
  return value;
}

/** Reads an optional string attribute. */
export function optStr(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

/** Reads a required number attribute. */
export function num(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`item attribute ${name} is missing`);
  return Number(value);
}

/** Reads an optional number attribute. */
export function optNum(item: Item, name: string): number | undefined {
  const value = item[name]?.N;
  return value === undefined ? undefined : Number(value);
}

/** Reads a list of strings. */
export function strList(item: Item, name: string): string[] {
  return (item[name]?.L ?? []).map((v) => v.S ?? "");
}

/** Drops undefined entries so optional attributes are simply absent. */
export function compact(item: Record<string, AttributeValue | undefined>): Item {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as Item;
}

/** Joins named condition parts with AND, each in parentheses. */
export function allOf(...parts: string[]): string {
  return parts.map((p) => `(${p})`).join(" AND ");
}
