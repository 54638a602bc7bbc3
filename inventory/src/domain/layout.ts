/** Seat ids and the seat map they come from: `{sectionId}-{row}-{number}`, rows and numbers from 1. */
import type { EventInfo, Section } from "./model.ts";

const SEAT_ID = /^([A-Za-z0-9]{1,16})-([1-9][0-9]{0,2})-([1-9][0-9]{0,2})$/;

/** The parts of a well-formed seat id, or undefined when it is malformed. */
export function parseSeatId(seatId: string): { sectionId: string; row: number; number: number } | undefined {
  const m = SEAT_ID.exec(seatId);
  if (!m) return undefined;
  return { sectionId: m[1] as string, row: Number(m[2]), number: Number(m[3]) };
}

/** The seat id of a section, row and seat number. */
export function seatId(sectionId: string, row: number, number: number): string {
  return `${sectionId}-${row}-${number}`;
}

/** The section a seat of this event belongs to, or undefined when the event has no such seat. */
export function sectionOfSeat(event: EventInfo, id: string): Section | undefined {
  const parts = parseSeatId(id);
  if (!parts) return undefined;
  const section = event.sections.find((s) => s.sectionId === parts.sectionId);
  if (!section || parts.row > section.rows || parts.number > section.seatsPerRow) return undefined;
  return section;
}

/** Every seat id of a section, row by row. */
export function sectionSeatIds(section: Section): string[] {
  const ids: string[] = [];
  for (let row = 1; row <= section.rows; row++) {
    for (let n = 1; n <= section.seatsPerRow; n++) ids.push(seatId(section.sectionId, row, n));
  }
  return ids;
}

/** Every seat id of the event, section by section. */
export function allSeatIds(event: EventInfo): string[] {
  return event.sections.flatMap(sectionSeatIds);
}

/** Total seats of the event. */
export function totalSeats(event: EventInfo): number {
  return event.sections.reduce((n, s) => n + s.rows * s.seatsPerRow, 0);
}

/** Sum of the prices of the given (valid) seats. */
export function priceOf(event: EventInfo, seatIds: readonly string[]): bigint {
  return seatIds.reduce((sum, id) => sum + (sectionOfSeat(event, id)?.price ?? 0n), 0n);
}
