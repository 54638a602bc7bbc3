import type { ConfirmAnswer, PaymentStatusAnswer, PurchaseFrame, Reservation } from "@tt/kit/api";
import { type BuyerClient, unsettled } from "./client.ts";
import type { DropConfig } from "./config.ts";
import type { DropStats } from "./stats.ts";

/**
 * How one payment ended, as the buyer learns it: pushed on the socket, else (no socket, or a
 * buyer who confirms by themselves, still listening to the socket meanwhile) by polling —
 * CONFIRMED or EXPIRED from the reservation, DECLINED from the payment while the hold stands.
 * Undefined when nothing came by `deadline`.
 */
export async function outcomeOf(
  c: BuyerClient,
  cfg: DropConfig,
  stats: DropStats,
  p: {
    rid: string;
    piId: string;
    scenario: string;
    deadline: number;
    pushed: Promise<PurchaseFrame | undefined>;
  },
): Promise<[status: string | undefined, orderId: string | undefined]> {
  const paidAt = performance.now();
  let selfConfirm = p.scenario === "approve" && Math.random() < cfg.selfConfirm;
  // The socket stays open while a buyer confirms by themselves, as in the web app: an outcome
  // pushed meanwhile (the worker confirmed first) ends the wait, and the buyer stops retrying.
  let heard: PurchaseFrame | undefined;
  const frame = p.pushed.then((f) => {
    heard = f;
    return f ?? new Promise<never>(() => undefined);
  });
  const pushedOutcome = (): [string, string | undefined] | undefined => {
    if (!heard) return undefined;
    stats.record("outcome_pushed", performance.now() - paidAt, "ok");
    return [heard.status, heard.order_id];
  };
  if (!selfConfirm) {
    // Wait for the push; only a socket that died (or a push that never came) sends us polling.
    const timeout = Bun.sleep(Math.max(0, p.deadline - Date.now())).then(() => undefined);
    await Promise.race([p.pushed, timeout]);
    const told = pushedOutcome();
    if (told) return told;
  }
  while (Date.now() < p.deadline) {
    await Promise.race([Bun.sleep(cfg.pollMs), frame]);
    const told = pushedOutcome();
    if (told) return told;
    const pay = await c.retrying<PaymentStatusAnswer>(
      "payment_status",
      "GET",
      `/api/v1/payments/${p.piId}/status`,
      undefined,
      undefined,
      4,
      frame,
    );
    const paid = pay.ok ? pay.body.status : undefined;
    if (selfConfirm) {
      if (paid === "FAILED") return ["DECLINED", undefined];
      if (paid !== "APPROVED") continue;
      const body = { payment_intent_id: p.piId };
      const conf = await c.retrying<ConfirmAnswer>(
        "confirm",
        "POST",
        `/api/v1/reservations/${p.rid}/confirm`,
        body,
        crypto.randomUUID(),
        4,
        frame,
      );
      // The worker may have confirmed first; confirm then answers with the same order.
      if (conf.ok) return ["CONFIRMED", conf.body.order_id];
      const pushed = pushedOutcome();
      if (pushed) return pushed;
      // Still no answer after the retries: the confirm (or the worker's) may yet land, so watch
      // the reservation, as a buyer reloading the page would, rather than give up on it.
      if (unsettled(conf)) selfConfirm = false;
      else return [`confirm refused: ${conf.status} ${conf.code ?? ""}`, undefined];
    } else {
      const g = await c.retrying<Reservation>("reservation_get", "GET", `/api/v1/reservations/${p.rid}`);
      if (g.ok && g.body.status !== "HOLD") return [g.body.status, g.body.order_id ?? undefined];
      if (paid === "FAILED") return ["DECLINED", undefined];
    }
  }
  return [undefined, undefined];
}
