import { type FormEvent, useState } from "react";
import { formatMoney } from "../format.ts";
import { PAYMENT_SCENARIOS, type PaymentScenario } from "../types.ts";

// The simulator's scenarios in buyer words (docs/spec.md, "Payments"); this is a demo payment step.
const LABELS: Record<PaymentScenario, { title: string; detail: string }> = {
  approve: { title: "Card approved", detail: "The payment goes through in about a second." },
  fail: { title: "Card declined", detail: "The bank says no; your seats stay held to try again." },
  delay: { title: "Slow bank", detail: "Approved, but only after a delay." },
  random: { title: "Surprise me", detail: "Approved or declined at random." },
};

/** Props for {@link PaymentForm}. */
export interface PaymentFormProps {
  amount: number;
  currency: string;
  busy: boolean;
  onPay: (scenario: PaymentScenario) => void;
}

/** The simulated payment step: pick how the test "bank" should answer, then pay the exact total. */
export function PaymentForm({ amount, currency, busy, onPay }: PaymentFormProps) {
  const [scenario, setScenario] = useState<PaymentScenario>("approve");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onPay(scenario);
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="pay-heading">
      <h3 id="pay-heading">Payment</h3>
      <fieldset className="scenario-picker">
        <legend>This is a simulated payment. How should the bank answer?</legend>
        {PAYMENT_SCENARIOS.map((s) => (
          <label key={s} className="scenario-picker__option">
            <input
              type="radio"
              name="scenario"
              value={s}
              checked={scenario === s}
              onChange={() => setScenario(s)}
            />
            <span>
              <strong>{LABELS[s].title}</strong> <span className="muted">{LABELS[s].detail}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button button--big" disabled={busy}>
        {busy ? "Paying…" : `Pay ${formatMoney(amount, currency)}`}
      </button>
    </form>
  );
}
