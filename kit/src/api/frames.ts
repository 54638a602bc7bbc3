import type { PurchaseOutcome } from "../purchase-outcome.ts";
import type { SaleState } from "./queue.ts";

// The live-queue socket's messages (`GET /queue/ws`, docs/spec.md "Live queue (WebSocket)"), the
// one declaration the gateway that sends them and the web app and bench that read them share.
// Types only: the gateway writes its hottest frame by hand (gateway/src/domain/queue/frames.ts).

/** Where the waiter stands: the first frame of a waiting socket, then whenever the place moves. */
export interface PositionFrame {
  type: "position";
  /** null in a pre-queue not yet drawn. */
  position: number | null;
  eta_sec: number | null;
  serving: number;
  rate_per_sec: number;
}

/** The line's sale state changed (also after the first frame of a line not on sale). */
export interface SaleFrame {
  type: "sale";
  sale: SaleState;
  seats_held: number;
}

/** A refusal (a catalogue code), after which the server closes the socket or ignores the watch. */
export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
}

/** A watched reservation's news: a declined payment (the hold stands), then its end. */
export type PurchaseFrame = { type: "purchase" } & PurchaseOutcome;

/** A frame the gateway pushes on the live-queue socket. */
export type QueueFrame =
  | PositionFrame
  | { type: "ready"; ready_for_entry: true }
  | { type: "expired" }
  | { type: "left" }
  | SaleFrame
  | ErrorFrame
  | PurchaseFrame;

/** The only message a client sends: a watch of its own hold, with the hold's `watch_token`. */
export interface WatchFrame {
  type: "watch";
  reservation_id: string;
  watch_token: string;
}
