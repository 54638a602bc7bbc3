/**
 * The drop's verdict from the stores (pure: fed a snapshot, so tests can craft broken states).
 * What a ticket drop must never get wrong: a seat sold twice, a SOLD seat without exactly one
 * CONFIRMED order, a hold left in place past its time, outcomes that do not add up, money taken
 * without an order (or an order without money), and events given up on in the dead-letter queue.
 */
import type { BuyerRecord } from "./buyer.ts";
import { type ExpiryGrace, expiryFindings, graceRule, type WorkerKills } from "./expiry-checks.ts";
import type { DlqContents, OrderRow, StaleSighting, StoreSnapshot } from "./store-rows.ts";

/** The snapshot the checks judge (drop/store-rows.ts). */
export type { DlqContents, StoreSnapshot } from "./store-rows.ts";

/** One named check and what broke it (at most a few examples). */
export interface Check {
  name: string;
  ok: boolean;
  violations: number;
  examples: string[];
}

/** What the checks need besides the snapshot. */
export interface CheckInput {
  /** The base grace of the expiry checks (drop/expiry-checks.ts). */
  graceMs: number;
  /** A chaos drop's worker kills: each one in a hold's span (drop/expiry-checks.ts) adds a visibility timeout. */
  workerKills?: WorkerKills;
  /** More seats were wanted than exist: then every seat must end SOLD. */
  demandExceedsSeats: boolean;
  buyers?: BuyerRecord[];
  staleSightings?: StaleSighting[];
  /** The dead-letter queue at the end; undefined when it cannot be read (a remote target). */
  dlq?: DlqContents;
}

/** The verdict: every check, and how late unpaid holds were released. */
export interface CheckReport {
  ok: boolean;
  checks: Check[];
  seatCounts: Record<string, number>;
  reservationCounts: Record<string, number>;
  orders: number;
  /** Intents of this event's reservations by status (APPROVED, REFUNDED, FAILED, PENDING). */
  paymentCounts: Record<string, number>;
  /** Release time − hold expiry of expired holds (ms). */
  releaseLagMs: { count: number; p50: number; p95: number; max: number };
  /** The expiry checks' grace: the rule, how many holds a worker kill extended it for, the largest (ms). */
  grace: { rule: string; extendedHolds: number; maxMs: number };
}

function check(name: string, problems: string[], examples = 5): Check {
  return {
    name,
    ok: problems.length === 0,
    violations: problems.length,
    examples: problems.slice(0, examples),
  };
}

const countBy = <T>(rows: T[], key: (r: T) => string) => {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
};

/**
 * Money: a reservation keeps at most one APPROVED intent; an APPROVED intent must end in exactly
 * one order (else the buyer paid for nothing, or twice for one thing) or be refunded; every order must be paid by an APPROVED intent of its own
 * reservation. Each broken rule is reported once: from the intent when money has too few or too
 * many orders, from the order when the order's money is missing, not approved or someone else's.
 */
function moneyProblems(snap: StoreSnapshot): string[] {
  const intents = new Map(snap.payments.map((p) => [p.intentId, p]));
  const ordersByIntent = new Map<string, OrderRow[]>();
  for (const o of snap.orders)
    ordersByIntent.set(o.paymentIntentId, [...(ordersByIntent.get(o.paymentIntentId) ?? []), o]);
  const problems: string[] = [];
  // A buyer may pay again after a decline, or twice at once: one payment is kept, others refunded.
  const approvedBy = countBy(
    snap.payments.filter((p) => p.status === "APPROVED"),
    (p) => p.reservationId,
  );
  for (const [reservationId, n] of Object.entries(approvedBy))
    if (n > 1)
      problems.push(
        `reservation ${reservationId} keeps ${n} APPROVED payments (one at most, others refunded)`,
      );
  for (const p of snap.payments) {
    if (p.status !== "APPROVED") continue;
    const orders = ordersByIntent.get(p.intentId) ?? [];
    if (orders.length === 0)
      problems.push(
        `APPROVED ${p.intentId} (reservation ${p.reservationId}, ${p.amount}) has no order and was not refunded`,
      );
    else if (orders.length > 1)
      problems.push(
        `APPROVED ${p.intentId} pays for ${orders.length} orders: ${orders.map((o) => o.orderId).join(", ")}`,
      );
  }
  for (const o of snap.orders) {
    const p = intents.get(o.paymentIntentId);
    if (!p)
      problems.push(
        o.paymentIntentId
          ? `order ${o.orderId}: its payment intent ${o.paymentIntentId} is missing`
          : `order ${o.orderId} names no payment intent`,
      );
    else if (p.status !== "APPROVED")
      problems.push(`order ${o.orderId}: its payment intent ${p.intentId} is ${p.status}`);
    else if (p.reservationId !== o.reservationId)
      problems.push(
        `order ${o.orderId} (reservation ${o.reservationId}) is paid by ${p.intentId}, an intent for ${p.reservationId}`,
      );
  }
  return problems;
}

/**
 * Every DLQ message is an event the platform gave up on. No check can yet tell that one was
 * harmless, so any message at all fails; the queue's own count also catches messages the few
 * receives did not return. Every message read is listed: each is a lost event worth reading.
 */
function dlqCheck(dlq: DlqContents): Check {
  const problems = dlq.messages.map((m) => {
    if (m.type === undefined)
      return `not an event envelope (message ${m.messageId}): ${m.body.slice(0, 120)}`;
    const ids = [
      m.reservationId && `reservation ${m.reservationId}`,
      m.paymentIntentId && `payment ${m.paymentIntentId}`,
      m.orderId && `order ${m.orderId}`,
    ].filter(Boolean);
    return `${m.type} ${ids.length ? ids.join(", ") : "naming no reservation or payment"} (event ${m.envelopeId ?? "?"})`;
  });
  const counted = dlq.approximateCount + dlq.approximateInFlight;
  if (counted > dlq.messages.length)
    problems.push(
      `${counted - dlq.messages.length} more messages that the queue counts but the read did not return`,
    );
  const found = check("nothing in the dead-letter queue that no check accounts for", problems, 50);
  return { ...found, violations: Math.max(counted, dlq.messages.length) };
}

/** Runs every check over a snapshot. */
export function checkStores(snap: StoreSnapshot, input: CheckInput): CheckReport {
  const reservations = new Map(snap.reservations.map((r) => [r.reservationId, r]));
  const ordersBySeat = new Map<string, OrderRow[]>();
  for (const o of snap.orders)
    for (const s of o.seatIds) ordersBySeat.set(s, [...(ordersBySeat.get(s) ?? []), o]);
  const seats = new Map(snap.seats.map((s) => [s.seatId, s]));

  const doubles: string[] = [];
  for (const [seat, orders] of ordersBySeat)
    if (orders.length > 1) doubles.push(`${seat} in orders ${orders.map((o) => o.orderId).join(", ")}`);
  const confirmedBySeat = new Map<string, string[]>();
  for (const r of snap.reservations.filter((x) => x.status === "CONFIRMED"))
    for (const s of r.seatIds) confirmedBySeat.set(s, [...(confirmedBySeat.get(s) ?? []), r.reservationId]);
  for (const [seat, rids] of confirmedBySeat)
    if (rids.length > 1) doubles.push(`${seat} in CONFIRMED reservations ${rids.join(", ")}`);

  const soldOwnership: string[] = [];
  for (const seat of snap.seats.filter((s) => s.status === "SOLD")) {
    const orders = ordersBySeat.get(seat.seatId) ?? [];
    const order = orders[0];
    if (orders.length !== 1 || !order) {
      soldOwnership.push(`${seat.seatId} SOLD with ${orders.length} orders`);
      continue;
    }
    const r = reservations.get(order.reservationId);
    if (r?.status !== "CONFIRMED")
      soldOwnership.push(`${seat.seatId}: order ${order.orderId}'s reservation is ${r?.status ?? "missing"}`);
    else if (seat.holder && seat.holder !== order.reservationId)
      soldOwnership.push(
        `${seat.seatId}: seat holder ${seat.holder} ≠ order's reservation ${order.reservationId}`,
      );
  }
  for (const o of snap.orders)
    for (const s of o.seatIds)
      if (seats.get(s)?.status !== "SOLD")
        soldOwnership.push(`order ${o.orderId} has ${s}, which is ${seats.get(s)?.status ?? "missing"}`);
  for (const r of snap.reservations.filter((x) => x.status === "CONFIRMED")) {
    const n = snap.orders.filter((o) => o.reservationId === r.reservationId).length;
    if (n !== 1) soldOwnership.push(`CONFIRMED ${r.reservationId} has ${n} orders`);
  }

  const rule: ExpiryGrace = {
    baseMs: input.graceMs,
    ...(input.workerKills ? { workerKills: input.workerKills } : {}),
  };
  const expiry = expiryFindings(snap, rule, input.staleSightings);

  const lags = snap.holds
    .filter((h) => h.status === "RELEASED" && h.releaseReason === "EXPIRED")
    .map((h) => h.updatedAt - h.holdExpiresAt)
    .sort((a, b) => a - b);

  const seatCounts = countBy(snap.seats, (s) => s.status);
  const reservationCounts = countBy(snap.reservations, (r) => r.status);
  const adds: string[] = [];
  const soldSeats = snap.orders.reduce((n, o) => n + o.seatIds.length, 0);
  if ((seatCounts.SOLD ?? 0) !== soldSeats)
    adds.push(`${seatCounts.SOLD ?? 0} SOLD seats but orders hold ${soldSeats}`);
  if ((reservationCounts.CONFIRMED ?? 0) !== snap.orders.length)
    adds.push(`${reservationCounts.CONFIRMED ?? 0} CONFIRMED reservations but ${snap.orders.length} orders`);
  if (input.buyers) {
    const expected: Record<string, string> = {
      confirmed: "CONFIRMED",
      // Declined and walked away: the hold stood until its time (docs/spec.md, "Reservations").
      payment_failed: "EXPIRED",
      abandoned: "EXPIRED",
    };
    const seen = new Set<string>();
    for (const b of input.buyers) {
      if (!b.reservationId) continue;
      seen.add(b.reservationId);
      const want = expected[b.outcome];
      const got = reservations.get(b.reservationId)?.status;
      if (want && got !== want)
        adds.push(`${b.userId} ended ${b.outcome} but ${b.reservationId} is ${got ?? "missing"}`);
    }
    // A hold whose answer never reached its buyer (the process answering it died, the retries ran
    // out) may still have been made: the buyer ended in error, and the hold must simply have
    // expired (its timeliness is the release check's). Anything else nobody was told about is a
    // ghost.
    const unanswered = new Set(
      input.buyers.filter((b) => b.outcome === "error" && b.reason?.startsWith("hold:")).map((b) => b.userId),
    );
    for (const r of snap.reservations)
      if (!seen.has(r.reservationId) && !(r.status === "EXPIRED" && unanswered.has(r.userId)))
        adds.push(`reservation ${r.reservationId} (${r.userId}, ${r.status}) that no buyer was told about`);
    const confirmedBuyers = input.buyers.filter((b) => b.outcome === "confirmed").length;
    if (confirmedBuyers !== snap.orders.length)
      adds.push(`${confirmedBuyers} buyers confirmed but ${snap.orders.length} orders`);
  }

  const unsold: string[] = [];
  if (input.demandExceedsSeats)
    for (const s of snap.seats) if (s.status !== "SOLD") unsold.push(`${s.seatId} ended ${s.status}`);

  const checks = [
    check("no seat sold twice", doubles),
    check("every SOLD seat belongs to exactly one CONFIRMED order", soldOwnership),
    check("no seat HELD past its hold time + grace", expiry.stale),
    check("unpaid holds released within hold + grace", expiry.slow),
    check("outcome counts add up", adds),
    ...(input.demandExceedsSeats ? [check("every seat sold (demand exceeds seats)", unsold)] : []),
    check("every approved payment is one order or a refund", moneyProblems(snap)),
    check("no reservation in HOLD past its hold + grace", expiry.lingering),
    ...(input.dlq ? [dlqCheck(input.dlq)] : []),
  ];
  const at = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0;
  return {
    ok: checks.every((c) => c.ok),
    checks,
    seatCounts,
    reservationCounts,
    orders: snap.orders.length,
    paymentCounts: countBy(snap.payments, (p) => p.status),
    releaseLagMs: { count: lags.length, p50: at(0.5), p95: at(0.95), max: lags.at(-1) ?? 0 },
    grace: { rule: graceRule(rule), extendedHolds: expiry.extended, maxMs: expiry.maxGraceMs },
  };
}
