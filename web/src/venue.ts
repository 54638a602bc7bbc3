/**
 * Where each section sits around the stage, as a buyer knows a venue: the dearest section right
 * in front of the stage, the next two at its sides, the rest in rows behind, dearest first. A
 * plan drawn from prices, since events carry no floor plan; pure, so it is tested without React.
 */
import type { Section } from "./types.ts";

/** A section's place on the venue grid (1-based CSS grid lines; the stage is row 1, column 2). */
export interface VenuePlace {
  sectionId: string;
  row: number;
  column: number;
}

/** The venue is three columns wide: wing, centre (stage and the front), wing. */
export const VENUE_COLUMNS = 3;

/**
 * Places the sections: front centre (row 2), the two wings beside the stage (rows 1–2), then
 * rows of three behind. Ties in price keep the event's order.
 */
export function venuePlaces(sections: readonly Section[]): VenuePlace[] {
  const byPrice = sections
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.price - a.s.price || a.i - b.i)
    .map(({ s }) => s.section_id);
  const first: Array<[number, number]> = [
    [2, 2],
    [1, 1],
    [1, 3],
  ];
  return byPrice.map((sectionId, k) => {
    const near = first[k];
    if (near) return { sectionId, row: near[0], column: near[1] };
    const behind = k - first.length;
    return { sectionId, row: 3 + Math.floor(behind / VENUE_COLUMNS), column: 1 + (behind % VENUE_COLUMNS) };
  });
}

/** How full a section looks at a glance: the share of its seats still available, as a word. */
export function availabilityWord(available: number | undefined, total: number): "plenty" | "few" | "none" {
  if (available === undefined || total <= 0) return "plenty";
  if (available === 0) return "none";
  return available / total <= 0.2 ? "few" : "plenty";
}
