import type { Caller, WaitingRoomOptions } from "../../domain/queue/room-model.ts";
import { rateLimitKeys } from "../ratelimit/keys.ts";
import { clientPlacesKey } from "./keys.ts";

/** A limited caller's rate-limit buckets and its address's places (see `bucketsOf`); undefined: not limited. */
export type Buckets = { ip: string; user: string; places: string } | undefined;

/**
 * A caller's rate-limit buckets under the event's tag (the IP's twice when anonymous), or
 * undefined when the call is not limited: limiting is off, or the caller has no identity.
 */
export function bucketsOf(
  eventId: string,
  caller: Caller | undefined,
  rateLimit: WaitingRoomOptions["rateLimit"],
): Buckets {
  if (!caller || !rateLimit) return undefined;
  const tag = `tt:q:{${eventId}}`;
  const ip = rateLimitKeys.scoped(tag, `ip:${caller.ip}`, "queue");
  const user = caller.userId ? rateLimitKeys.scoped(tag, `u:${caller.userId}`, "queue") : ip;
  return { ip, user, places: clientPlacesKey(eventId, caller.ip) };
}

/** The bucket settings every limited script takes (0, 0: off). */
export function limitPolicy(rateLimit: WaitingRoomOptions["rateLimit"]): [number, number] {
  return rateLimit ? [rateLimit.perSec, rateLimit.burst] : [0, 0];
}
