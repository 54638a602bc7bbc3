/**
 * Hot seats in one process: while a hold transaction for a seat is in flight, later holds that
 * want the same seat wait for its answer instead of sending their own transaction behind it.
 * That answer is DynamoDB's — the seat is now HELD by the winner, or was HELD or SOLD already
 * (the cancelled transaction returned the seat as it was) — and it is no older than the waiter's
 * own request, so a waiter refused on it is refused as certainly as by its own transaction,
 * which would have queued behind the same one. Winners are still made only by a transaction;
 * a waiter whose seats the answer does not show taken sends its own. Measured: 200 buyers
 * racing for 2 seats cost 200 transactions and ~1 s on DynamoDB Local before, 1 after.
 *
 * A precheck (the hold's certain refusals, asked before its caller arms the hold's timer) waits
 * the same way, and one that passes keeps its seats' lane for the hold that follows it: callers
 * that reach for the same seats in the same instant then wait for that hold's answer too, rather
 * than each passing, arming a timer and sending a hold of its own.
 */
import { SeatsUnavailableError } from "./errors.ts";
import { isFree, type Seat } from "./model.ts";
import type { HoldWrite, SeatStore, WriteResult } from "./ports.ts";

// How long a passed precheck keeps its seats' lane for the hold it announces. Its caller arms
// the timer and sends the hold at once, so the hold comes within a round trip; one that does not
// come by then (it went to another replica, or its caller died) lets the waiters go on.
const EXPECTED_HOLD_MS = 250;

// What a finished transaction taught about its seats (empty when it taught nothing certain).
type Lesson = Map<string, Seat>;
// Who asks for which seats.
type Asking = Pick<HoldWrite, "event" | "seatIds" | "reservationId" | "userId">;
// A seat's lane: the hold in flight on it (or announced by a precheck), and whose it is.
interface Lane {
  owner: string;
  lesson: Promise<Lesson>;
}

/** Holds through `store`, coalescing concurrent holds of the same seats (see the file comment). */
export class SeatLanes {
  private readonly lanes = new Map<string, Lane>();
  // The holds announced by a passed precheck, by reservation: given the hold's answer when it comes.
  private readonly announced = new Map<string, (lesson: Promise<Lesson>) => void>();

  constructor(
    private readonly store: Pick<SeatStore, "hold">,
    private readonly clock: () => number,
  ) {}

  async hold(w: HoldWrite): Promise<WriteResult> {
    // Checked without a pause when nothing is ahead, so this hold is in flight before the next
    // caller of the same turn looks.
    const ahead = this.ahead(w);
    if (ahead) this.refuseTaken(w, await ahead);
    const attempt = this.store.hold(w);
    const lesson = attempt.then(
      (result) => lessonOf(w.event.eventId, result.changed),
      (error) =>
        error instanceof SeatsUnavailableError ? lessonOf(w.event.eventId, error.seats) : new Map(),
    );
    const release = this.occupy(w, lesson);
    this.announced.get(w.reservationId)?.(lesson);
    try {
      return await attempt;
    } finally {
      release();
    }
  }

  /**
   * The hold's certain refusals from the lanes: waits for the holds in flight on any of these
   * seats and throws if their answers show one taken. One that passes announces its hold.
   */
  async precheck(w: Asking): Promise<void> {
    const ahead = this.ahead(w);
    if (ahead) this.refuseTaken(w, await ahead);
    this.announce(w);
  }

  // Keeps the seats' lanes until the announced hold comes (its answer is then the lanes'), or for
  // EXPECTED_HOLD_MS at most (an empty answer: nothing certain, waiters go on).
  // A precheck sent again (its call retried) first settles its earlier announcement, whose
  // waiters would otherwise wait on an answer nobody gives.
  private announce(w: Asking): void {
    this.announced.get(w.reservationId)?.(Promise.resolve(new Map()));
    const answer = Promise.withResolvers<Lesson>();
    const release = this.occupy(w, answer.promise);
    const settle = (lesson: Promise<Lesson>) => {
      clearTimeout(timer);
      if (this.announced.get(w.reservationId) === settle) this.announced.delete(w.reservationId);
      answer.resolve(lesson);
      void lesson.finally(release);
    };
    const timer = setTimeout(() => settle(Promise.resolve(new Map())), EXPECTED_HOLD_MS);
    timer.unref?.();
    this.announced.set(w.reservationId, settle);
  }

  // Puts `lesson` in the lanes of w's seats; the returned function clears those still holding it.
  private occupy(w: Asking, lesson: Promise<Lesson>): () => void {
    const lane: Lane = { owner: w.reservationId, lesson };
    const keys = w.seatIds.map((id) => `${w.event.eventId}/${id}`);
    for (const k of keys) this.lanes.set(k, lane);
    return () => {
      for (const k of keys) if (this.lanes.get(k) === lane) this.lanes.delete(k);
    };
  }

  // The answers of the others' holds in flight on any of these seats, if there are any.
  private ahead(w: Asking): Promise<Lesson[]> | undefined {
    const ahead = new Set<Promise<Lesson>>();
    for (const id of w.seatIds) {
      const lane = this.lanes.get(`${w.event.eventId}/${id}`);
      if (lane && lane.owner !== w.reservationId) ahead.add(lane.lesson);
    }
    return ahead.size > 0 ? Promise.all(ahead) : undefined;
  }

  private refuseTaken(w: Asking, lessons: Lesson[]): void {
    const now = this.clock();
    const taken: Seat[] = [];
    for (const seatId of w.seatIds) {
      const key = `${w.event.eventId}/${seatId}`;
      const seat = lessons.find((l) => l.has(key))?.get(key);
      if (seat && seat.holder !== w.reservationId && !isFree(seat, now)) taken.push(seat);
    }
    if (taken.length === 0) return;
    throw new SeatsUnavailableError(
      taken.map((s) => s.seatId),
      taken,
      w.userId,
    );
  }
}

function lessonOf(eventId: string, seats: Seat[]): Lesson {
  return new Map(seats.map((s) => [`${eventId}/${s.seatId}`, s]));
}
