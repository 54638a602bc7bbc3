#!/usr/bin/env bun
/**
 * Purchase cost: `bun purchase-cost.ts [--orders 20] [--parallel 4]`.
 *
 * What one purchase costs inside the platform, counted rather than timed: each buyer joins,
 * enters, holds two seats, pays (scenario approve, the gateway's webhook registered as in a
 * drop) and waits until the worker has confirmed the order; then every service's
 * `dependency_requests_total` is read once more, and each route or background loop's DynamoDB,
 * SQS, Redis and Connect requests are printed per order, with the events the worker received.
 * A fresh platform per invocation, no contention (every buyer has seats of its own), so the
 * numbers move only when the code does: the before/after yardstick of issue #16's "one purchase,
 * lean" (bench/README.md, "Fourth session: counts").
 */
import { commandArgs, numberFlag } from "./lib/args.ts";
import { ADMIN_HEADERS, createBenchEvent, setAdmission, startBenchStack } from "./lib/platform.ts";
import { costByOrigin, scrapeAll, sumBy } from "./lib/service-metrics.ts";

const args = commandArgs({
  usage: "bun run --cwd bench purchase-cost [--orders 20] [--parallel 4]",
  flags: ["orders", "parallel"],
});
const orders = numberFlag(args, "orders", 20);
const parallel = numberFlag(args, "parallel", 4);
const log = (msg: string) => process.stdout.write(`${msg}\n`);

const platform = await startBenchStack({
  QUEUE_TICK_MS: "50",
  HOLD_SECONDS: "60",
  PAYMENT_APPROVE_DELAY_MS: "200",
});
const gw = platform.gateway;

async function call(user: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw}${path}`, {
    method,
    headers: {
      ...ADMIN_HEADERS,
      authorization: "Bearer load-test-bypass-token",
      "x-user-id": user,
      "idempotency-key": crypto.randomUUID(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return json;
}

/** One whole purchase; resolves once the order exists. */
async function purchase(user: string, eventId: string, seatIds: string[]): Promise<void> {
  const joined = await call(user, "POST", "/api/v1/queue/join", { event_id: eventId });
  const token = joined.waiting_token as string;
  while (
    !(await call(user, "GET", `/api/v1/queue/status?token=${encodeURIComponent(token)}`)).ready_for_entry
  )
    await Bun.sleep(50);
  const entered = await call(user, "POST", "/api/v1/queue/enter", { waiting_token: token });
  const held = await call(user, "POST", "/api/v1/reservations", {
    event_id: eventId,
    seat_ids: seatIds,
    reservation_token: entered.reservation_token,
  });
  await call(user, "POST", "/api/v1/payments/intent", {
    reservation_id: held.reservation_id,
    amount: held.total_amount,
    currency: held.currency,
    scenario: "approve",
  });
  // Polled slowly: its cost is its own row (GET /api/v1/reservations/:id), apart from the steps.
  for (let i = 0; i < 100; i++) {
    await Bun.sleep(250);
    const r = await call(user, "GET", `/api/v1/reservations/${held.reservation_id}`);
    if (r.status === "CONFIRMED") return;
  }
  throw new Error(`reservation ${held.reservation_id} was not confirmed in 25 s`);
}

try {
  const eventId = `evt_cost_${Date.now().toString(36)}`;
  await createBenchEvent(platform, eventId, Math.max(50, Math.ceil((2 * orders) / 25) * 25));
  await setAdmission(gw, eventId, 1000, 10_000);
  const seat = (i: number) => `A-${Math.floor(i / 25) + 1}-${(i % 25) + 1}`;
  const services = platform.services ?? {};
  const before = await scrapeAll(services);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < orders; i = next++)
        await purchase(`cost-${i}`, eventId, [seat(2 * i), seat(2 * i + 1)]);
    }),
  );
  // The last events, webhooks and outbox deletes finish after the buyer saw CONFIRMED.
  await Bun.sleep(3000);
  const after = await scrapeAll(services);
  log(`purchase-cost: ${orders} orders of 2 seats; requests per order, by service and route or loop`);
  log("");
  log("| service | route or loop | requests per order |");
  log("| --- | --- | --- |");
  const totals: Record<string, number> = {};
  for (const row of costByOrigin(before, after)) {
    const per = Object.entries(row.requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([what, n]) => {
        const dep = what.split(".")[0] ?? what;
        totals[dep] = (totals[dep] ?? 0) + n;
        return `${what} ${(n / orders).toFixed(2)}`;
      })
      .join(", ");
    log(`| ${row.service} | ${row.origin} | ${per} |`);
  }
  log("");
  log(
    `in all, per order: ${Object.entries(totals)
      .map(([dep, n]) => `${dep} ${(n / orders).toFixed(2)}`)
      .join(", ")}`,
  );
  const events = (s: typeof after) =>
    sumBy(s.worker ?? [], "worker_events_total", (l) => `${l.type} ${l.outcome}`);
  const e0 = events(before);
  const received = Object.entries(events(after))
    .map(([k, v]) => [k, v - (e0[k] ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${(v / orders).toFixed(2)}`);
  log(`events the worker received, per order: ${received.join(", ")}`);
} finally {
  await platform.stop();
}
