import { countBelow, parseSeqs } from "./eta.ts";
import type { StreamId } from "./frames.ts";
import { type Sale, saleFromReply } from "./sale.ts";

// The queue's moves as the live queue reads them from an event's move stream, and the pure rules
// that say what a move means to one waiter; event-reader.redis.ts does the reading and the sending.

/** One queue move as read from the stream. */
export interface Move {
  id: string;
  /** `id` parsed once per move, so comparing it with every socket's position is cheap. */
  at: StreamId;
  admitted: number[];
  /** Dropped for silence. */
  removed: number[];
  /** Gave up their place. */
  left: number[];
  rate: number;
  served: number;
  /** The pre-queue opened with this move: places were drawn. */
  opened: boolean;
  /** The id of the line the move happened in ("" from a gateway older than line ids). */
  line: string;
  /** The line's sale state after the move (undefined from a gateway older than sale states). */
  sale: Sale | undefined;
}

/** Parses a stream id ("ms-seq"). */
export function parseStreamId(id: string): StreamId {
  const dash = id.indexOf("-");
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Whether a waiter would learn nothing new (the seats held matter only while sold out). */
export const sameSale = (a: Sale, b: Sale | undefined) =>
  b !== undefined && a.state === b.state && (a.state === "on_sale" || a.seatsHeld === b.seatsHeld);

/** Whether stream id `a` comes after `b`. */
export const after = (a: StreamId, b: StreamId) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** How many of the ascending `sorted` are below `seq`; the common case (all of them) costs one comparison. */
export const below = (sorted: readonly number[], seq: number) =>
  sorted.length === 0 ? 0 : seq > (sorted[sorted.length - 1] ?? 0) ? sorted.length : countBelow(sorted, seq);

/** Whether the ascending `sorted` holds `seq`. */
export const holds = (sorted: readonly number[], seq: number) =>
  sorted.length > 0 && seq <= (sorted[sorted.length - 1] ?? 0) && sorted.includes(seq);

/** One move from its stream entry's fields; a field an older gateway did not write keeps `last`. */
export function parseMove(id: string, fields: string[], last: { served: number; rate: number }): Move {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] ?? ""] = fields[i + 1] ?? "";
  return {
    id,
    at: parseStreamId(id),
    admitted: parseSeqs(f.a),
    removed: parseSeqs(f.r),
    left: parseSeqs(f.l),
    rate: Number(f.rate ?? last.rate),
    served: Number(f.served ?? last.served),
    opened: f.opened === "1",
    line: f.g ?? "",
    sale: f.sale === undefined ? undefined : saleFromReply(f.sale, f.held),
  };
}
