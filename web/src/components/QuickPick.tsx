import { type FormEvent, useId, useState } from "react";
import type { HoldRequest } from "../buyer-api.ts";
import { MAX_SEATS } from "../seats.ts";
import type { Section, SectionCount } from "../types.ts";

/** Props for {@link QuickPick}. */
export interface QuickPickProps {
  sections: Section[];
  counts: SectionCount[];
  busy: boolean;
  onPick: (request: HoldRequest) => void;
}

/** "Just give me N seats": the quantity-only option, where the platform picks the best seats together. */
export function QuickPick({ sections, counts, busy, onPick }: QuickPickProps) {
  const [quantity, setQuantity] = useState(2);
  const [sectionId, setSectionId] = useState("");
  const qtyId = useId();
  const sectionSelectId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onPick({ quantity, sectionId: sectionId || undefined });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="quick-heading">
      <h3 id="quick-heading">Or pick the best available for me</h3>
      <div className="form-row">
        <label htmlFor={qtyId}>Number of seats</label>
        <select id={qtyId} value={quantity} onChange={(e) => setQuantity(Number(e.target.value))}>
          {Array.from({ length: MAX_SEATS }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div className="form-row">
        <label htmlFor={sectionSelectId}>In section</label>
        <select id={sectionSelectId} value={sectionId} onChange={(e) => setSectionId(e.target.value)}>
          <option value="">Any section</option>
          {sections.map((s) => {
            const left = counts.find((c) => c.section_id === s.section_id)?.available ?? 0;
            return (
              <option key={s.section_id} value={s.section_id} disabled={left === 0}>
                {s.name}
                {left === 0 ? " (sold out)" : ""}
              </option>
            );
          })}
        </select>
      </div>
      <button type="submit" className="button" disabled={busy}>
        {busy ? "Holding…" : "Find and hold seats"}
      </button>
    </form>
  );
}
