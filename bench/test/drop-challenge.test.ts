import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { challengeKey, checkChallenge, issueChallenge } from "@tt/kit";
import { joinLine } from "../drop/challenge.ts";
import { BuyerClient } from "../drop/client.ts";
import { DropStats } from "../drop/stats.ts";

// The drop's join against a stand-in gateway that asks for a challenge the way the real one does
// (428 with a challenge in `details`, checked with the gateway's own checkChallenge).

const EVENT = "evt_drop_pow";
const key = challengeKey("test-secret");
let server: ReturnType<typeof Bun.serve>;
let base: string;
const joins: Array<{ body: Record<string, string>; key: string | null }> = [];
// What the stand-in answers a join carrying a solution: the gateway's check, or a forced refusal.
let refuseSolved: string | undefined;

const refusal = (status: number, code: string, details: Record<string, string>) =>
  Response.json({ error: { code, message: code, details } }, { status });

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const offer = () => issueChallenge(key, EVENT, 10, Date.now() + 60_000);
      if (new URL(req.url).pathname === "/api/v1/queue/challenge") {
        return Response.json({ challenge: offer(), difficulty: 10, expires_at: null });
      }
      const body = (await req.json()) as Record<string, string>;
      joins.push({ body, key: req.headers.get("idempotency-key") });
      if (!body.solution) return refusal(428, "CHALLENGE_REQUIRED", { challenge: offer(), difficulty: "10" });
      if (refuseSolved) {
        const reason = refuseSolved;
        refuseSolved = undefined;
        return refusal(403, "CHALLENGE_FAILED", { reason });
      }
      const check = checkChallenge(key, body.challenge ?? "", body.solution, EVENT, Date.now());
      if (!check.ok) return refusal(403, "CHALLENGE_FAILED", { reason: check.fault });
      return Response.json({ waiting_token: "wt", position_hint: 1, status: "waiting" }, { status: 202 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));

describe("a simulated buyer joining a challenged event", () => {
  test("solves the 428's challenge and joins again with it, under the same key; the solve is counted", async () => {
    joins.length = 0;
    const stats = new DropStats();
    const joined = await joinLine(new BuyerClient(base, "buyer-1", stats, 5000), EVENT, stats);
    expect(joined.status).toBe(202);
    expect(joins).toHaveLength(2);
    expect(joins[1]?.body.solution).toMatch(/^[0-9a-z]+$/);
    expect(joins[1]?.key).toBe(joins[0]?.key ?? "missing");
    expect(stats.solving.solves).toBe(1);
    expect(stats.solving.tries).toBe(Number.parseInt(joins[1]?.body.solution ?? "", 36) + 1);
    // The 428 is part of a challenged join, not an error of the platform.
    expect(stats.errors).toBe(0);
    expect(stats.summary().find((s) => s.step === "pow_solve")?.count).toBe(1);
  });

  test("an expired challenge is fetched again and solved anew", async () => {
    joins.length = 0;
    refuseSolved = "expired";
    const stats = new DropStats();
    const joined = await joinLine(new BuyerClient(base, "buyer-2", stats, 5000), EVENT, stats);
    expect(joined.status).toBe(202);
    expect(stats.solving.solves).toBe(2);
    expect(joins.map((j) => (j.body.solution ? "solved" : "bare"))).toEqual(["bare", "solved", "solved"]);
  });
});
