import { DEFAULT_SEATS_PER_RESERVATION } from "@tt/kit/limits";
import type { SeatStatus, Section } from "./types.ts";

/** Most seats one reservation may hold: the platform's default MAX_SEATS_PER_RESERVATION. */
export const MAX_SEATS = DEFAULT_SEATS_PER_RESERVATION;

/** A seat id's parts: ids are `<section>-<row>-<number>`, rows and numbers from 1. */
export interface SeatRef {
  sectionId: string;
  row: number;
  number: number;
}

/** The id of a seat. */
export function seatId(sectionId: string, row: number, number: number): string {
  return `${sectionId}-${row}-${number}`;
}

/** Splits a seat id from the right, so a section id containing "-" still parses. */
export function parseSeatId(id: string): SeatRef | undefined {
  const match = /^(.+)-(\d+)-(\d+)$/.exec(id);
  if (!match) return undefined;
  return { sectionId: match[1] ?? "", row: Number(match[2]), number: Number(match[3]) };
}

/** A seat as a buyer reads it: "VIP floor, row 3, seat 12". */
export function describeSeat(id: string, sections: readonly Section[] = []): string {
  const ref = parseSeatId(id);
  if (!ref) return id;
  const name = sections.find((s) => s.section_id === ref.sectionId)?.name ?? ref.sectionId;
  return `${name}, row ${ref.row}, seat ${ref.number}`;
}

/** Adds or removes a seat; adding beyond `max` is refused (the selection comes back unchanged). */
export function toggleSeat(
  selection: readonly string[],
  id: string,
  max = MAX_SEATS,
): { selection: string[]; refused: boolean } {
  if (selection.includes(id)) return { selection: selection.filter((s) => s !== id), refused: false };
  if (selection.length >= max) return { selection: [...selection], refused: true };
  return { selection: [...selection, id], refused: false };
}

/** Splits a selection by a fresh seat map into seats still free and seats someone else took. */
export function reconcileSelection(
  selection: readonly string[],
  seats: Readonly<Record<string, SeatStatus>>,
): { kept: string[]; lost: string[] } {
  const kept: string[] = [];
  const lost: string[] = [];
  for (const id of selection) (seats[id] === "AVAILABLE" ? kept : lost).push(id);
  return { kept, lost };
}

/** Sum of the selected seats' section prices. */
export function selectionTotal(selection: readonly string[], sections: readonly Section[]): number {
  return selection.reduce((sum, id) => {
    const ref = parseSeatId(id);
    return sum + (sections.find((s) => s.section_id === ref?.sectionId)?.price ?? 0);
  }, 0);
}

/**
 * Where arrow keys, Home and End move focus inside a section's seat grid (one tab stop for the
 * whole grid, arrows within it). Undefined for other keys; moves stop at the edges.
 */
export function neighbourSeat(section: Section, current: string, key: string): string | undefined {
  const ref = parseSeatId(current);
  if (!ref) return undefined;
  const clamp = (v: number, max: number) => Math.min(max, Math.max(1, v));
  let { row, number } = ref;
  switch (key) {
    case "ArrowLeft":
      number -= 1;
      break;
    case "ArrowRight":
      number += 1;
      break;
    case "ArrowUp":
      row -= 1;
      break;
    case "ArrowDown":
      row += 1;
      break;
    case "Home":
      number = 1;
      break;
    case "End":
      number = section.seats_per_row;
      break;
    default:
      return undefined;
  }
  return seatId(section.section_id, clamp(row, section.rows), clamp(number, section.seats_per_row));
}
