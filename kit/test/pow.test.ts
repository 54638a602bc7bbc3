import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { challengeKey, checkChallenge, issueChallenge } from "../src/pow/challenge.ts";
import { leadingZeroBits, solveChallenge, solveSteps } from "../src/pow/solver.ts";

const key = challengeKey("test-secret");
const NOW = 1_800_000_000_000;
const fresh = (difficulty = 8, eventId = "evt_1") => issueChallenge(key, eventId, difficulty, NOW + 60_000);

describe("join challenge", () => {
  test("counts leading zero bits across bytes", () => {
    expect(leadingZeroBits(Uint8Array.of(0x80))).toBe(0);
    expect(leadingZeroBits(Uint8Array.of(0x01, 0xff))).toBe(7);
    expect(leadingZeroBits(Uint8Array.of(0x00, 0x00, 0x3f))).toBe(18);
    expect(leadingZeroBits(new Uint8Array(4))).toBe(32);
  });

  test("a solution the browser's solver finds is accepted by the server, with what the challenge vouches for", () => {
    const challenge = fresh(10);
    const { solution, tries } = solveChallenge(challenge, 10);
    const hash = createHash("sha256").update(`${challenge}:${solution}`).digest();
    expect(leadingZeroBits(hash)).toBeGreaterThanOrEqual(10);
    expect(tries).toBe(Number.parseInt(solution, 36) + 1);
    const check = checkChallenge(key, challenge, solution, "evt_1", NOW);
    expect(check).toEqual({
      ok: true,
      nonce: challenge.split(".")[3] ?? "",
      difficulty: 10,
      expiresAtMs: NOW + 60_000,
    });
  });

  test("reports progress every batch of tries until solved", () => {
    const steps = solveSteps(fresh(12), 12, 256);
    const reported: number[] = [];
    let step = steps.next();
    while (!step.done) {
      reported.push(step.value);
      step = steps.next();
    }
    expect(reported.every((n, i) => n === (i + 1) * 256)).toBe(true);
    expect(step.value).toMatch(/^[0-9a-z]+$/);
  });

  test("refuses a wrong solution, another event's challenge, an expired one and a forged one", () => {
    const challenge = fresh(16);
    const { solution } = solveChallenge(challenge, 16);
    // The first try that falls short of 16 zero bits (nearly every one does).
    let wrong = 0;
    while (checkChallenge(key, challenge, wrong.toString(36), "evt_1", NOW).ok) wrong++;
    expect(checkChallenge(key, challenge, wrong.toString(36), "evt_1", NOW)).toEqual({
      ok: false,
      fault: "wrong_solution",
    });
    expect(checkChallenge(key, challenge, solution, "evt_2", NOW)).toEqual({
      ok: false,
      fault: "other_event",
    });
    expect(checkChallenge(key, challenge, solution, "evt_1", NOW + 60_000)).toEqual({
      ok: false,
      fault: "expired",
    });
    // A buyer who lowers the difficulty (or moves the expiry) breaks the MAC.
    const easier = challenge.replace(".16.", ".1.");
    expect(checkChallenge(key, easier, "0", "evt_1", NOW)).toEqual({ ok: false, fault: "forged" });
    expect(checkChallenge(challengeKey("other-secret"), challenge, solution, "evt_1", NOW)).toEqual({
      ok: false,
      fault: "forged",
    });
  });

  test("refuses malformed challenges and solutions without throwing", () => {
    for (const [challenge, solution] of [
      ["", "0"],
      ["a.b.c.d", "0"],
      [fresh(), ""],
      [fresh(), "NOT-BASE36"],
      [fresh(), "0".repeat(17)],
      ["evt_1.x.1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA", "0"],
    ] as const) {
      expect(checkChallenge(key, challenge, solution, "evt_1", NOW)).toEqual({
        ok: false,
        fault: "malformed",
      });
    }
  });
});
