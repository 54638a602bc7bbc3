import { describe, expect, test } from "bun:test";
import { pickBestSeats } from "../../src/domain/best-seats.ts";
import { smallEvent } from "./fakes.ts";

const event = { ...smallEvent(), seatShards: 1 };
const allFree = () => true;

describe("picking the best seats for a quantity", () => {
  test("takes adjacent seats in the front row of the first section, centred", () => {
    expect(pickBestSeats({ event, quantity: 2, isFree: allFree })).toEqual(["A-1-4", "A-1-5"]);
  });

  test("stays inside the requested section", () => {
    expect(pickBestSeats({ event, quantity: 2, sectionId: "B", isFree: allFree })).toEqual([
      "B-1-2",
      "B-1-3",
    ]);
  });

  test("moves back a row when the front row has no adjacent block left", () => {
    const taken = new Set(["A-1-3", "A-1-6"]);
    expect(pickBestSeats({ event, quantity: 3, isFree: (id) => !taken.has(id) })).toEqual([
      "A-2-3",
      "A-2-4",
      "A-2-5",
    ]);
  });

  test("falls back to single seats when no row has enough adjacent ones", () => {
    const free = new Set(["A-2-1", "A-3-8", "B-1-1"]);
    expect(pickBestSeats({ event, quantity: 3, isFree: (id) => free.has(id) })).toEqual([
      "A-2-1",
      "A-3-8",
      "B-1-1",
    ]);
  });

  test("gives up when fewer seats are free than asked", () => {
    expect(
      pickBestSeats({ event, quantity: 2, sectionId: "B", isFree: (id) => id === "B-1-1" }),
    ).toBeUndefined();
  });
});
