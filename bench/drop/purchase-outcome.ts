import type { ConfirmAnswer, PaymentStatusAnswer, PurchaseFrame, Reservation } from "@tt/kit/api";
import { type BuyerClient, unsettled } from "./client.ts";
import type { DropConfig } from "./config.ts";
import type { DropStats } from "./stats.ts";

/** As the web app's reservation page: how often it looks while the push channel is live. */
const SILENT_PUSH_POLL_MS = 5_000;

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
  // The payment's status, then the reservation's: how the page reads the outcome without a push.
  const look = async (): Promise<[string, string | undefined] | undefined> => {
    const paid = await paymentStatus();
    const g = await c.retrying<Reservation>("reservation_get", "GET", `/api/v1/reservations/${p.rid}`);
    if (g.ok && g.body.status !== "HOLD") return [g.body.status, g.body.order_id ?? undefined];
    if (paid === "FAILED") return ["DECLINED", undefined];
    return undefined;
  };
  const paymentStatus = async () => {
    const pay = await c.retrying<PaymentStatusAnswer>(
      "payment_status",
      "GET",
      `/api/v1/payments/${p.piId}/status`,
      undefined,
      undefined,
      4,
      frame,
    );
    return pay.ok ? pay.body.status : undefined;
  };
  if (!selfConfirm) {
    // Wait for the push, and, as the web app does, look all the same every SILENT_PUSH_POLL_MS
    // (pub/sub keeps nothing: a push lost on the way must not leave the buyer waiting). Only a
    // socket that died sends us polling at the usual pace.
    for (let left = p.deadline - Date.now(); left > 0; left = p.deadline - Date.now()) {
      const slice = Bun.sleep(Math.min(SILENT_PUSH_POLL_MS, left)).then(() => "silent" as const);
      const died = (await Promise.race([p.pushed, slice])) === undefined;
      const told = pushedOutcome();
      if (told) return told;
      if (died) break;
      const seen = await look();
      if (seen) return seen;
    }
  }
  while (Date.now() < p.deadline) {
    await Promise.race([Bun.sleep(cfg.pollMs), frame]);
    const told = pushedOutcome();
    if (told) return told;
    if (!selfConfirm) {
      const seen = await look();
      if (seen) return seen;
      continue;
    }
    const paid = await paymentStatus();
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
  }
  return [undefined, undefined];
}
