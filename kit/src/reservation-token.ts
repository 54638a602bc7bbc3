/**
 * Reservation tokens: what the waiting room hands an admitted buyer on `enter`, and what the
 * reservation service demands before it holds seats. HMAC-signed (`RESERVATION_TOKEN_SECRET`,
 * the same on the gateway, which signs, and on reservation, which verifies), bound to one user
 * and one event, valid `RESERVATION_TOKEN_TTL_SEC`. Single use is enforced durably by the
 * reservation service, in the transaction that creates the reservation.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { randomString } from "./random.ts";

/** What a reservation token grants: one reservation for this user and event until `exp`. */
export interface ReservationGrant {
  eventId: string;
  userId: string;
  /** Unique id: the reservation service records it with the reservation it was spent on. */
  jti: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** The secret outside production when none is configured (never valid in production). */
export const DEV_RESERVATION_TOKEN_SECRET = "traffic-tacos-local-reservation-tokens";

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest();

/** Signs a grant into the opaque `reservation_token` handed to the buyer. */
export function signReservationToken(grant: ReservationGrant, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify({ e: grant.eventId, u: grant.userId, j: grant.jti, x: grant.exp }),
  ).toString("base64url");
  return `rt1.${payload}.${sign(secret, payload).toString("base64url")}`;
}

/**
 * The grant inside a token whose signature is ours (expired or not: a repeat of a request that
 * already spent it may still be answered), or undefined for anything forged or malformed.
 */
export function readReservationToken(token: string, secret: string): ReservationGrant | undefined {
  const [version, payload, signature] = token.split(".");
  if (version !== "rt1" || !payload || !signature) return undefined;
  const expected = sign(secret, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const body = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const { e: eventId, u: userId, j: jti, x: exp } = body;
    if (typeof eventId !== "string" || typeof userId !== "string" || typeof jti !== "string")
      return undefined;
    if (typeof exp !== "number") return undefined;
    return { eventId, userId, jti, exp };
  } catch {
    return undefined;
  }
}

/** A fresh reservation-token id. */
export function newJti(): string {
  return randomString(12, "base64url");
}
