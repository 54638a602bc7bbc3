import { describe, expect, test } from "bun:test";
import { backoffDelay, type RetryPolicy, retrying, retryingAgain } from "../src/retry.ts";

describe("backoffDelay", () => {
  const at = (jitter: number, random: number) =>
    [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 1_000, jitter }, () => random));

  test("doubles per attempt up to the cap; without jitter it is exact", () => {
    expect(at(0, 0.3)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  test("jitter is the random share of each pause: full from 0, equal from half the ceiling", () => {
    expect(at(1, 0)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(at(1, 1)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(at(0.5, 0)).toEqual([50, 100, 200, 400, 500, 500]);
    expect(at(0.5, 0.5)).toEqual([75, 150, 300, 600, 750, 750]);
  });

  test("an endless streak sits at the cap, even from a base of 0", () => {
    expect(backoffDelay(Number.POSITIVE_INFINITY, { baseMs: 0, maxMs: 700, jitter: 0 })).toBe(700);
    expect(backoffDelay(1_100, { baseMs: 20, maxMs: 700, jitter: 0 })).toBe(700);
  });
});

/** A function failing `failures` times with `error`, recording when each try started. */
function flaky(failures: number, error: unknown = new Error("down")) {
  const tries: number[] = [];
  const fn = async (_n: number, left: number | undefined) => {
    tries.push(left ?? -1);
    if (tries.length <= failures) throw error;
    return "ok";
  };
  return { fn, tries };
}

const quick: RetryPolicy = {
  retries: 3,
  backoff: { baseMs: 1, maxMs: 4, jitter: 0 },
  retryable: () => true,
};

describe("retrying", () => {
  test("tries again until the call succeeds", async () => {
    const { fn, tries } = flaky(2);
    expect(await retrying(fn, quick)).toBe("ok");
    expect(tries).toHaveLength(3);
  });

  test("gives up after `retries` more tries and throws the last failure as it was", async () => {
    const down = new Error("still down");
    const { fn, tries } = flaky(10, down);
    expect(await retrying(fn, { ...quick, retries: 2 }).catch((e) => e)).toBe(down);
    expect(tries).toHaveLength(3);
  });

  test("a failure the policy does not call retryable is thrown after one try", async () => {
    const { fn, tries } = flaky(1, new Error("SEAT_UNAVAILABLE"));
    const error = await retrying(fn, {
      ...quick,
      retryable: (e) => (e as Error).message !== "SEAT_UNAVAILABLE",
    }).catch((e) => e);
    expect((error as Error).message).toBe("SEAT_UNAVAILABLE");
    expect(tries).toHaveLength(1);
  });

  test("no retry once the caller has gone", async () => {
    const gone = new AbortController();
    gone.abort();
    const { fn, tries } = flaky(1);
    await retrying(fn, { ...quick, signal: gone.signal }).catch(() => undefined);
    expect(tries).toHaveLength(1);
  });

  test("waits out the backoff between tries", async () => {
    const { fn } = flaky(2);
    const started = performance.now();
    await retrying(fn, { ...quick, backoff: { baseMs: 30, maxMs: 1_000, jitter: 0 } });
    // 30 ms, then 60 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(85);
  });

  test("stays within the caller's deadline: no retry whose pause leaves less than minTryMs", async () => {
    const deadline = Date.now() + 100;
    const { fn, tries } = flaky(10);
    const started = performance.now();
    await retrying(fn, {
      retries: 10,
      backoff: { baseMs: 40, maxMs: 1_000, jitter: 0 },
      retryable: () => true,
      leftMs: () => deadline - Date.now(),
      minTryMs: 10,
    }).catch(() => undefined);
    // Tries at 0 and 40 ms; a pause of 80 ms more would leave nothing of the 100 ms.
    expect(tries).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(95);
    // Each try is told what is left of the budget.
    expect(tries[0]).toBeGreaterThan(90);
    expect(tries[1]).toBeLessThanOrEqual(61);
  });
});

describe("retryingAgain", () => {
  test("after a first try the caller made, waits the first pause, then retries under the policy", async () => {
    const started = performance.now();
    const times: number[] = [];
    const answer = await retryingAgain(
      async (n) => {
        times.push(performance.now() - started);
        if (n < 1) throw new Error("not yet");
        return "done";
      },
      { retries: 2, backoff: { baseMs: 50, maxMs: 50, jitter: 0 }, retryable: () => true },
    );
    expect(answer).toBe("done");
    expect(times).toHaveLength(2);
    expect(times[0]).toBeGreaterThanOrEqual(45);
    expect(times[1]).toBeGreaterThanOrEqual(90);
  });
});
