// How a drop buyer learns a payment's outcome when the push never comes while its socket stays
// open (pub/sub keeps nothing: an outcome published while the gateway's Redis subscription was
// coming back is lost): as the web app's reservation page, it looks every 5 s all the same. A
// stand-in gateway answers the two routes the page reads.
import { afterAll, expect, test } from "bun:test";
import { BuyerClient } from "../drop/client.ts";
import type { DropConfig } from "../drop/config.ts";
import { outcomeOf } from "../drop/purchase-outcome.ts";
import { DropStats } from "../drop/stats.ts";

const gateway = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/api/v1/payments/pi_1/status")
      return Response.json({ payment_intent_id: "pi_1", status: "APPROVED" });
    if (path === "/api/v1/reservations/rsv_1") {
      return Response.json({ reservation_id: "rsv_1", status: "CONFIRMED", order_id: "ord_1" });
    }
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => gateway.stop(true));

test("a push that never comes on a live socket does not leave the buyer waiting: it looks after 5 s", async () => {
  const stats = new DropStats();
  const client = new BuyerClient(`http://127.0.0.1:${gateway.port}`, "buyer-1", stats, 5000);
  const cfg = { selfConfirm: 0, pollMs: 500 } as DropConfig;
  const started = performance.now();
  const silent = new Promise<never>(() => undefined);
  const outcome = await outcomeOf(client, cfg, stats, {
    rid: "rsv_1",
    piId: "pi_1",
    scenario: "approve",
    deadline: Date.now() + 9_000,
    pushed: silent,
  });
  expect(outcome).toEqual(["CONFIRMED", "ord_1"]);
  const tookMs = performance.now() - started;
  expect(tookMs).toBeGreaterThan(4_500);
  expect(tookMs).toBeLessThan(7_000);
}, 15_000);
