/**
 * One simulated buyer's whole drop: join → wait on the live queue (WebSocket) → enter → pick
 * seats from the availability map → hold → pay (approve / fail) or walk away → confirmed (by
 * themselves or the worker); after a declined card some pay again within the hold, the others
 * walk away — with think times between steps, like a person at a browser.
 */

import type { Availability, EnterAnswer, HoldAnswer, PaymentIntentAnswer } from "@tt/kit/api";
import { subjectOf } from "../lib/load-test-identity.ts";
import { joinLine } from "./challenge.ts";
import { BuyerClient, type Reply } from "./client.ts";
import type { DropConfig } from "./config.ts";
import { outcomeOf } from "./purchase-outcome.ts";
import { PurchaseChannel, type SaleSignal, type WaitEnd, waitForAdmission } from "./queue-socket.ts";
import type { BuyerOutcome, BuyerState, DropStats } from "./stats.ts";

/** What one buyer ended with: the store checks compare it with what the stores say. */
export interface BuyerRecord {
  userId: string;
  outcome: BuyerOutcome;
  reservationId?: string;
  holdExpiresAt?: number;
  seatIds?: string[];
  orderId?: string;
  /** Why an `error` outcome happened. */
  reason?: string;
  /** Paid again after a declined payment (within the hold). */
  paidAgain?: boolean;
  /** When (Date.now) the buyer joined and was admitted, and what it heard of the sale meanwhile. */
  joinedAt?: number;
  admittedAt?: number;
  heard?: SaleSignal[];
}

const sleep = (ms: number) => Bun.sleep(ms);
const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);
// Reservation tokens live 30 s: re-enter before a hold if older than this, so that a hold retried
// for a while on "busy" answers (client.ts, up to 20 s) still carries a live token.
const TOKEN_REFRESH_MS = 8_000;

// The AVAILABLE seats of a map, listed once per map (buyers share identical maps, see client.ts).
const freeSeats = new WeakMap<Record<string, string>, string[]>();

/** Picks up to `want` seats among AVAILABLE ones, preferring neighbours in one row. */
export function pickSeats(seats: Record<string, string>, want: number): string[] {
  let free = freeSeats.get(seats);
  if (!free) {
    free = Object.keys(seats).filter((id) => seats[id] === "AVAILABLE");
    freeSeats.set(seats, free);
  }
  if (free.length === 0) return [];
  const first = free[Math.floor(Math.random() * free.length)] ?? "";
  const picked = [first];
  const [section, row, n] = first.split("-");
  for (const delta of [1, -1, 2, -2]) {
    if (picked.length >= want) break;
    const next = `${section}-${row}-${Number(n) + delta}`;
    if (seats[next] === "AVAILABLE") picked.push(next);
  }
  while (picked.length < want && picked.length < free.length) {
    const other = free[Math.floor(Math.random() * free.length)] ?? "";
    if (!picked.includes(other)) picked.push(other);
  }
  return picked;
}

/** Runs one buyer to an outcome; never throws. */
export async function runBuyer(
  index: number,
  gateway: string,
  eventId: string,
  cfg: DropConfig,
  stats: DropStats,
): Promise<BuyerRecord> {
  // A staging stage's buyers are its load-test JWTs (the buyer is the token's sub).
  const jwt = cfg.jwts?.[index % cfg.jwts.length];
  const userId = jwt ? subjectOf(jwt) : `buyer-${String(index).padStart(5, "0")}`;
  const c = new BuyerClient(gateway, userId, stats, cfg.requestTimeoutMs, jwt);
  let state: BuyerState = "arriving";
  stats.move(undefined, state);
  const to = (next: BuyerState) => {
    stats.move(state, next);
    state = next;
  };
  // Once a hold exists every outcome carries it, so the store checks can find its reservation.
  let held: Pick<BuyerRecord, "reservationId" | "holdExpiresAt" | "seatIds"> = {};
  // The line: when the buyer joined and was let in, and what it was told of the sale meanwhile.
  const line: Pick<BuyerRecord, "joinedAt" | "admittedAt"> & { heard: SaleSignal[] } = { heard: [] };
  const end = (record: Omit<BuyerRecord, "userId">): BuyerRecord => {
    channel.close();
    to("done");
    stats.finish(record.outcome);
    return { userId, ...held, ...line, ...record };
  };
  const fail = (reason: string, reply?: Reply) =>
    end({ outcome: "error", reason: reply ? `${reason}: ${reply.status} ${reply.code ?? ""}` : reason });

  const channel = new PurchaseChannel();
  let waitingToken = "";
  let joinedAt = 0;
  let wait: WaitEnd = "lost";
  // A place the waiting room lost (Redis lost its data) is joined again, as the buyer is told to.
  for (let joins = 0; wait === "lost" && joins < 3; joins++) {
    if (joins > 0) stats.record("join", 0, "retried", "place lost: joined again");
    // Solving the event's challenge first when it asks for one (`--challenge`).
    const joined = await joinLine(c, eventId, stats);
    // Every seat already sold: the answer a buyer arriving late gets, not an error.
    if (joined.code === "SOLD_OUT") {
      line.heard.push([Date.now(), "closed"]);
      return end({ outcome: "sold_out" });
    }
    if (!joined.ok) return fail("join", joined);
    waitingToken = joined.body.waiting_token;
    if (joined.body.sale && joined.body.sale !== "on_sale") line.heard.push([Date.now(), joined.body.sale]);
    if (joins === 0) {
      to("waiting");
      joinedAt = performance.now();
      line.joinedAt = Date.now();
    }
    wait = await waitForAdmission(gateway.replace(/^http/, "ws"), waitingToken, c, stats, {
      silenceMs: 20_000,
      maxWaitMs: 30 * 60_000,
      keepOpen: channel,
      heard: line.heard,
    });
  }
  if (wait === "closed") {
    // Told in line that everything is sold: the sold-out tail the issue measures.
    stats.record("sold_out_in_line", performance.now() - joinedAt, "ok");
    return end({ outcome: "sold_out" });
  }
  if (wait !== "ready") return fail(`queue wait ended ${wait}`);
  line.admittedAt = Date.now();
  stats.record("queue_wait", performance.now() - joinedAt, "ok");
  stats.milestone("admitted");
  to("admitted");
  const leave = () =>
    c.call("leave", "DELETE", `/api/v1/queue/leave?token=${encodeURIComponent(waitingToken)}`);
  // Done buyers give their admission back, so the cap lets the next waiter in.
  const leaving = async (record: BuyerRecord) => {
    await leave();
    return record;
  };

  let token = "";
  let tokenAt = 0;
  const enter = async () => {
    const r = await c.retrying<EnterAnswer>("enter", "POST", "/api/v1/queue/enter", {
      waiting_token: waitingToken,
    });
    if (!r.ok) return r;
    token = r.body.reservation_token;
    tokenAt = performance.now();
    return r;
  };
  await sleep(between(cfg.thinkMs));
  const entered = await enter();
  if (!entered.ok) return fail("enter", entered);

  // Seat races: pick from the map, try to hold, pick again when someone was faster.
  const want = 1 + Math.floor(Math.random() * cfg.maxSeatsPerBuyer);
  const patienceUntil = performance.now() + cfg.patienceSec * 1000;
  let races = 0;
  let hold: HoldAnswer | undefined;
  while (!hold) {
    const map = await c.retrying<Availability>(
      "availability",
      "GET",
      `/api/v1/events/${eventId}/availability`,
    );
    if (!map.ok) return leaving(fail("availability", map));
    const seats: Record<string, string> = map.body.seats ?? {};
    const picked = pickSeats(seats, want);
    if (picked.length === 0) {
      const anyHeld = Object.values(seats).includes("HELD");
      if (!anyHeld) return leaving(end({ outcome: "sold_out" }));
      if (performance.now() > patienceUntil) return leaving(end({ outcome: "gave_up" }));
      // Held seats come back when their buyers fail or walk away: look again in a while.
      await sleep(between([3000, 6000]));
      continue;
    }
    await sleep(between(cfg.thinkMs));
    if (performance.now() - tokenAt > TOKEN_REFRESH_MS) {
      const again = await enter();
      if (!again.ok) return leaving(fail("re-enter", again));
    }
    const holdSeats = () => {
      const body = { event_id: eventId, seat_ids: picked, quantity: picked.length, reservation_token: token };
      return c.retrying<HoldAnswer>("hold", "POST", "/api/v1/reservations", body, crypto.randomUUID());
    };
    let r = await holdSeats();
    if (!r.ok && r.code === "RESERVATION_TOKEN_INVALID") {
      // Gone stale while the hold was retried on "busy": enter again once, as the web app does.
      const again = await enter();
      if (!again.ok) return leaving(fail("re-enter", again));
      r = await holdSeats();
    }
    if (r.ok) hold = r.body;
    else if (r.code === "SEAT_UNAVAILABLE" || r.code === "INVENTORY_CONFLICT") {
      if (++races >= cfg.maxRaces) return leaving(end({ outcome: "lost_races" }));
    } else return leaving(fail("hold", r));
  }
  stats.milestone("holds");
  to("holding");
  const rid = hold.reservation_id;
  const holdExpiresAt = Date.parse(hold.hold_expires_at ?? "");
  held = { reservationId: rid, holdExpiresAt, seatIds: hold.seat_ids };
  // As the web app does: have the outcome pushed on the socket that is still open.
  const pushed = channel.watch(rid, hold.watch_token);

  const roll = Math.random();
  if (roll >= cfg.mix.approve + cfg.mix.fail) {
    // Walks away: no payment, no leave (a closed tab); the hold must expire on its own.
    return end({ outcome: "abandoned" });
  }
  const deadline = holdExpiresAt + 30_000;
  let scenario: "approve" | "fail" = roll < cfg.mix.approve ? "approve" : "fail";
  let watching = pushed;
  let paidAgain = false;
  let final: string | undefined;
  let orderId: string | undefined;
  let piId = "";
  let paidAt = 0;
  for (;;) {
    await sleep(between(cfg.thinkMs));
    const intentBody = {
      reservation_id: rid,
      amount: hold.total_amount,
      currency: hold.currency,
      scenario,
    };
    // A fresh key per payment: paying again after a decline is a new payment, not a repeat.
    const intent = await c.retrying<PaymentIntentAnswer>(
      "pay_intent",
      "POST",
      "/api/v1/payments/intent",
      intentBody,
      crypto.randomUUID(),
    );
    if (!intent.ok) return leaving(fail("payment intent", intent));
    to("paying");
    paidAt = performance.now();
    piId = intent.body.payment_intent_id;
    [final, orderId] = await outcomeOf(c, cfg, stats, { rid, piId, scenario, deadline, pushed: watching });
    if (final !== "DECLINED") break;
    stats.record("paid_to_final", performance.now() - paidAt, "ok");
    // Declined, the hold still stands (docs/spec.md, "Reservations"): some buyers try another
    // card while there is time, the others walk away and leave the hold to expire.
    const timeLeft = holdExpiresAt - Date.now();
    if (paidAgain || Math.random() >= cfg.retryDeclined || timeLeft < PAY_AGAIN_MIN_MS) break;
    paidAgain = true;
    scenario = "approve";
    watching = channel.next(rid);
  }
  await leave();
  if (!final) return fail(`no outcome by hold expiry + 30 s (${scenario})`);
  const told = paidAgain ? { paidAgain } : {};
  if (final === "DECLINED") return end({ outcome: "payment_failed", ...told });
  stats.record("paid_to_final", performance.now() - paidAt, "ok");
  if (scenario === "approve" && final === "CONFIRMED") {
    stats.milestone("orders");
    return end({ outcome: "confirmed", ...told, ...(orderId ? { orderId } : {}) });
  }
  return end({ outcome: "error", reason: `${scenario} payment ended ${final}`, ...told });
}

// A declined buyer pays again only with this much of the hold left: a card takes a second or two.
const PAY_AGAIN_MIN_MS = 5_000;
