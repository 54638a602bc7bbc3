import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { leadingZeroBits } from "@tt/kit/pow";
import { answerSolve, progressBatch, progressPercent, type SolveMessage } from "./protocol.ts";
import { type SolverWorker, solveInWorker } from "./solve-in-worker.ts";

const CHALLENGE = "evt_pow.12.1999999999999.AAAAAAAAAAAAAAAAAAAAAA.mac";
const solves = (challenge: string, solution: string, difficulty: number) =>
  leadingZeroBits(createHash("sha256").update(`${challenge}:${solution}`).digest()) >= difficulty;

/** The worker file itself, run by Bun as a module worker: the page's side of the protocol for real. */
const realWorker = () =>
  new Worker(new URL("./pow-worker.ts", import.meta.url), { type: "module" }) as unknown as SolverWorker;

describe("the proof-of-work worker's messages", () => {
  test("progress counts up in steps, then a solution the server would accept, with its tries", () => {
    const messages: SolveMessage[] = [];
    answerSolve({ challenge: CHALLENGE, difficulty: 12 }, (m) => messages.push(m));
    const last = messages.at(-1);
    expect(last?.type).toBe("solved");
    if (last?.type !== "solved") return;
    expect(solves(CHALLENGE, last.solution, 12)).toBe(true);
    const progress = messages.slice(0, -1).map((m) => (m.type === "progress" ? m.tries : -1));
    expect(progress).toEqual(progress.map((_, i) => (i + 1) * progressBatch(12)));
    expect(last.tries).toBeGreaterThan(progress.at(-1) ?? 0);
  });

  test("a request it cannot solve is answered 'failed', never with a spin", () => {
    for (const request of [{ challenge: CHALLENGE, difficulty: 99 }, { challenge: 5, difficulty: 8 }, null]) {
      const messages: SolveMessage[] = [];
      answerSolve(request as never, (m) => messages.push(m));
      expect(messages).toHaveLength(1);
      expect(messages[0]?.type).toBe("failed");
    }
  });

  test("progress is tries against the 2^difficulty expected, held below 100 % until solved", () => {
    expect(progressPercent(0, 20)).toBe(0);
    expect(progressPercent(2 ** 19, 20)).toBe(50);
    expect(progressPercent(2 ** 22, 20)).toBe(99);
    // Reports come often enough to move a bar even on a quick solve, never per try.
    expect(progressBatch(12)).toBe(256);
    expect(progressBatch(20)).toBe(16_384);
  });
});

describe("solving in a worker", () => {
  test("a real worker reports progress and resolves with a valid solution", async () => {
    const seen: number[] = [];
    const { solution, tries } = await solveInWorker(
      { challenge: CHALLENGE, difficulty: 14 },
      { onProgress: (t) => seen.push(t), start: realWorker },
    );
    expect(solves(CHALLENGE, solution, 14)).toBe(true);
    expect(tries).toBe(Number.parseInt(solution, 36) + 1);
    if (tries > progressBatch(14)) expect(seen.length).toBeGreaterThan(0);
  });

  test("leaving the page stops the worker at once and rejects the solve", async () => {
    let terminated = 0;
    let posted = 0;
    const fake: SolverWorker = {
      onmessage: null,
      onerror: null,
      postMessage: () => posted++,
      terminate: () => terminated++,
    };
    const leaving = new AbortController();
    const solve = solveInWorker(
      { challenge: CHALLENGE, difficulty: 28 },
      { signal: leaving.signal, start: () => fake },
    );
    fake.onmessage?.({ data: { type: "progress", tries: 16_384 } } as MessageEvent<SolveMessage>);
    leaving.abort(new DOMException("left", "AbortError"));
    await expect(solve).rejects.toThrow("left");
    expect({ posted, terminated }).toEqual({ posted: 1, terminated: 1 });
  });

  test("a worker that fails rejects the solve and is ended", async () => {
    let terminated = 0;
    const fake: SolverWorker = {
      onmessage: null,
      onerror: null,
      postMessage: () => undefined,
      terminate: () => terminated++,
    };
    const solve = solveInWorker({ challenge: CHALLENGE, difficulty: 8 }, { start: () => fake });
    fake.onmessage?.({ data: { type: "failed", message: "not a challenge" } } as MessageEvent<SolveMessage>);
    await expect(solve).rejects.toThrow("not a challenge");
    expect(terminated).toBe(1);
  });
});
