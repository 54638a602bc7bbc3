import { formatMoney } from "../format.ts";
import { describeSeat, MAX_SEATS, selectionTotal } from "../seats.ts";
import type { Section } from "../types.ts";

/** Props for {@link SelectionSummary}. */
export interface SelectionSummaryProps {
  selection: readonly string[];
  sections: Section[];
  currency: string;
  busy: boolean;
  onRemove: (seatId: string) => void;
  onHold: () => void;
}

/** The chosen seats, their total, and the button that holds them. */
export function SelectionSummary({
  selection,
  sections,
  currency,
  busy,
  onRemove,
  onHold,
}: SelectionSummaryProps) {
  return (
    <section className="panel" aria-labelledby="selection-heading">
      <h3 id="selection-heading">
        Your seats{" "}
        <span className="muted" data-testid="selection-count">
          ({selection.length} of up to {MAX_SEATS})
        </span>
      </h3>
      {selection.length === 0 ? (
        <p className="muted">Pick seats on the map.</p>
      ) : (
        <ul className="selection-list">
          {selection.map((id) => (
            <li key={id}>
              <span>{describeSeat(id, sections)}</span>
              <button
                type="button"
                className="link-button"
                onClick={() => onRemove(id)}
                aria-label={`Remove ${describeSeat(id, sections)}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="total">
        Total: <strong>{formatMoney(selectionTotal(selection, sections), currency)}</strong>
      </p>
      <button type="button" className="button" disabled={busy || selection.length === 0} onClick={onHold}>
        {busy ? "Holding…" : selection.length > 1 ? `Hold these ${selection.length} seats` : "Hold this seat"}
      </button>
    </section>
  );
}
