import { describe, expect, test } from "bun:test";
import {
  describeSeat,
  neighbourSeat,
  parseSeatId,
  reconcileSelection,
  selectionTotal,
  toggleSeat,
} from "./seats.ts";
import type { Section } from "./types.ts";

const VIP: Section = { section_id: "VIP", name: "VIP floor", price: 220_000, rows: 5, seats_per_row: 20 };
const A: Section = { section_id: "A", name: "A stand", price: 99_000, rows: 25, seats_per_row: 40 };

describe("seat ids", () => {
  test("parse from the right and read as words", () => {
    expect(parseSeatId("VIP-3-12")).toEqual({ sectionId: "VIP", row: 3, number: 12 });
    expect(parseSeatId("UPPER-A-2-7")?.sectionId).toBe("UPPER-A");
    expect(parseSeatId("nonsense")).toBeUndefined();
    expect(describeSeat("VIP-3-12", [VIP])).toBe("VIP floor, row 3, seat 12");
  });
});

describe("choosing seats", () => {
  test("toggles seats and refuses the eleventh", () => {
    let selection: string[] = [];
    for (let n = 1; n <= 10; n++) selection = toggleSeat(selection, `A-1-${n}`).selection;
    const over = toggleSeat(selection, "A-1-11");
    expect(over.refused).toBe(true);
    expect(over.selection).toHaveLength(10);
    expect(toggleSeat(selection, "A-1-3").selection).not.toContain("A-1-3");
  });

  test("drops seats another buyer took since the map was drawn", () => {
    const result = reconcileSelection(["A-1-1", "A-1-2", "A-1-3"], {
      "A-1-1": "AVAILABLE",
      "A-1-2": "HELD",
      "A-1-3": "SOLD",
    });
    expect(result).toEqual({ kept: ["A-1-1"], lost: ["A-1-2", "A-1-3"] });
  });

  test("totals the selection at each section's price", () => {
    expect(selectionTotal(["VIP-1-1", "A-2-2", "A-2-3"], [VIP, A])).toBe(220_000 + 2 * 99_000);
  });
});

describe("keyboard movement in the grid", () => {
  test("arrows move one seat and stop at the edges; Home/End jump along the row", () => {
    expect(neighbourSeat(VIP, "VIP-2-5", "ArrowRight")).toBe("VIP-2-6");
    expect(neighbourSeat(VIP, "VIP-2-5", "ArrowUp")).toBe("VIP-1-5");
    expect(neighbourSeat(VIP, "VIP-1-1", "ArrowLeft")).toBe("VIP-1-1");
    expect(neighbourSeat(VIP, "VIP-5-1", "ArrowDown")).toBe("VIP-5-1");
    expect(neighbourSeat(VIP, "VIP-2-5", "End")).toBe("VIP-2-20");
    expect(neighbourSeat(VIP, "VIP-2-5", "Home")).toBe("VIP-2-1");
    expect(neighbourSeat(VIP, "VIP-2-5", "Enter")).toBeUndefined();
  });
});
