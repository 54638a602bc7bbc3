/**
 * The event-queue wire format, shared by every producer (reservation outbox, payment) and the
 * worker: an `events.v1.EventEnvelope` travels as JSON
 * `{id, type, source, time, trace_id, traceparent, detail}` where `detail` is the proto3 JSON
 * (snake_case field names) of the message the `type` names.
 */
import { create, type DescField, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { events } from "@tt/contracts";
import { currentTraceId, currentTraceparent } from "./telemetry.ts";

/** The detail of an envelope that carries one (every envelope on the queue does). */
export type EventDetail = Exclude<events.EventEnvelope["detail"], { case: undefined }>;

/** A queue message that is not a well-formed envelope; consumers send it towards the DLQ. */
export class EventCodecError extends Error {
  override readonly name = "EventCodecError";
}

// The type string is derived from the oneof field's proto name (reservation_created →
// "reservation.created"), so a new event in events.proto needs no change here.
const detailFields: readonly DescField[] = events.EventEnvelopeSchema.oneofs[0]?.fields ?? [];
const typeOfField = (f: DescField) => f.name.replace("_", ".");
const fieldByType = new Map(detailFields.map((f) => [typeOfField(f), f]));
const fieldByCase = new Map(detailFields.map((f) => [f.localName, f]));

/** Every event type the queue carries, e.g. "reservation.created". */
export const EVENT_TYPES: readonly string[] = [...fieldByType.keys()];

/** The type string of a detail, e.g. `{case: "paymentApproved"}` → "payment.approved". */
export function eventType(detail: EventDetail): string {
  const field = fieldByCase.get(detail.case);
  if (!field) throw new EventCodecError(`unknown event detail ${detail.case}`);
  return typeOfField(field);
}

/** Builds an envelope for `detail` with a fresh sortable id, the time, and the active trace. */
export function newEvent(source: string, detail: EventDetail, time: Date = new Date()): events.EventEnvelope {
  return create(events.EventEnvelopeSchema, {
    id: Bun.randomUUIDv7(),
    type: eventType(detail),
    source,
    time: timestampFromDate(time),
    traceId: currentTraceId(),
    traceparent: currentTraceparent(),
    detail,
  });
}

/** The JSON message body of an envelope. */
export function encodeEvent(envelope: events.EventEnvelope): string {
  if (envelope.detail.case === undefined) throw new EventCodecError(`event ${envelope.id} has no detail`);
  const field = fieldByCase.get(envelope.detail.case);
  if (!field?.message) throw new EventCodecError(`unknown event detail ${envelope.detail.case}`);
  return JSON.stringify({
    id: envelope.id,
    type: typeOfField(field),
    source: envelope.source,
    time: envelope.time ? timestampDate(envelope.time).toISOString() : new Date().toISOString(),
    trace_id: envelope.traceId,
    traceparent: envelope.traceparent,
    detail: toJson(field.message, envelope.detail.value, { useProtoFieldName: true }),
  });
}

function text(body: Record<string, unknown>, key: string, required: boolean): string {
  const value = body[key];
  if (typeof value === "string" && (value !== "" || !required)) return value;
  if (value === undefined && !required) return "";
  throw new EventCodecError(`event field "${key}" must be a${required ? " non-empty" : ""} string`);
}

/** Parses a message body into an envelope; throws EventCodecError for anything malformed. */
export function decodeEvent(body: string): events.EventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EventCodecError("event body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new EventCodecError("event body is not a JSON object");
  }
  const raw = parsed as Record<string, unknown>;
  const type = text(raw, "type", true);
  const field = fieldByType.get(type);
  if (!field?.message) throw new EventCodecError(`unknown event type "${type}"`);
  const time = new Date(text(raw, "time", true));
  if (Number.isNaN(time.getTime())) throw new EventCodecError(`event time "${raw.time}" is not a date`);
  let value: unknown;
  try {
    value = fromJson(field.message, (raw.detail ?? {}) as JsonValue, { ignoreUnknownFields: true });
  } catch (error) {
    throw new EventCodecError(`event detail does not match ${type}: ${(error as Error).message}`);
  }
  return create(events.EventEnvelopeSchema, {
    id: text(raw, "id", true),
    type,
    source: text(raw, "source", true),
    time: timestampFromDate(time),
    traceId: text(raw, "trace_id", false),
    traceparent: text(raw, "traceparent", false),
    detail: { case: field.localName, value } as EventDetail,
  });
}
