import { t } from "elysia";

// The answers of the public event routes (docs/spec.md, "REST API"); times are ISO 8601 or null.

const Time = t.Union([t.String({ format: "date-time" }), t.Null()]);

/** One priced section of a venue. */
export const Section = t.Object({
  section_id: t.String(),
  name: t.String(),
  price: t.Number({ description: "In the event's currency, minor units as the currency has them" }),
  rows: t.Integer(),
  seats_per_row: t.Integer(),
});
/** One priced section of a venue. */
export type Section = typeof Section.static;

const eventFields = {
  event_id: t.String(),
  name: t.String(),
  venue: t.String(),
  starts_at: Time,
  sale_opens_at: Time,
  sale_closes_at: Time,
  currency: t.String(),
  total_seats: t.Integer(),
  sections: t.Array(Section),
};

/** `GET /events/{id}`: an event with its sections and prices. */
export const EventDetail = t.Object(eventFields);
/** `GET /events/{id}`: an event with its sections and prices. */
export type EventDetail = typeof EventDetail.static;

/** `GET /events`: events on sale or coming up, each with its seats still available. */
export const EventList = t.Object({
  events: t.Array(t.Object({ ...eventFields, available_seats: t.Integer() })),
});
/** `GET /events`. */
export type EventList = typeof EventList.static;

/** What one seat is doing right now. */
export const SeatStatus = t.UnionEnum(["AVAILABLE", "HELD", "SOLD"]);
/** What one seat is doing right now. */
export type SeatStatus = typeof SeatStatus.static;

/** Per-section seat counts. */
export const SectionCount = t.Object({
  section_id: t.String(),
  total: t.Integer(),
  available: t.Integer(),
  held: t.Integer(),
  sold: t.Integer(),
});
/** Per-section seat counts. */
export type SectionCount = typeof SectionCount.static;

/** `GET /events/{id}/availability`: counts and the whole seat map (seat id → status). */
export const Availability = t.Object({
  event_id: t.String(),
  as_of: Time,
  sections: t.Array(SectionCount),
  seats: t.Record(t.String(), SeatStatus),
});
/** `GET /events/{id}/availability`. */
export type Availability = typeof Availability.static;
