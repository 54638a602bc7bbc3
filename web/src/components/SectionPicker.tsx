import { formatMoney } from "../format.ts";
import type { Section, SectionCount } from "../types.ts";
import { availabilityWord, venuePlaces } from "../venue.ts";

/** Props for {@link SectionPicker}. */
export interface SectionPickerProps {
  sections: Section[];
  counts: SectionCount[];
  currency: string;
  value: string;
  onChange: (sectionId: string) => void;
}

const SAYS = { plenty: "", few: "Few left", none: "Sold out" } as const;

/**
 * Which section's map to show, drawn as the venue: sections placed around the stage (see
 * venue.ts), each with its price and how many seats are left, refreshed with the seat map. They
 * stay native radio buttons, so arrow keys and screen readers work as before; the fill bar is
 * backed by words ("Few left", "Sold out"), never colour alone.
 */
export function SectionPicker({ sections, counts, currency, value, onChange }: SectionPickerProps) {
  const places = new Map(venuePlaces(sections).map((p) => [p.sectionId, p]));
  return (
    <fieldset className="section-picker venue">
      <legend>Section</legend>
      <div className="venue__stage" aria-hidden="true">
        Stage
      </div>
      {sections.map((s) => {
        const count = counts.find((c) => c.section_id === s.section_id);
        const total = count?.total ?? s.rows * s.seats_per_row;
        const left = count?.available;
        const word = availabilityWord(left, total);
        const place = places.get(s.section_id);
        return (
          <label
            key={s.section_id}
            className={`section-picker__option venue__section venue__section--${word}`}
            style={place ? { gridRow: place.row, gridColumn: place.column } : undefined}
            data-section={s.section_id}
            data-availability={word}
          >
            <input
              type="radio"
              name="section"
              value={s.section_id}
              checked={value === s.section_id}
              onChange={() => onChange(s.section_id)}
            />
            <span className="section-picker__name">{s.name}</span>
            <span className="section-picker__meta">
              {formatMoney(s.price, currency)}
              {left !== undefined && ` · ${left.toLocaleString()} left`}
              {SAYS[word] && ` · ${SAYS[word]}`}
            </span>
            {left !== undefined && (
              <span className="venue__meter" aria-hidden="true">
                <span
                  className="venue__fill"
                  style={{ width: `${Math.round((100 * left) / Math.max(1, total))}%` }}
                />
              </span>
            )}
          </label>
        );
      })}
    </fieldset>
  );
}
