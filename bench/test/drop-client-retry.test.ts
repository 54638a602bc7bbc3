// Which refused calls a drop buyer tries again (BuyerClient.retrying): the ones whose outcome is
// still open and that the error catalogue calls retryable, or that had no catalogue answer at all.
// A stand-in gateway answers each path from a script, then 200.
import { afterAll, describe, expect, test } from "bun:test";
import { BuyerClient } from "../drop/client.ts";
import { DropStats } from "../drop/stats.ts";

const refusal = (status: number, code: string) =>
  Response.json({ error: { code, message: code } }, { status });
const SCRIPTS: Record<string, () => Response> = {
  "/unavailable": () => refusal(503, "UPSTREAM_UNAVAILABLE"),
  "/in-progress": () => refusal(409, "IDEMPOTENCY_IN_PROGRESS"),
  "/proxy-page": () => new Response("<html>bad gateway</html>", { status: 502 }),
  "/conflict": () => refusal(409, "INVENTORY_CONFLICT"),
  "/rate-limited": () => refusal(429, "RATE_LIMITED"),
  "/sold-out": () => refusal(409, "SEAT_UNAVAILABLE"),
  "/stale-token": () => refusal(403, "RESERVATION_TOKEN_INVALID"),
  "/busy": () =>
    Response.json(
      { error: { code: "OVERLOADED", message: "busy" } },
      { status: 503, headers: { "retry-after": "5" } },
    ),
};
const calls = new Map<string, number>();
const gateway = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    const n = (calls.get(path) ?? 0) + 1;
    calls.set(path, n);
    const script = SCRIPTS[path];
    return n === 1 && script ? script() : Response.json({ ok: true });
  },
});
afterAll(() => gateway.stop(true));

const buyer = (stats = new DropStats()) =>
  new BuyerClient(`http://127.0.0.1:${gateway.port}`, "buyer-1", stats, 5000);

describe("a drop buyer's retries", () => {
  test("an open outcome the catalogue calls retryable, or a bare 5xx, is asked again with the same key", async () => {
    const client = buyer();
    for (const path of ["/unavailable", "/in-progress", "/proxy-page"]) {
      const reply = await client.retrying("hold", "POST", path, {}, "key-1");
      expect({ path, status: reply.status, calls: calls.get(path) }).toEqual({ path, status: 200, calls: 2 });
    }
  });

  test("a settled refusal is not repeated, retryable or not", async () => {
    const client = buyer();
    for (const path of ["/conflict", "/rate-limited", "/sold-out"]) {
      const reply = await client.retrying("hold", "POST", path, {}, "key-2");
      expect({ path, ok: reply.ok, calls: calls.get(path) }).toEqual({ path, ok: false, calls: 1 });
    }
  });

  test("a hold's stale reservation token is a refusal the buyer answers by entering again, not an error", async () => {
    const stats = new DropStats();
    const reply = await buyer(stats).retrying("hold", "POST", "/stale-token", {}, "key-4");
    expect({ code: reply.code, calls: calls.get("/stale-token") }).toEqual({
      code: "RESERVATION_TOKEN_INVALID",
      calls: 1,
    });
    expect({ errors: stats.errors, expected: stats.expected }).toEqual({ errors: 0, expected: 1 });
  });

  test("a buyer told to wait stops asking once the outcome came another way (a pushed frame)", async () => {
    const stats = new DropStats();
    const started = performance.now();
    const pushed = Bun.sleep(100);
    const reply = await buyer(stats).retrying("confirm", "POST", "/busy", {}, "key-3", 4, pushed);
    // Answered by the push after ~0.1 s, not after the 5 s the gateway asked for, and not sent again.
    expect(performance.now() - started).toBeLessThan(2000);
    expect({ status: reply.status, calls: calls.get("/busy") }).toEqual({ status: 503, calls: 1 });
    // The refused try is counted as one the buyer got past, not as an error.
    expect({ errors: stats.errors, retried: stats.retried }).toEqual({ errors: 0, retried: 1 });
  });
});
