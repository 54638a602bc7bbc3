import type { Attester } from "@tt/kit";
import type { PaymentIntent } from "../domain/intent.ts";
import type { ApprovalSigner } from "../domain/ports.ts";

/**
 * How long a signed approval is taken at its word. Past it, a confirm asks payment, as it would
 * without one: long enough for the worker's retries of the event (backoff up to 60 s, five tries)
 * and any hold, short enough that an approval is never a standing licence.
 */
export const APPROVAL_TTL_SEC = 15 * 60;

/**
 * An approval as payment's signed statement for reservation (`sub` the intent; reservation,
 * amount, currency and status as claims), made with the service's own key (kit attestation).
 */
export class AttestedApprovals implements ApprovalSigner {
  constructor(private readonly attester: Attester) {}

  sign(intent: PaymentIntent): Promise<string> {
    return this.attester.sign(
      "reservation",
      intent.id,
      { rsv: intent.reservationId, amt: String(intent.amount), cur: intent.currency, st: intent.status },
      APPROVAL_TTL_SEC,
    );
  }
}
