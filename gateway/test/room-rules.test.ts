import { describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import { ChallengeNeeded } from "../src/domain/queue/join-challenge.ts";
import {
  enterRefusal,
  joinAnswer,
  joinRefusal,
  lineRefusal,
  settingsChange,
  settingsFrom,
  statusAnswer,
} from "../src/domain/queue/room-rules.ts";
import { EnterResult } from "../src/domain/queue/script-replies.ts";

// The waiting room's rules without Redis: the fields below are what its scripts answer.

const defaults = { defaultRate: 10, defaultCap: 500, maxPlacesPerClient: 3 };
const NOW = 1_700_000_000_000;
const codeOf = (error: unknown) => (error instanceof AppError ? error.code : String(error));

describe("what a join's answer means to the buyer", () => {
  test("a waiter's place comes with an ETA at the line's rate", () => {
    const answer = joinAnswer(["evt_1.tok", "W", "25", "1", "5", "0", "O", "0"], defaults, NOW);
    expect(answer).toMatchObject({
      token: "evt_1.tok",
      status: "waiting",
      isNew: true,
      position: 25,
      etaSec: 5,
    });
  });

  test("in a pre-queue that has not opened, the place is not drawn yet and the ETA counts to the opening", () => {
    const opensAt = NOW + 90_500;
    const answer = joinAnswer(["evt_1.tok", "W", "7", "0", "", String(opensAt)], defaults, NOW);
    expect(answer).toMatchObject({ position: null, etaSec: 91, opensAt, isNew: false });
  });

  test("a sold-out line says how many seats are held and may come back", () => {
    const answer = joinAnswer(["evt_1.tok", "W", "3", "1", "10", "0", "S", "12"], defaults, NOW);
    expect(answer.sale).toEqual({ state: "sold_out", seatsHeld: 12 });
  });

  test("refusals: a closed or ended sale, a challenge to solve or already spent, an address at its cap", () => {
    expect(codeOf(lineRefusal("!closed"))).toBe("SOLD_OUT");
    expect(codeOf(lineRefusal("!ended"))).toBe("SALE_CLOSED");
    expect(lineRefusal("evt_1.tok|W|1")).toBeUndefined();
    expect((joinRefusal(["!challenge", "18"], defaults) as ChallengeNeeded).difficulty).toBe(18);
    expect(joinRefusal(["!challenge", "18"], defaults)).toBeInstanceOf(ChallengeNeeded);
    expect(codeOf(joinRefusal(["!spent"], defaults))).toBe("CHALLENGE_FAILED");
    const full = joinRefusal(["!places"], defaults) as AppError;
    expect([full.code, full.metadata.max_places_per_client]).toEqual(["QUEUE_CLIENT_LIMIT", "3"]);
    expect(joinRefusal(["evt_1.tok", "W"], defaults)).toBeUndefined();
  });
});

describe("what a status call's answer means", () => {
  test("an admitted waiter is ready, with no place left to wait and the time spent in line", () => {
    const status = statusAnswer("evt_1", ["R", "0", "41", String(NOW - 61_400), "", "40"], defaults, NOW);
    expect(status).toMatchObject({
      status: "ready",
      position: 0,
      etaSec: 0,
      waitingTimeSec: 61,
      ratePerSec: 10,
    });
  });

  test("a token the room does not know lost its place (Redis lost the line)", () => {
    expect(() => statusAnswer("evt_1", [""], defaults, NOW)).toThrow(
      expect.objectContaining({ code: "QUEUE_PLACE_LOST" }),
    );
  });
});

describe("what an enter's answer means", () => {
  test("each refusal of the enter script is the catalogue's code", () => {
    expect(enterRefusal(EnterResult.Ok)).toBeUndefined();
    expect(codeOf(enterRefusal(EnterResult.StillWaiting))).toBe("NOT_READY");
    expect(codeOf(enterRefusal(EnterResult.NotAdmitted))).toBe("NOT_READY");
    expect(codeOf(enterRefusal(EnterResult.OtherUser))).toBe("FORBIDDEN");
    expect(codeOf(enterRefusal(EnterResult.UnknownToken))).toBe("QUEUE_PLACE_LOST");
  });
});

describe("the operator's settings in the line's hash", () => {
  test("missing fields fall back to the configured rate and cap, and settings never written are unknown", () => {
    const { settings, known } = settingsFrom([null, null, null, null, null, null, null, null], defaults);
    expect(known).toBe(false);
    expect(settings).toEqual({
      rate: 10,
      cap: 500,
      paused: false,
      opensAt: null,
      auto: null,
      challengeDifficulty: 0,
    });
  });

  test("a change writes only what it names; self-tuning bounds go together and no opening is 0", () => {
    expect(settingsChange({ rate: 40 })).toEqual({ rate: "40" });
    expect(settingsChange({ paused: true, opensAt: null, auto: { min: 5, max: 50 } })).toEqual({
      paused: "1",
      opens_at: "0",
      auto_min: "5",
      auto_max: "50",
    });
  });
});
