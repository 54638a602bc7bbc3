import { expect, test } from "bun:test";
import { AvailabilityCache } from "../src/adapters/upstream/availability-cache.ts";

test("availability is fetched once per period for all callers, and a failure is not reused", async () => {
  let now = 0;
  let fetches = 0;
  let fail = false;
  const cache = new AvailabilityCache(
    async (eventId) => {
      fetches += 1;
      await Bun.sleep(5);
      if (fail) throw new Error("inventory down");
      return `{"event_id":"${eventId}","n":${fetches}}`;
    },
    500,
    () => now,
  );
  const concurrent = await Promise.all(Array.from({ length: 50 }, () => cache.get("evt_1")));
  expect(new Set(concurrent)).toEqual(new Set(['{"event_id":"evt_1","n":1}']));
  now = 499;
  expect(await cache.get("evt_1")).toBe('{"event_id":"evt_1","n":1}');
  now = 500;
  expect(await cache.get("evt_1")).toBe('{"event_id":"evt_1","n":2}');

  now = 1000;
  fail = true;
  await expect(cache.get("evt_1")).rejects.toThrow("inventory down");
  fail = false;
  expect(await cache.get("evt_1")).toBe('{"event_id":"evt_1","n":4}');
  expect(fetches).toBe(4);
});
