import { createHmac, timingSafeEqual } from "node:crypto";
import { randomString } from "@tt/kit";

const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const WAITING_TOKEN = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})$/;

/** True when `id` can name an event in keys and tokens. */
export function isEventId(id: string): boolean {
  return EVENT_ID.test(id);
}

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

/** What a reservation token grants: one reservation for this user and event until `exp`. */
export interface ReservationGrant {
  eventId: string;
  userId: string;
  /** Unique id; its Redis marker makes the token single-use. */
  jti: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest();

/** Signs a grant into the opaque `reservation_token` handed to the buyer. */
export function signReservationToken(grant: ReservationGrant, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify({ e: grant.eventId, u: grant.userId, j: grant.jti, x: grant.exp }),
  ).toString("base64url");
  return `rt1.${payload}.${sign(secret, payload).toString("base64url")}`;
}

/**
 * The grant inside a reservation token when its signature is ours and it has not expired;
 * undefined otherwise. Single use is enforced separately (the Redis marker).
 */
export function verifyReservationToken(
  token: string,
  secret: string,
  nowSec: number,
): ReservationGrant | undefined {
  const [version, payload, signature] = token.split(".");
  if (version !== "rt1" || !payload || !signature) return undefined;
  const expected = sign(secret, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const body = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const grant = { eventId: body.e, userId: body.u, jti: body.j, exp: body.x };
    if (
      typeof grant.eventId !== "string" ||
      typeof grant.userId !== "string" ||
      typeof grant.jti !== "string"
    )
      return undefined;
    if (typeof grant.exp !== "number" || grant.exp <= nowSec) return undefined;
    return grant as ReservationGrant;
  } catch {
    return undefined;
  }
}

/** A fresh reservation-token id. */
export function newJti(): string {
  return randomString(12, "base64url");
}
