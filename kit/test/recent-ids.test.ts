import { expect, test } from "bun:test";
import { Recent, RecentIds } from "../src/recent-ids.ts";

test("keeps the last ids up to its capacity and forgets the oldest first", () => {
  const ids = new RecentIds(2);
  ids.add("a");
  ids.add("b");
  ids.add("c");
  expect(["a", "b", "c"].map((id) => ids.has(id))).toEqual([false, true, true]);
});

test("a value is read until it is taken, and noting an entry again makes it the newest", () => {
  const recent = new Recent<number>(2);
  recent.set("a", 1);
  recent.set("b", 2);
  recent.set("a", 3);
  recent.set("c", 4);
  expect([recent.get("a"), recent.get("b"), recent.get("c")]).toEqual([3, undefined, 4]);
  expect(recent.take("a")).toBe(3);
  expect(recent.get("a")).toBeUndefined();
});
