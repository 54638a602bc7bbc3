/**
 * The drop's expiry checks and the grace they allow (pure, like store-check.ts). An unpaid hold
 * must be released by its expiry + grace. The base grace covers the ordinary path: the timer's
 * message, the worker's call, the release, the sweeper's slack. A killed worker may take a hold's
 * expiry message down with it; the message then waits out the worker's visibility timeout before
 * another worker gets it, once for every kill that catches it. A kill catches a message it had
 * received, and also one that becomes visible while the killed worker's long poll is still open:
 * the queue hands it to a receive whose caller is gone (a chaos drop saw a hold released 5.4 s
 * late behind a worker killed 5 ms before its expiry). So each worker kill from one long poll
 * before a hold's expiry to the moment it was seen released adds one visibility timeout to that
 * hold's grace, and nothing else does: an earlier kill or one after the release could not have
 * held its timer, and a hold no kill overlapped keeps the base grace.
 */
import type { ReservationRow, StaleSighting, StoreSnapshot } from "./store-rows.ts";

/** When the worker was killed (epoch ms), its visibility timeout (what one kill costs), its long poll's wait. */
export interface WorkerKills {
  at: number[];
  visibilityMs: number;
  pollMs: number;
}

/** The rule's inputs: the base grace and, in a chaos drop, the worker's kills. */
export interface ExpiryGrace {
  baseMs: number;
  workerKills?: WorkerKills;
}

/** The grace one hold got, and how many worker kills it counted. */
export interface AppliedGrace {
  ms: number;
  kills: number;
}

/** The grace of a hold that expired at `expiredAt` and was (last) seen unreleased at `releasedAt`. */
export function graceFor(rule: ExpiryGrace, expiredAt: number, releasedAt: number): AppliedGrace {
  const k = rule.workerKills;
  const kills = k?.at.filter((t) => t >= expiredAt - k.pollMs && t <= releasedAt).length ?? 0;
  return { ms: rule.baseMs + kills * (k?.visibilityMs ?? 0), kills };
}

const sec = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** How a finding names the grace it was judged by: "grace 5 s", "grace 15 s: 5 s + 2 worker kills × 5 s". */
export function graceText(rule: ExpiryGrace, applied: AppliedGrace): string {
  if (applied.kills === 0) return `grace ${sec(applied.ms)}`;
  const kills = applied.kills === 1 ? "1 worker kill" : `${applied.kills} worker kills`;
  return `grace ${sec(applied.ms)}: ${sec(rule.baseMs)} + ${kills} × ${sec(rule.workerKills?.visibilityMs ?? 0)}`;
}

/** The rule in words, for the report. */
export function graceRule(rule: ExpiryGrace): string {
  const base = `${sec(rule.baseMs)} past a hold's expiry`;
  if (!rule.workerKills) return base;
  const k = rule.workerKills;
  return `${base}, plus ${sec(k.visibilityMs)} (the worker's visibility timeout) for each of the ${k.at.length} worker kills that fell from one long poll (${sec(k.pollMs)}) before the hold's expiry to its release`;
}

/** What the three expiry checks found, and how much extra grace they handed out. */
export interface ExpiryFindings {
  /** Seats (and HOLD reservations) still HELD past their grace, at the end or during the drop. */
  stale: string[];
  /** Expired holds released later than their grace. */
  slow: string[];
  /** HOLD reservations left past their grace at the end. */
  lingering: string[];
  /** Holds (seats and reservations) judged with more than the base grace: a worker kill overlapped them. */
  extended: number;
  /** The largest grace applied (ms). */
  maxGraceMs: number;
}

/** Runs the expiry checks over a snapshot and the watcher's sightings. */
export function expiryFindings(
  snap: StoreSnapshot,
  rule: ExpiryGrace,
  sightings: StaleSighting[] = [],
): ExpiryFindings {
  const found: ExpiryFindings = { stale: [], slow: [], lingering: [], extended: 0, maxGraceMs: rule.baseMs };
  const extended = new Set<string>();
  // Judges hold `id` that expired at `expiredAt`, seen unreleased `lateMs` after it, released (or
  // last looked at) at `releasedAt`: the text of the finding when it is late, else undefined.
  const judge = (
    id: string,
    expiredAt: number,
    lateMs: number,
    releasedAt: number,
    what: (g: string) => string,
  ) => {
    const applied = graceFor(rule, expiredAt, releasedAt);
    if (applied.kills > 0) extended.add(id);
    found.maxGraceMs = Math.max(found.maxGraceMs, applied.ms);
    return lateMs > applied.ms ? what(graceText(rule, applied)) : undefined;
  };
  const push = (list: string[], text: string | undefined) => text && list.push(text);
  const reservations = new Map(snap.reservations.map((r) => [r.reservationId, r]));
  const { takenAt } = snap;

  for (const s of snap.seats) {
    if (s.status !== "HELD" || s.holdExpiresAt === undefined) continue;
    // A holder with no reservation is an orphan hold (the reservation was never stored), so no
    // expiry timer exists for it: only the store's expiry condition keeps the seat sellable.
    const orphan = s.holder && !reservations.has(s.holder) ? " (orphan: no reservation)" : "";
    const late = takenAt - s.holdExpiresAt;
    push(
      found.stale,
      judge(
        s.seatId,
        s.holdExpiresAt,
        late,
        takenAt,
        (g) => `${s.seatId} HELD by ${s.holder}${orphan} ${late} ms past its hold (${g})`,
      ),
    );
  }
  const held = snap.reservations.filter((r) => r.status === "HOLD");
  const heldLate = (r: ReservationRow, text: (late: number, g: string) => string) =>
    judge(r.reservationId, r.holdExpiresAt, takenAt - r.holdExpiresAt, takenAt, (g) =>
      text(takenAt - r.holdExpiresAt, g),
    );
  for (const r of held)
    push(
      found.stale,
      heldLate(r, (late, g) => `reservation ${r.reservationId} still HOLD ${late} ms past expiry (${g})`),
    );
  for (const s of sightings)
    push(
      found.stale,
      judge(
        s.seatId,
        s.at - s.lateMs,
        s.lateMs,
        s.releasedSeenAt ?? takenAt,
        (g) => `${s.seatId} seen HELD by ${s.holder} ${s.lateMs} ms past its hold during the drop (${g})`,
      ),
    );
  for (const h of snap.holds) {
    if (h.status !== "RELEASED" || h.releaseReason !== "EXPIRED") continue;
    const late = h.updatedAt - h.holdExpiresAt;
    push(
      found.slow,
      judge(
        h.reservationId,
        h.holdExpiresAt,
        late,
        h.updatedAt,
        (g) => `${h.reservationId} released ${late} ms after its hold expired (${g})`,
      ),
    );
  }
  // A HOLD reservation past its grace was never expired: its buyer can neither pay nor let go.
  for (const r of held)
    push(
      found.lingering,
      heldLate(
        r,
        (late, g) =>
          `${r.reservationId} (${r.userId}, seats ${r.seatIds.join(" ")}) HOLD ${late} ms past its expiry (${g})`,
      ),
    );
  found.extended = extended.size;
  return found;
}
