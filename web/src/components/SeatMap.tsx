import { type KeyboardEvent, memo, useRef, useState } from "react";
import { neighbourSeat, seatId } from "../seats.ts";
import type { SeatStatus, Section } from "../types.ts";

/** Props for {@link SeatMap}. */
export interface SeatMapProps {
  section: Section;
  seats: Readonly<Record<string, SeatStatus>>;
  selection: readonly string[];
  onToggle: (seatId: string) => void;
}

const WORDS: Record<SeatStatus, string> = { AVAILABLE: "available", HELD: "on hold", SOLD: "sold" };

/**
 * One section's seats as a grid of buttons, coloured by status (and marked with a symbol, so
 * colour is never the only cue). The grid is a single tab stop; arrow keys, Home and End move
 * between seats, Space or Enter picks one. Taken seats stay focusable (aria-disabled) so a
 * screen-reader user hears that they are sold rather than finding a gap.
 */
export function SeatMap({ section, seats, selection, onToggle }: SeatMapProps) {
  const [focusId, setFocusId] = useState(() => seatId(section.section_id, 1, 1));
  const grid = useRef<HTMLFieldSetElement>(null);
  // The remembered focus may belong to the previous section.
  const current = focusId.startsWith(`${section.section_id}-`) ? focusId : seatId(section.section_id, 1, 1);

  const onKeyDown = (e: KeyboardEvent<HTMLFieldSetElement>) => {
    const next = neighbourSeat(section, current, e.key);
    if (next === undefined) return;
    e.preventDefault();
    setFocusId(next);
    grid.current?.querySelector<HTMLButtonElement>(`[data-seat="${CSS.escape(next)}"]`)?.focus();
  };

  const rows = Array.from({ length: section.rows }, (_, i) => i + 1);
  const numbers = Array.from({ length: section.seats_per_row }, (_, i) => i + 1);
  return (
    <div className="seat-map">
      <p className="stage" aria-hidden="true">
        Stage
      </p>
      <fieldset ref={grid} className="seat-grid" onKeyDown={onKeyDown}>
        <legend className="sr-only">
          Seats in {section.name}. Use the arrow keys to move between seats.
        </legend>
        {rows.map((row) => (
          <div className="seat-row" key={row}>
            <span className="seat-row__label" aria-hidden="true">
              {row}
            </span>
            {numbers.map((n) => {
              const id = seatId(section.section_id, row, n);
              return (
                <Seat
                  key={id}
                  id={id}
                  row={row}
                  number={n}
                  status={seats[id] ?? "SOLD"}
                  selected={selection.includes(id)}
                  focusable={id === current}
                  onToggle={onToggle}
                  onFocus={setFocusId}
                />
              );
            })}
          </div>
        ))}
      </fieldset>
      <SeatLegend />
    </div>
  );
}

interface SeatProps {
  id: string;
  row: number;
  number: number;
  status: SeatStatus;
  selected: boolean;
  focusable: boolean;
  onToggle: (id: string) => void;
  onFocus: (id: string) => void;
}

// Memoised: a refresh re-renders only the seats whose status or selection changed.
const Seat = memo(function Seat({
  id,
  row,
  number,
  status,
  selected,
  focusable,
  onToggle,
  onFocus,
}: SeatProps) {
  const free = status === "AVAILABLE";
  const state = selected ? "selected" : status.toLowerCase();
  return (
    <button
      type="button"
      className={`seat seat--${state}`}
      data-seat={id}
      data-status={status}
      aria-label={`Row ${row}, seat ${number}, ${selected ? "selected" : WORDS[status]}`}
      aria-pressed={selected}
      aria-disabled={!free && !selected}
      tabIndex={focusable ? 0 : -1}
      onFocus={() => onFocus(id)}
      onClick={() => (free || selected ? onToggle(id) : undefined)}
    >
      <span aria-hidden="true">
        {selected ? "✓" : status === "SOLD" ? "×" : status === "HELD" ? "•" : ""}
      </span>
    </button>
  );
});

function SeatLegend() {
  return (
    <ul className="seat-legend" aria-label="Seat colours">
      <li>
        <span className="seat seat--available" aria-hidden="true" /> Available
      </li>
      <li>
        <span className="seat seat--selected" aria-hidden="true">
          ✓
        </span>{" "}
        Your choice
      </li>
      <li>
        <span className="seat seat--held" aria-hidden="true">
          •
        </span>{" "}
        On hold
      </li>
      <li>
        <span className="seat seat--sold" aria-hidden="true">
          ×
        </span>{" "}
        Sold
      </li>
    </ul>
  );
}
