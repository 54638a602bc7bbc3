/**
 * Picks the "best" free seats for a quantity-only request. Best means, in order:
 *   1. the requested section, or else the sections in the order the organiser listed them;
 *   2. the front-most row (row 1 is closest to the stage);
 *   3. seats side by side in one row, as close to the row's centre as possible.
 * When no row has enough adjacent free seats, the front-most, most central free seats are
 * taken one by one (the buyer still gets seats rather than a refusal).
 */
import { seatId } from "./layout.ts";
import type { EventInfo, Section } from "./model.ts";

/** What the picker needs to know and may vary. */
export interface PickRequest {
  event: EventInfo;
  quantity: number;
  sectionId?: string | undefined;
  /** True when the seat may be held now, as far as the caller knows. */
  isFree: (seatId: string) => boolean;
  /**
   * Choose among this many best blocks at random (default 1 = always the best). Retries after
   * a collision spread out so that buyers racing for the same best block stop colliding.
   */
  spread?: number;
  random?: () => number;
}

interface Block {
  seats: string[];
  rank: number;
}

/** Adjacent free blocks of `q` seats in one row, most central first. */
function rowBlocks(section: Section, row: number, q: number, isFree: (id: string) => boolean): string[][] {
  const centre = (section.seatsPerRow + 1) / 2;
  const blocks: { seats: string[]; distance: number }[] = [];
  let run: string[] = [];
  const flush = (endNumber: number) => {
    // Every window of q seats inside the run is a candidate block.
    for (let start = 0; start + q <= run.length; start++) {
      const first = endNumber - run.length + start;
      const middle = first + (q - 1) / 2;
      blocks.push({ seats: run.slice(start, start + q), distance: Math.abs(middle - centre) });
    }
    run = [];
  };
  for (let n = 1; n <= section.seatsPerRow; n++) {
    const id = seatId(section.sectionId, row, n);
    if (isFree(id)) run.push(id);
    else flush(n);
  }
  flush(section.seatsPerRow + 1);
  return blocks.sort((a, b) => a.distance - b.distance).map((b) => b.seats);
}

/** The seats to try for a quantity request, or undefined when not enough seats are free. */
export function pickBestSeats(req: PickRequest): string[] | undefined {
  const { event, quantity, isFree } = req;
  const sections = req.sectionId
    ? event.sections.filter((s) => s.sectionId === req.sectionId)
    : event.sections;
  const spread = Math.max(1, req.spread ?? 1);
  const candidates: Block[] = [];
  let rank = 0;
  outer: for (const section of sections) {
    for (let row = 1; row <= section.rows; row++) {
      for (const seats of rowBlocks(section, row, quantity, isFree)) {
        candidates.push({ seats, rank: rank++ });
        if (candidates.length >= spread) break outer;
      }
    }
  }
  if (candidates.length > 0) {
    const pick = Math.floor((req.random ?? Math.random)() * candidates.length);
    return (candidates[Math.min(pick, candidates.length - 1)] as Block).seats;
  }
  return scattered(sections, quantity, isFree);
}

/** The front-most, most central free seats one by one, or undefined when there are too few. */
function scattered(sections: Section[], quantity: number, isFree: (id: string) => boolean) {
  const picked: string[] = [];
  for (const section of sections) {
    const centre = (section.seatsPerRow + 1) / 2;
    const order = Array.from({ length: section.seatsPerRow }, (_, i) => i + 1).sort(
      (a, b) => Math.abs(a - centre) - Math.abs(b - centre),
    );
    for (let row = 1; row <= section.rows; row++) {
      for (const n of order) {
        const id = seatId(section.sectionId, row, n);
        if (!isFree(id)) continue;
        picked.push(id);
        if (picked.length === quantity) return picked;
      }
    }
  }
  return undefined;
}
