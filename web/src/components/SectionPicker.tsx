import { formatMoney } from "../format.ts";
import type { Section, SectionCount } from "../types.ts";

/** Props for {@link SectionPicker}. */
export interface SectionPickerProps {
  sections: Section[];
  counts: SectionCount[];
  currency: string;
  value: string;
  onChange: (sectionId: string) => void;
}

/** Which section's map to show: native radio buttons, so arrow keys and screen readers just work. */
export function SectionPicker({ sections, counts, currency, value, onChange }: SectionPickerProps) {
  return (
    <fieldset className="section-picker">
      <legend>Section</legend>
      {sections.map((s) => {
        const left = counts.find((c) => c.section_id === s.section_id)?.available;
        return (
          <label key={s.section_id} className="section-picker__option">
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
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
