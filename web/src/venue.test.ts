import { describe, expect, test } from "bun:test";
import type { Section } from "./types.ts";
import { availabilityWord, venuePlaces } from "./venue.ts";

const section = (section_id: string, price: number): Section => ({
  section_id,
  name: section_id,
  price,
  rows: 2,
  seats_per_row: 10,
});

describe("venuePlaces", () => {
  test("the dearest section faces the stage, the next two flank it, the rest sit behind", () => {
    const places = venuePlaces([section("A", 50), section("VIP", 220), section("R", 150), section("S", 90)]);
    expect(places).toEqual([
      { sectionId: "VIP", row: 2, column: 2 },
      { sectionId: "R", row: 1, column: 1 },
      { sectionId: "S", row: 1, column: 3 },
      { sectionId: "A", row: 3, column: 1 },
    ]);
  });

  test("equal prices keep the event's order, and no two sections share a place", () => {
    const many = Array.from({ length: 8 }, (_, i) => section(`S${i}`, 100));
    const places = venuePlaces(many);
    expect(places.map((p) => p.sectionId)).toEqual(many.map((s) => s.section_id));
    expect(new Set(places.map((p) => `${p.row}/${p.column}`)).size).toBe(8);
  });
});

describe("availabilityWord", () => {
  test("none, few (a fifth or less) or plenty", () => {
    expect(availabilityWord(0, 20)).toBe("none");
    expect(availabilityWord(4, 20)).toBe("few");
    expect(availabilityWord(5, 20)).toBe("plenty");
    expect(availabilityWord(undefined, 20)).toBe("plenty");
  });
});
