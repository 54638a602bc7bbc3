/** Milliseconds left until `expiresAt` (ISO), never negative; an unreadable date counts as expired. */
export function remainingMs(expiresAt: string | null, nowMs: number): number {
  const end = expiresAt === null ? Number.NaN : Date.parse(expiresAt);
  return Number.isNaN(end) ? 0 : Math.max(0, end - nowMs);
}

/**
 * `m:ss`, rounding up: a hold with 200 ms left still reads 0:01, so the clock never shows 0:00
 * while the seats are still held.
 */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** The last seconds are shown as urgent. */
export const URGENT_BELOW_MS = 15_000;

/** Options of {@link startCountdown}; the clock and timer are injectable for tests. */
export interface CountdownOptions {
  expiresAt: string | null;
  onTick: (remainingMs: number) => void;
  onExpire: () => void;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

/**
 * Calls `onTick` at each whole-second boundary of the remaining time and `onExpire` once when it
 * reaches zero. It re-reads the clock on every tick instead of counting ticks, because timers in
 * background tabs are throttled and a counted countdown would drift behind the real expiry.
 * Returns a function that stops it.
 */
export function startCountdown(options: CountdownOptions): () => void {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = options.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let handle: unknown;
  let stopped = false;

  const tick = () => {
    if (stopped) return;
    const left = remainingMs(options.expiresAt, now());
    options.onTick(left);
    if (left <= 0) {
      stopped = true;
      options.onExpire();
      return;
    }
    // Wake just after the displayed second changes (formatClock rounds up).
    const untilNextSecond = left % 1000 === 0 ? 1000 : left % 1000;
    handle = schedule(tick, untilNextSecond + 5);
  };
  tick();
  return () => {
    stopped = true;
    if (handle !== undefined) cancel(handle);
  };
}
