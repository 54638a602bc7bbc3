import { expect, test } from "bun:test";
import { bulkhead } from "../src/bulkhead.ts";
import { remainingMs, withDeadline } from "../src/connect/deadline.ts";
import { AppError } from "../src/errors.ts";

const gate = () => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

test("at most maxInFlight run, maxQueued wait, and the rest are refused at once with OVERLOADED", async () => {
  let rejected = 0;
  const limit = bulkhead("inventory", { maxInFlight: 2, maxQueued: 1, onReject: () => rejected++ });
  const g = gate();
  let running = 0;
  let most = 0;
  const work = () =>
    limit(async () => {
      running += 1;
      most = Math.max(most, running);
      await g.opened;
      running -= 1;
      return "done";
    });
  const calls = [work(), work(), work()];
  const refused = await work().catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(AppError);
  expect((refused as AppError).code).toBe("OVERLOADED");
  expect((refused as AppError).retryAfterSec).toBe(1);
  expect(rejected).toBe(1);
  g.open();
  expect(await Promise.all(calls)).toEqual(["done", "done", "done"]);
  expect(most).toBe(2);
});

test("a queued call starts in its own caller's context, and not at all once that caller's deadline passed", async () => {
  const limit = bulkhead("payment", { maxInFlight: 1, maxQueued: 2 });
  const g = gate();
  const first = limit(() => g.opened);
  let started = 0;
  const seen: Array<number | undefined> = [];
  const patient = withDeadline({ at: Date.now() + 10_000 }, () =>
    limit(async () => {
      started += 1;
      seen.push(remainingMs());
    }),
  );
  const hasty = withDeadline({ at: Date.now() + 20 }, () =>
    limit(async () => {
      started += 1;
    }),
  );
  await Bun.sleep(50);
  g.open();
  await first;
  await patient;
  const late = await hasty.catch((e: unknown) => e);
  expect((late as AppError).code).toBe("UPSTREAM_TIMEOUT");
  expect(started).toBe(1);
  // The budget seen is the patient caller's (~10 s), not the first call's (none).
  expect(seen[0]).toBeGreaterThan(9_000);
});

test("an adaptive line is long while the dependency is fast and short once it is slow", async () => {
  const limit = bulkhead("reservation", {
    maxInFlight: 8,
    maxQueued: 1000,
    adaptive: { minInFlight: 2, targetMs: 20 },
  });
  // Fast: a burst of 8 in flight + 16 waiting (two per slot) is served whole.
  const burst = await Promise.all(Array.from({ length: 24 }, () => limit(() => Bun.sleep(2).then(() => 1))));
  expect(burst.reduce((a, b) => a + b, 0)).toBe(24);
  // Slow answers shrink the limit, and the line with it: the same burst is partly refused.
  for (let i = 0; i < 12; i++) await Promise.all(Array.from({ length: 8 }, () => limit(() => Bun.sleep(40))));
  const refused = await Promise.all(
    Array.from({ length: 24 }, () => limit(() => Bun.sleep(2).then(() => 0)).catch(() => 1)),
  );
  expect(refused.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});

test("an adaptive bulkhead lets fewer calls through while answers are slow, and more once they are fast", async () => {
  const limit = bulkhead("payment", {
    maxInFlight: 64,
    maxQueued: 0,
    adaptive: { minInFlight: 2, targetMs: 20 },
  });
  // How many of `n` concurrent calls are let through (the rest are refused at once).
  const admitted = async (n: number, ms: number) => {
    const answers = await Promise.all(
      Array.from({ length: n }, () => limit(() => Bun.sleep(ms).then(() => 1)).catch(() => 0)),
    );
    return answers.reduce((a: number, b: number) => a + b, 0);
  };
  const before = await admitted(64, 1);
  for (let i = 0; i < 12; i++) await admitted(64, 40); // slow answers, once per decrease period
  const slow = await admitted(64, 1);
  expect(slow).toBeLessThan(before);
  for (let i = 0; i < 60; i++) await admitted(8, 1); // fast answers again
  expect(await admitted(64, 1)).toBeGreaterThan(slow);
});
