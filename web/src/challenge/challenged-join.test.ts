import { describe, expect, test } from "bun:test";
import { ApiError } from "../api.ts";
import type { SolvedChallenge } from "../buyer-api.ts";
import type { JoinAnswer } from "../types.ts";
import { type ChallengedJoinSteps, joinWithChallenge } from "./challenged-join.ts";

const PLACE: JoinAnswer = {
  waiting_token: "wt_1",
  position_hint: 7,
  eta_sec: 3,
  status: "waiting",
  sale: "on_sale",
  seats_held: 0,
};
const required = (details: Record<string, string>) =>
  new ApiError({ code: "CHALLENGE_REQUIRED", message: "solve one", status: 428, details });
const failed = (reason: string) =>
  new ApiError({ code: "CHALLENGE_FAILED", message: "no", status: 403, details: { reason } });

/** A gateway that answers each join in turn; records what each join carried and what was solved. */
function gateway(answers: Array<ApiError | JoinAnswer>, fetched = "fetched.16") {
  const joins: Array<SolvedChallenge | undefined> = [];
  const solved: string[] = [];
  let fetches = 0;
  const steps: ChallengedJoinSteps = {
    join: async (s) => {
      joins.push(s);
      const next = answers.shift();
      if (next === undefined || next instanceof ApiError) throw next ?? new Error("no more answers");
      return next;
    },
    fetchChallenge: async () => {
      fetches++;
      return { challenge: fetched, difficulty: 16, expires_at: null };
    },
    solve: async (challenge, difficulty) => {
      solved.push(`${challenge}@${difficulty}`);
      return `sol-${solved.length}`;
    },
  };
  return { steps, joins, solved, fetches: () => fetches };
}

describe("joining an event that may ask for a challenge", () => {
  test("an event that asks for none is joined with one call and nothing solved", async () => {
    const g = gateway([PLACE]);
    expect(await joinWithChallenge(g.steps)).toEqual(PLACE);
    expect(g.joins).toEqual([undefined]);
    expect(g.solved).toEqual([]);
  });

  test("a 428 carries the challenge: it is solved and the join sent again with the solution", async () => {
    const g = gateway([
      required({ challenge: "c428.12", difficulty: "12", expires_at: "2099-01-01T00:00:00Z" }),
      PLACE,
    ]);
    expect(await joinWithChallenge(g.steps)).toEqual(PLACE);
    expect(g.solved).toEqual(["c428.12@12"]);
    expect(g.joins).toEqual([undefined, { challenge: "c428.12", solution: "sol-1" }]);
    expect(g.fetches()).toBe(0);
  });

  test("a 428 without a challenge in it asks the challenge route", async () => {
    const g = gateway([required({}), PLACE]);
    await joinWithChallenge(g.steps);
    expect(g.fetches()).toBe(1);
    expect(g.solved).toEqual(["fetched.16@16"]);
  });

  test("a challenge that expired (or was spent) while being solved is fetched again and solved anew", async () => {
    const g = gateway([required({ challenge: "old.12", difficulty: "12" }), failed("expired"), PLACE]);
    expect(await joinWithChallenge(g.steps)).toEqual(PLACE);
    expect(g.solved).toEqual(["old.12@12", "fetched.16@16"]);
    expect(g.joins.at(-1)).toEqual({ challenge: "fetched.16", solution: "sol-2" });
  });

  test("a forged or wrong solution, and any other refusal, reach the buyer as they are", async () => {
    for (const refusal of [
      failed("forged"),
      new ApiError({ code: "SOLD_OUT", message: "gone", status: 409 }),
    ]) {
      const g = gateway([required({ challenge: "c.8", difficulty: "8" }), refusal]);
      await expect(joinWithChallenge(g.steps)).rejects.toBe(refusal);
      expect(g.solved).toHaveLength(1);
    }
  });

  test("an event whose challenge was switched off meanwhile is joined without one", async () => {
    const g = gateway([failed("spent"), PLACE]);
    g.steps.fetchChallenge = async () => ({ challenge: null, difficulty: 0, expires_at: null });
    expect(await joinWithChallenge(g.steps)).toEqual(PLACE);
    expect(g.joins).toEqual([undefined, undefined]);
  });

  test("a challenge that keeps expiring is given up after three solves", async () => {
    const g = gateway([required({}), failed("expired"), failed("expired"), failed("expired")]);
    await expect(joinWithChallenge(g.steps)).rejects.toMatchObject({ code: "CHALLENGE_FAILED" });
    expect(g.solved).toHaveLength(3);
  });

  test("leaving the page while solving ends the join without another call", async () => {
    const g = gateway([required({ challenge: "c.20", difficulty: "20" }), PLACE]);
    const left = new DOMException("left", "AbortError");
    g.steps.solve = async () => {
      throw left;
    };
    await expect(joinWithChallenge(g.steps)).rejects.toBe(left);
    expect(g.joins).toHaveLength(1);
  });
});
