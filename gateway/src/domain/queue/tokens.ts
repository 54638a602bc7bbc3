import { EVENT_ID_BODY, randomString } from "@tt/kit";

const WAITING_TOKEN = new RegExp(`^(${EVENT_ID_BODY})\\.([A-Za-z0-9_-]{22})$`);

/**
 * A new waiting token. It carries its event id so that status, enter and the WebSocket find the
 * event's keys without a lookup; the 128 random bits make it unguessable.
 */
export function newWaitingToken(eventId: string): string {
  return `${eventId}.${randomString(16, "base64url")}`;
}

/** The event a waiting token belongs to, or undefined when the token is malformed. */
export function eventOfWaitingToken(token: string): string | undefined {
  return WAITING_TOKEN.exec(token)?.[1];
}
