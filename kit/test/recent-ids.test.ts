import { expect, test } from "bun:test";
import { RecentIds } from "../src/recent-ids.ts";

test("keeps the last ids up to its capacity and forgets the oldest first", () => {
  const ids = new RecentIds(2);
  ids.add("a");
  ids.add("b");
  ids.add("c");
  expect(["a", "b", "c"].map((id) => ids.has(id))).toEqual([false, true, true]);
});
