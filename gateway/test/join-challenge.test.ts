// Bot protection on join (docs/spec.md, "Bot protection"): the real gateway against a real Redis,
// the operator's difficulty set through the admin API, challenges solved as a buyer's browser does.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { solveChallenge } from "@tt/kit/pow";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import { queueKeys } from "../src/adapters/queue/keys.ts";
import { type EdgeGateway, startEdgeGateway } from "./edge-support.ts";

let redisServer: TestRedis;
let gw: EdgeGateway;
let now = 1_800_000_000_000;

beforeAll(async () => {
  redisServer = await startTestRedis();
  gw = await startEdgeGateway(
    redisServer.url,
    { QUEUE_TICKER_ENABLED: "false", RATE_LIMIT_ENABLED: "false", QUEUE_CHALLENGE_TTL_SEC: "60" },
    undefined,
    () => now,
    { exists: async (id) => id !== "evt_missing" },
  );
});
afterAll(async () => {
  await gw.stop();
  await redisServer.stop();
});

const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Json = any;
const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${gw.url}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
};
const join = (body: Record<string, unknown>, headers?: Record<string, string>) =>
  send("POST", "/queue/join", body, headers);
const setDifficulty = (eventId: string, difficulty: number) =>
  send("PATCH", `/admin/events/${eventId}/queue`, { challenge_difficulty: difficulty }, ADMIN);
const waiting = async (eventId: string) => (await gw.gateway.room.stats(eventId)).waiting;
let n = 0;
const freshEvent = () => `evt_pow_${++n}_${Math.random().toString(36).slice(2, 8)}`;

/** A challenge for the event, solved. */
const solved = async (eventId: string) => {
  const { body } = await send("GET", `/queue/challenge?event_id=${eventId}`);
  return {
    challenge: body.challenge as string,
    solution: solveChallenge(body.challenge, body.difficulty).solution,
  };
};

describe("the join challenge", () => {
  test("an event that asks for none joins as before, and its challenge route says so", async () => {
    const eventId = freshEvent();
    expect(await send("GET", `/queue/challenge?event_id=${eventId}`)).toEqual({
      status: 200,
      body: { challenge: null, difficulty: 0, expires_at: null },
    });
    expect((await join({ event_id: eventId })).status).toBe(202);
    expect((await send("GET", "/queue/challenge?event_id=evt_missing")).body.error.code).toBe(
      "EVENT_NOT_FOUND",
    );
  });

  test("turned on live by the operator: a plain join gets 428 with a challenge, its solution gets a place, and off again plain joins are back", async () => {
    const eventId = freshEvent();
    expect((await join({ event_id: eventId })).status).toBe(202);
    const set = await setDifficulty(eventId, 8);
    expect(set.status).toBe(200);
    expect(set.body.challenge_difficulty).toBe(8);

    const refused = await join({ event_id: eventId });
    expect(refused.status).toBe(428);
    expect(refused.body.error.code).toBe("CHALLENGE_REQUIRED");
    const offered = refused.body.error.details;
    expect(offered).toMatchObject({ difficulty: "8", expires_at: new Date(now + 60_000).toISOString() });
    expect(await waiting(eventId)).toBe(1);

    const { solution } = solveChallenge(offered.challenge, 8);
    const joined = await join({ event_id: eventId, challenge: offered.challenge, solution });
    expect(joined.status).toBe(202);
    expect(joined.body.position_hint).toBe(2);

    expect((await setDifficulty(eventId, 0)).body.challenge_difficulty).toBe(0);
    expect((await join({ event_id: eventId })).status).toBe(202);
    expect(await waiting(eventId)).toBe(3);
  });

  test("a solution takes one place: replayed it is refused (spent), while a retry of the same request gets its place back", async () => {
    const eventId = freshEvent();
    await setDifficulty(eventId, 8);
    const proof = await solved(eventId);
    const key = crypto.randomUUID();
    const first = await join({ event_id: eventId, ...proof }, { "idempotency-key": key });
    expect(first.status).toBe(202);
    const retry = await join({ event_id: eventId, ...proof }, { "idempotency-key": key });
    expect(retry.body.waiting_token).toBe(first.body.waiting_token);

    for (const headers of [{}, { "idempotency-key": crypto.randomUUID() }] as Record<string, string>[]) {
      const replay = await join({ event_id: eventId, ...proof }, headers);
      expect(replay.status).toBe(403);
      expect(replay.body.error).toMatchObject({ code: "CHALLENGE_FAILED", details: { reason: "spent" } });
    }
    // Twice in one batch (the same event-loop turn): one place, one refusal.
    const other = await solved(eventId);
    const both = await Promise.all([
      join({ event_id: eventId, ...other }),
      join({ event_id: eventId, ...other }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([202, 403]);
    expect(await waiting(eventId)).toBe(2);
  });

  test("refuses another event's challenge, a changed one, a wrong solution and an expired one, taking no place", async () => {
    const eventId = freshEvent();
    const elsewhere = freshEvent();
    await setDifficulty(eventId, 8);
    await setDifficulty(elsewhere, 8);
    const theirs = await solved(elsewhere);
    // The solver returns the first solution from "0" on: any other is wrong below it.
    let mine = await solved(eventId);
    while (mine.solution === "0") mine = await solved(eventId);
    const cases: [Record<string, unknown>, string][] = [
      [theirs, "other_event"],
      [{ ...mine, challenge: mine.challenge.replace(".8.", ".1.") }, "forged"],
      [{ ...mine, solution: "0" }, "wrong_solution"],
      [{ challenge: mine.challenge }, "malformed"],
    ];
    for (const [proof, reason] of cases) {
      const res = await join({ event_id: eventId, ...proof });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: "CHALLENGE_FAILED", details: { reason } });
    }
    now += 60_000;
    const late = await join({ event_id: eventId, ...mine });
    expect(late.body.error).toMatchObject({ code: "CHALLENGE_FAILED", details: { reason: "expired" } });
    expect(await waiting(eventId)).toBe(0);
  });

  test("a challenge easier than the live difficulty is asked again at the new one", async () => {
    const eventId = freshEvent();
    await setDifficulty(eventId, 4);
    const easy = await solved(eventId);
    await setDifficulty(eventId, 10);
    const res = await join({ event_id: eventId, ...easy });
    expect(res.status).toBe(428);
    expect(res.body.error.details.difficulty).toBe("10");
    const hard = res.body.error.details.challenge;
    expect(
      (await join({ event_id: eventId, challenge: hard, solution: solveChallenge(hard, 10).solution }))
        .status,
    ).toBe(202);
  });

  test("spent nonces are kept in Redis until their challenge expires, then let go", async () => {
    const eventId = freshEvent();
    await setDifficulty(eventId, 4);
    const spent = queueKeys(eventId).spentChallenges;
    const first = await solved(eventId);
    expect((await join({ event_id: eventId, ...first })).status).toBe(202);
    const nonce = first.challenge.split(".")[3] ?? "";
    expect(Number(await gw.redis.zscore(spent, nonce))).toBe(now + 60_000);
    now += 60_001;
    const second = await solved(eventId);
    expect((await join({ event_id: eventId, ...second })).status).toBe(202);
    expect(await gw.redis.zscore(spent, nonce)).toBeNull();
    expect(await gw.redis.zcard(spent)).toBe(1);
  });
});
