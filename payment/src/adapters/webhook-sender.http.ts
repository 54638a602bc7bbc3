import { signWebhook } from "@tt/kit";
import type { PaymentEvent, WebhookResult, WebhookSender } from "../domain/ports.ts";
import { encodePaymentEvent } from "./payment-envelope.ts";

/**
 * Statuses worth another attempt: the receiver may recover (timeouts, throttling, 5xx). Decided
 * by status, not by the error catalogue's `isRetryable`: a webhook receiver is anyone's server and
 * need not answer the standard error body, so its body is not read at all.
 */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** POSTs events as signed JSON (kit/src/webhook.ts) with a deadline per attempt. */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send(url: string, event: PaymentEvent): Promise<WebhookResult> {
    const body = encodePaymentEvent(event);
    try {
      // Signed per attempt: a retry minutes later must carry a fresh timestamp to pass the
      // receiver's replay window.
      const res = await this.fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...signWebhook(this.secret, body) },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return "delivered";
      return retryable(res.status) ? "retry" : "rejected";
    } catch {
      return "retry";
    }
  }
}
