/** A buyer's place in one event's line, as remembered across reloads. */
export interface StoredPlace {
  eventId: string;
  userId: string;
  waitingToken: string;
  /** Highest position seen, the baseline of the progress bar (null until one is known). */
  firstPosition: number | null;
  joinedAt: number;
}

/** The slice of the Web Storage API the store needs (tests pass a Map-backed one). */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

const key = (eventId: string, userId: string) => `tt.place.${userId}.${eventId}`;

/**
 * Remembers waiting tokens per (user, event) in localStorage, so a reload, a closed tab or a
 * crashed browser comes back to the same place rather than the back of the line. The gateway's
 * join is idempotent per signed-in user as well; this saves the round trip and keeps the
 * progress baseline.
 */
export class PlaceStore {
  constructor(private readonly storage: KeyValueStorage) {}

  /** The remembered place, or undefined (also for unreadable entries). */
  get(eventId: string, userId: string): StoredPlace | undefined {
    try {
      const raw = this.storage.getItem(key(eventId, userId));
      if (raw === null) return undefined;
      const place = JSON.parse(raw) as StoredPlace;
      return typeof place.waitingToken === "string" ? place : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers a place (overwrites). */
  save(place: StoredPlace): void {
    try {
      this.storage.setItem(key(place.eventId, place.userId), JSON.stringify(place));
    } catch {
      // Private mode or a full quota: the page still works, it just forgets on reload.
    }
  }

  /** Raises the progress baseline when a higher position shows up (e.g. a pre-queue draw). */
  notePosition(place: StoredPlace, position: number | null): StoredPlace {
    if (position === null || (place.firstPosition !== null && place.firstPosition >= position)) return place;
    const next = { ...place, firstPosition: position };
    this.save(next);
    return next;
  }

  /** Forgets a place (left, expired, or finished with an order). */
  clear(eventId: string, userId: string): void {
    try {
      this.storage.removeItem(key(eventId, userId));
    } catch {
      // Nothing to do: see save().
    }
  }
}

/** Share of the line already behind the buyer, 0..1, from the first and current positions. */
export function queueProgress(firstPosition: number | null, position: number | null): number {
  if (position === null) return 0;
  if (firstPosition === null || firstPosition <= 1) return position <= 1 ? 1 : 0;
  return Math.min(1, Math.max(0, (firstPosition - position) / (firstPosition - 1)));
}
