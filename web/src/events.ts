import { type ApiFetchOptions, apiFetch } from "./api.ts";

/** What the events page needs from one event; everything but id and name is optional. */
export interface EventSummary {
  eventId: string;
  name: string;
  venue: string | undefined;
  startsAt: string | undefined;
  saleOpensAt: string | undefined;
  saleClosesAt: string | undefined;
  /** Seats still available, when the gateway reports a count. */
  availableSeats: number | undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function optionalCount(...values: unknown[]): number | undefined {
  return values.find((v): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0);
}

function toSummary(raw: unknown): EventSummary | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  const eventId = optionalString(e.event_id) ?? optionalString(e.id);
  if (eventId === undefined) return undefined;
  return {
    eventId,
    name: optionalString(e.name) ?? "Untitled event",
    venue: optionalString(e.venue),
    startsAt: optionalString(e.starts_at),
    saleOpensAt: optionalString(e.sale_opens_at),
    saleClosesAt: optionalString(e.sale_closes_at),
    availableSeats: optionalCount(e.available_seats, e.available),
  };
}

/**
 * Accepts either a bare array or `{events: [...]}` and keeps only entries with an id, so a
 * contract drift in the gateway degrades to fewer cards rather than a crashed page.
 */
export function normalizeEvents(body: unknown): EventSummary[] {
  const list = Array.isArray(body)
    ? body
    : typeof body === "object" && body !== null && Array.isArray((body as { events?: unknown }).events)
      ? (body as { events: unknown[] }).events
      : [];
  return list.map(toSummary).filter((e): e is EventSummary => e !== undefined);
}

/** Loads the public event list from `GET /api/v1/events`. */
export async function fetchEvents(options: ApiFetchOptions = {}): Promise<EventSummary[]> {
  return normalizeEvents(await apiFetch<unknown>("/api/v1/events", options));
}
