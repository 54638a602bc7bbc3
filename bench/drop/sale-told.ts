/**
 * How fast the line told its buyers that nothing was left (issue #20: "from the moment no seat is
 * AVAILABLE to every waiting buyer knowing", goal under 5 s). The moment comes from the store
 * polls: it lies between the last poll that found a seat free and the first that found none, so
 * each lag is given as a range — from the later poll (at least) and from the earlier (at most).
 */
import type { BuyerRecord } from "./buyer.ts";

export interface SoldOutTold {
  /** Buyers in line (joined, not yet admitted) when no seat was left. */
  waiting: number;
  /** Of them, those told "sold out" or "closed" afterwards (frame, or answer to a status call). */
  told: number;
  /**
   * Of them, those let in before any "sold out" reached them: seats came back (or the store poll
   * saw the last seat go a moment before the line's own reading did), so there was nothing to tell.
   */
  admittedFirst: number;
  /** Lag of the slowest 5 % and of the slowest, in ms: at most (from the earlier poll) and at least. */
  p95Ms: { atMost: number; atLeast: number };
  maxMs: { atMost: number; atLeast: number };
}

const p95 = (sorted: number[]) => sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? 0;

/** The lags, or undefined when the drop never ran out of seats (or nobody was waiting then). */
export function soldOutTold(
  records: BuyerRecord[],
  freeAt: number | undefined,
  noneAt: number | undefined,
): SoldOutTold | undefined {
  if (freeAt === undefined || noneAt === undefined) return undefined;
  const waiting = records.filter(
    (r) =>
      r.joinedAt !== undefined &&
      r.joinedAt < noneAt &&
      !(r.admittedAt !== undefined && r.admittedAt <= noneAt),
  );
  if (waiting.length === 0) return undefined;
  const firstTold = (r: BuyerRecord) =>
    r.heard?.find(([at, sale]) => at >= freeAt && sale !== "on_sale")?.[0];
  const admittedFirst = waiting.filter((r) => {
    const told = firstTold(r);
    return r.admittedAt !== undefined && (told === undefined || r.admittedAt < told);
  }).length;
  const toldAt = waiting
    .map(firstTold)
    .filter((at): at is number => at !== undefined)
    .sort((a, b) => a - b);
  const atMost = toldAt.map((at) => at - freeAt);
  const atLeast = toldAt.map((at) => Math.max(0, at - noneAt));
  return {
    waiting: waiting.length,
    told: toldAt.length,
    admittedFirst,
    p95Ms: { atMost: p95(atMost), atLeast: p95(atLeast) },
    maxMs: { atMost: atMost.at(-1) ?? 0, atLeast: atLeast.at(-1) ?? 0 },
  };
}

/** The report's sentence. */
export function soldOutToldSentence(t: SoldOutTold, operator: boolean): string {
  const s = (ms: { atMost: number; atLeast: number }) =>
    `${(ms.atLeast / 1000).toFixed(1)}–${(ms.atMost / 1000).toFixed(1)} s`;
  return (
    `Sold out told: **${t.told} of ${t.waiting}** buyers in line when no seat was left heard it` +
    (t.admittedFirst > 0 ? ` (${t.admittedFirst} were let in first: seats had come back)` : "") +
    "; the slowest 5 % " +
    `within ${s(t.p95Ms)}, the slowest within **${s(t.maxMs)}** of that moment` +
    ` (the range: the store polls around it)${operator ? "; the simulator's operator was on" : ""}.`
  );
}
