import { describe, expect, test } from "bun:test";
import { normalizeEvents } from "./events.ts";

describe("normalizeEvents", () => {
  const raw = { event_id: "e1", name: "Taco Fest", venue: "Main Hall", starts_at: "2030-01-01T19:00:00Z" };

  test("accepts a bare array and an {events} wrapper alike", () => {
    expect(normalizeEvents([raw])).toEqual(normalizeEvents({ events: [raw] }));
    expect(normalizeEvents([raw])[0]?.venue).toBe("Main Hall");
  });

  test("drops entries without an id and names untitled ones", () => {
    const events = normalizeEvents([{ name: "no id" }, null, { event_id: "e2" }]);
    expect(events.map((e) => [e.eventId, e.name])).toEqual([["e2", "Untitled event"]]);
  });

  test("yields an empty list for bodies of an unexpected shape", () => {
    expect(normalizeEvents({ items: [raw] })).toEqual([]);
    expect(normalizeEvents(undefined)).toEqual([]);
  });
});
