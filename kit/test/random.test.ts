import { expect, test } from "bun:test";
import { randomString } from "../src/random.ts";

test("pooled random ids are never repeated, across many refills of the pool", () => {
  // 16 bytes each: 10,000 ids use the 4 KB pool about 40 times over.
  const ids = Array.from({ length: 10_000 }, (_, i) => randomString(16, i % 2 ? "hex" : "base64url"));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((_, i) => i % 2).every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
  expect(ids.filter((_, i) => i % 2 === 0).every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
});
