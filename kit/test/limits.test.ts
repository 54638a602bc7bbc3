import { expect, test } from "bun:test";
import { EVENT_ID_PATTERN, isEventId } from "../src/limits.ts";

test("an event id is evt_ and 1–60 letters, digits, _ or -, the same shape everywhere", () => {
  for (const id of ["evt_2025_1001", "evt_a", `evt_${"x".repeat(60)}`, "evt_run-1"])
    expect(isEventId(id)).toBe(true);
  for (const id of ["", "e1", "evt_", `evt_${"x".repeat(61)}`, "evt_bad id", "EVT_1", "evt_1\n"]) {
    expect(isEventId(id)).toBe(false);
  }
  // The gateway's JSON schemas take the same pattern as a string.
  expect(new RegExp(EVENT_ID_PATTERN).test("evt_2025_1001")).toBe(true);
});
