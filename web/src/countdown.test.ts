import { describe, expect, test } from "bun:test";
import { formatClock, remainingMs, startCountdown } from "./countdown.ts";

/** A hand-driven clock and timer queue, so a minute of countdown runs in microseconds. */
function fakeTime(startMs: number) {
  let now = startMs;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    now: () => now,
    schedule: (fn: () => void, ms: number) => {
      const id = ++nextId;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    cancel: (id: unknown) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    /** Moves the clock forward, firing due timers in order. */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (due === undefined || due.at > end) break;
        timers.shift();
        now = due.at;
        due.fn();
      }
      now = end;
    },
    pending: () => timers.length,
  };
}

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("remainingMs and formatClock", () => {
  test("count down to the expiry and never below zero", () => {
    expect(remainingMs(iso(T0 + 61_500), T0)).toBe(61_500);
    expect(remainingMs(iso(T0 - 5), T0)).toBe(0);
    expect(remainingMs(null, T0)).toBe(0);
    expect(remainingMs("not a date", T0)).toBe(0);
  });

  test("read as m:ss and show 0:01 until the very end", () => {
    expect(formatClock(61_500)).toBe("1:02");
    expect(formatClock(60_000)).toBe("1:00");
    expect(formatClock(9_000)).toBe("0:09");
    expect(formatClock(200)).toBe("0:01");
    expect(formatClock(0)).toBe("0:00");
  });
});

describe("startCountdown", () => {
  test("ticks once per displayed second and expires exactly once", () => {
    const clock = fakeTime(T0);
    const shown: string[] = [];
    let expired = 0;
    startCountdown({
      expiresAt: iso(T0 + 3_400),
      onTick: (ms) => shown.push(formatClock(ms)),
      onExpire: () => expired++,
      ...clock,
    });
    clock.advance(10_000);
    expect(shown).toEqual(["0:04", "0:03", "0:02", "0:01", "0:00"]);
    expect(expired).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  test("follows the wall clock when the timer fires late (a throttled background tab)", () => {
    const clock = fakeTime(T0);
    const shown: string[] = [];
    startCountdown({
      expiresAt: iso(T0 + 30_000),
      onTick: (ms) => shown.push(formatClock(ms)),
      onExpire: () => undefined,
      now: clock.now,
      // Every timer fires 10 s late.
      schedule: (fn, ms) => clock.schedule(fn, ms + 10_000),
      cancel: clock.cancel,
    });
    clock.advance(12_000);
    expect(shown).toEqual(["0:30", "0:19"]);
  });

  test("an already expired hold expires at once", () => {
    const clock = fakeTime(T0);
    let expired = false;
    startCountdown({
      expiresAt: iso(T0 - 1),
      onTick: () => undefined,
      onExpire: () => (expired = true),
      ...clock,
    });
    expect(expired).toBe(true);
  });

  test("stopping it (page left) cancels further ticks and the expiry", () => {
    const clock = fakeTime(T0);
    let ticks = 0;
    let expired = false;
    const stop = startCountdown({
      expiresAt: iso(T0 + 5_000),
      onTick: () => ticks++,
      onExpire: () => (expired = true),
      ...clock,
    });
    clock.advance(1_500);
    stop();
    clock.advance(10_000);
    expect([ticks, expired]).toEqual([2, false]);
  });

  test("runs on real timers too", async () => {
    const shown: string[] = [];
    await new Promise<void>((resolve) =>
      startCountdown({
        expiresAt: new Date(Date.now() + 1_200).toISOString(),
        onTick: (ms) => shown.push(formatClock(ms)),
        onExpire: resolve,
      }),
    );
    expect(shown).toEqual(["0:02", "0:01", "0:00"]);
  });
});
