/**
 * The ids and limits every service, the gateway's schemas and the web app agree on
 * (docs/spec.md, "Conventions"). Plain values with no imports, so the browser bundle can take
 * them too (`@tt/kit/limits`).
 */

/** An event id without its anchors, for patterns that embed one (a waiting token starts with it). */
export const EVENT_ID_BODY = "evt_[A-Za-z0-9_-]{1,60}";
/** An event id: `evt_` and 1–60 letters, digits, `_` or `-` (`evt_2025_1001`), as a JSON-schema pattern. */
export const EVENT_ID_PATTERN = `^${EVENT_ID_BODY}$`;
const EVENT_ID = new RegExp(EVENT_ID_PATTERN);

/** Whether `id` has an event id's shape (whether the event exists is another question). */
export const isEventId = (id: string): boolean => EVENT_ID.test(id);

/**
 * The most seats one reservation may ever hold, whatever MAX_SEATS_PER_RESERVATION says: a hold
 * is one DynamoDB transaction of its seats plus the hold record, and a transaction takes at most
 * 100 items.
 */
export const MAX_SEATS_PER_RESERVATION = 99;

/** MAX_SEATS_PER_RESERVATION's default: what a buyer may pick unless the platform is set otherwise. */
export const DEFAULT_SEATS_PER_RESERVATION = 10;
