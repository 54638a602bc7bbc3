/** Events: creation from a compact seat-map description, and a lookup cache for the hot path. */
import { AppError } from "@tt/kit";
import { eventFound, InvalidInputError } from "./errors.ts";
import { totalSeats } from "./layout.ts";
import type { EventInfo, QueueSettings, QueueSettingsChange, Section } from "./model.ts";
import type { Clock, EventStore } from "./ports.ts";
import { checkEventId } from "./validate.ts";

/** An event as an organiser describes it; the storage layout (shards) is chosen here. */
export type NewEvent = Omit<EventInfo, "seatShards">;

const SECTION_ID = /^[A-Za-z0-9]{1,16}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_SEATS_PER_EVENT = 200_000;
const MAX_DIMENSION = 999;
// Events never change once created, so a found event may be cached for long; a miss is cached
// briefly so that a storm of requests for an unknown id costs one store read per second.
const FOUND_TTL_MS = 60_000;
const MISSING_TTL_MS = 1_000;

function checkSection(s: Section, seen: Set<string>): void {
  const field = `sections[${s.sectionId || "?"}]`;
  if (!SECTION_ID.test(s.sectionId))
    throw new InvalidInputError(field, "section_id must be 1-16 letters or digits");
  if (seen.has(s.sectionId)) throw new InvalidInputError(field, "section_id is listed twice");
  seen.add(s.sectionId);
  for (const [name, v] of [
    ["rows", s.rows],
    ["seats_per_row", s.seatsPerRow],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_DIMENSION) {
      throw new InvalidInputError(field, `${name} must be 1-${MAX_DIMENSION}`);
    }
  }
  if (s.price < 0n) throw new InvalidInputError(field, "price must not be negative");
  // A JSON number carries whole numbers exactly up to 2^53 - 1; under it, even a hold of every seat
  // a reservation may take adds up within int64 (a price of 2^63 answered 500 before).
  if (s.price > MAX_PRICE) throw new InvalidInputError(field, `price must be at most ${MAX_PRICE}`);
}

/** The latest time an event may name: 9999-12-31T23:59:59.999Z, the end of a protobuf Timestamp's range. */
const LATEST_TIME_MS = 253_402_300_799_999;

/** The highest price of a seat, in the currency's minor unit (Number.MAX_SAFE_INTEGER). */
export const MAX_PRICE = 9_007_199_254_740_991n;

/** Checks a new event's description; every problem names its field. */
export function checkNewEvent(e: NewEvent): void {
  checkEventId(e.eventId);
  if (!e.name.trim()) throw new InvalidInputError("name", "is required");
  if (!CURRENCY.test(e.currency))
    throw new InvalidInputError("currency", "must be an ISO 4217 code like KRW");
  if (Number.isNaN(e.saleOpensAt.getTime()) || Number.isNaN(e.saleClosesAt.getTime())) {
    throw new InvalidInputError("sale_opens_at", "sale window is required");
  }
  // A time the wire cannot carry back (a protobuf Timestamp spans years 1–9999) would be stored
  // and then break every listing of events: the fuzzer's year-10000 event made ListEvents 500.
  for (const [field, at] of [
    ["starts_at", e.startsAt],
    ["sale_opens_at", e.saleOpensAt],
    ["sale_closes_at", e.saleClosesAt],
  ] as const) {
    const ms = at.getTime();
    if (!(ms >= 0 && ms <= LATEST_TIME_MS))
      throw new InvalidInputError(field, "must be a time from 1970 to 9999");
  }
  if (e.saleClosesAt <= e.saleOpensAt)
    throw new InvalidInputError("sale_closes_at", "must be after sale_opens_at");
  if (e.sections.length === 0) throw new InvalidInputError("sections", "must list at least one section");
  const seen = new Set<string>();
  for (const s of e.sections) checkSection(s, seen);
  if (totalSeats({ ...e, seatShards: 1 }) > MAX_SEATS_PER_EVENT) {
    throw new InvalidInputError("sections", `at most ${MAX_SEATS_PER_EVENT} seats per event`);
  }
}

// The same bounds as the gateway's admin API (docs/spec.md, "Admin").
const MAX_ADMIT_RATE = 100_000;
// The slowest line that is not stopped: one admission in 1,000 s. Below it a rate is no rate, and
// DynamoDB cannot even store one under 1e-130 (1e-320 answered 500 to the fuzzer).
const MIN_ADMIT_RATE = 0.001;
const MAX_ADMIT_CAP = 1_000_000;
const MAX_CHALLENGE_DIFFICULTY = 28;

/** Checks a change of queue settings; every problem names its field. */
export function checkQueueSettingsChange(change: QueueSettingsChange): void {
  const { rate, cap, opensAt } = change;
  if (
    rate !== undefined &&
    !(Number.isFinite(rate) && (rate === 0 || (rate >= MIN_ADMIT_RATE && rate <= MAX_ADMIT_RATE)))
  ) {
    throw new InvalidInputError(
      "rate",
      `must be 0, or ${MIN_ADMIT_RATE}-${MAX_ADMIT_RATE} admissions per second`,
    );
  }
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1 && cap <= MAX_ADMIT_CAP)) {
    throw new InvalidInputError("cap", `must be a whole number 1-${MAX_ADMIT_CAP}`);
  }
  if (opensAt !== undefined && opensAt !== null && !(Number.isFinite(opensAt) && opensAt > 0)) {
    throw new InvalidInputError("opens_at", "must be a time");
  }
  const auto = change.auto;
  const inRange = (r: number) => Number.isFinite(r) && r >= 1 && r <= MAX_ADMIT_RATE;
  if (auto && !(inRange(auto.min) && inRange(auto.max) && auto.min <= auto.max)) {
    throw new InvalidInputError(
      "auto",
      `bounds must be 1-${MAX_ADMIT_RATE} admissions per second, min ≤ max`,
    );
  }
  const pow = change.challengeDifficulty;
  if (pow !== undefined && !(Number.isInteger(pow) && pow >= 0 && pow <= MAX_CHALLENGE_DIFFICULTY)) {
    throw new InvalidInputError(
      "challenge_difficulty",
      `must be a whole number 0-${MAX_CHALLENGE_DIFFICULTY}`,
    );
  }
}

/** The organiser-visible definition, for comparing a repeated create with the stored event. */
function definition(e: NewEvent): string {
  return JSON.stringify([
    e.eventId,
    e.name,
    e.venue,
    e.startsAt.getTime(),
    e.saleOpensAt.getTime(),
    e.saleClosesAt.getTime(),
    e.currency,
    e.sections.map((s) => [s.sectionId, s.name, String(s.price), s.rows, s.seatsPerRow]),
  ]);
}

/** Creates, finds and lists events; lookups on the hot path are served from memory. */
export class EventCatalog {
  private readonly cache = new Map<string, { event: EventInfo | undefined; until: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly seatShards: number,
  ) {}

  /** The event, or EventNotFoundError. */
  async require(eventId: string): Promise<EventInfo> {
    checkEventId(eventId);
    const now = this.clock();
    const hit = this.cache.get(eventId);
    let event = hit && hit.until > now ? hit.event : undefined;
    if (!hit || hit.until <= now) {
      event = await this.store.get(eventId);
      this.cache.set(eventId, { event, until: now + (event ? FOUND_TTL_MS : MISSING_TTL_MS) });
    }
    return eventFound(eventId, event);
  }

  /** Creates the event with every seat AVAILABLE; repeating the same create returns the same event. */
  async create(input: NewEvent): Promise<{ event: EventInfo; created: boolean }> {
    checkNewEvent(input);
    const result = await this.store.create({ ...input, seatShards: this.seatShards });
    if (!result.created && definition(result.event) !== definition(input)) {
      throw new AppError("IDEMPOTENCY_CONFLICT", `Event ${input.eventId} exists with a different definition`);
    }
    this.cache.set(input.eventId, { event: result.event, until: this.clock() + FOUND_TTL_MS });
    return result;
  }

  /** The event's queue settings as stored with it (never cached: the gateway caches), or EventNotFoundError. */
  async queueSettings(eventId: string): Promise<QueueSettings> {
    checkEventId(eventId);
    return eventFound(eventId, await this.store.queueSettings(eventId));
  }

  /** Changes some of the event's queue settings durably; returns all of them, with the new version. */
  async updateQueueSettings(eventId: string, change: QueueSettingsChange): Promise<QueueSettings> {
    checkEventId(eventId);
    checkQueueSettingsChange(change);
    return eventFound(eventId, await this.store.updateQueueSettings(eventId, change));
  }

  /** Events by start time, a page at a time. */
  list(pageSize: number, pageToken?: string) {
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 100) {
      throw new InvalidInputError("page_size", "must be 0-100 (0 means 20)");
    }
    return this.store.list(pageSize || 20, pageToken || undefined);
  }
}
