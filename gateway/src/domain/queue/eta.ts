/** Seconds until a waiter at `position` is admitted at `ratePerSec`; null when nobody is being admitted. */
export function etaSeconds(position: number, ratePerSec: number): number | null {
  if (position <= 0) return 0;
  if (!(ratePerSec > 0)) return null;
  return Math.ceil(position / ratePerSec);
}

/**
 * Least time between two position frames to a waiter: the base interval, or a twentieth of its
 * wait when that is longer, up to five intervals — a buyer minutes away needs no frame a second.
 */
export function positionPaceMs(position: number, ratePerSec: number, everyMs: number): number {
  const waitMs = (etaSeconds(position, ratePerSec) ?? 0) * 1000;
  return Math.min(5 * everyMs, Math.max(everyMs, waitMs / 20));
}

/** How many of the ascending `sorted` numbers are below `value` (binary search). */
export function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Parses a move's comma-separated arrival numbers into an ascending list. */
export function parseSeqs(csv: string | undefined): number[] {
  if (!csv) return [];
  return csv
    .split(",")
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
}
