/**
 * What the live queue sends a waiter's socket, and what it keeps per socket: the frames' encoding
 * (their types are shared with the web app and the bench: `@tt/kit/api`, docs/spec.md "Live queue
 * (WebSocket)"), apart from the fan-out (live-queue.redis.ts) and the stream reader (event-reader.redis.ts),
 * which both use them.
 */
import type { QueueFrame } from "@tt/kit/api";
import { etaSeconds } from "./eta.ts";

export type { QueueFrame };

/** A position in the event's move stream: a Redis stream id as [milliseconds, sequence]. */
export type StreamId = readonly [ms: number, seq: number];

/**
 * A frame as JSON text. Position frames go out to every socket that moved (10,000 sockets → 10,000
 * per flush), so they are written by hand rather than through JSON.stringify.
 */
export function encodeFrame(frame: QueueFrame): string {
  if (frame.type !== "position") return JSON.stringify(frame);
  return `{"type":"position","position":${frame.position},"eta_sec":${frame.eta_sec},"serving":${frame.serving},"rate_per_sec":${frame.rate_per_sec}}`;
}

/**
 * A waiter's position frame as of the line's last served count and rate; in a closed pre-queue
 * (no position yet) the ETA counts down to the opening.
 */
export function positionFrame(
  watcher: Pick<Watcher, "position" | "opensAt">,
  served: number,
  rate: number,
  now = Date.now(),
): QueueFrame {
  const eta =
    watcher.position === null
      ? Math.max(0, Math.ceil(((watcher.opensAt ?? now) - now) / 1000))
      : etaSeconds(watcher.position, rate);
  return { type: "position", position: watcher.position, eta_sec: eta, serving: served, rate_per_sec: rate };
}

/** Where frames (as JSON text) for one socket go; `send` returns false when the socket cannot keep up. */
export interface FrameSink {
  send(json: string): boolean;
  close(code: number, reason: string): void;
}

/** One connected waiter. */
export interface Watcher {
  readonly token: string;
  readonly eventId: string;
  readonly seq: number;
  /** null while the event's pre-queue is closed: the place is drawn when it opens. */
  position: number | null;
  opensAt: number | null;
  /** Moves up to this stream id are already in `position`. */
  asOf: StreamId;
  /** The id of the line the place is in ("" for a line older than ids): a move of another line means it was lost. */
  readonly line: string;
  readonly sink: FrameSink;
}
