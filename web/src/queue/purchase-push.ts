/**
 * The purchase's outcome by push: the live-queue socket (opened again with the buyer's waiting
 * token) carries a `watch` of the hold, and the gateway answers with a `purchase` frame for each
 * declined payment (DECLINED: the hold stands) and one when the reservation is CONFIRMED or
 * EXPIRED. The reservation page then reads the
 * reservation once instead of polling it and the payment every second; it polls only while this
 * channel is not live (no socket, or it dropped). Plain TS so it is testable without React.
 */
import type { PurchaseFrame, QueueFrame, WatchFrame } from "../types.ts";
import type { KeyValueStorage } from "./place-store.ts";

const key = (reservationId: string) => `tt.watch.${reservationId}`;

/** Keeps each hold's watch token (from the hold's answer) for the reservation page. */
export class WatchTokens {
  constructor(private readonly storage: KeyValueStorage) {}

  save(reservationId: string, watchToken: string | undefined): void {
    if (!watchToken) return;
    try {
      this.storage.setItem(key(reservationId), watchToken);
    } catch {
      // Private mode or a full quota: the page falls back to polling.
    }
  }

  get(reservationId: string): string | undefined {
    try {
      return this.storage.getItem(key(reservationId)) ?? undefined;
    } catch {
      return undefined;
    }
  }
}

/** What watching needs. */
export interface WatchOptions {
  socketUrl: string;
  reservationId: string;
  watchToken: string;
  /** The socket is open and the watch sent (true), or it closed (false). */
  onLive: (live: boolean) => void;
  onOutcome: (frame: PurchaseFrame) => void;
  WebSocketImpl?: typeof WebSocket;
}

/** Watches one hold's outcome; returns the function that stops watching. */
export function watchPurchase(o: WatchOptions): () => void {
  const Impl = o.WebSocketImpl ?? WebSocket;
  let stopped = false;
  const ws = new Impl(o.socketUrl);
  ws.onopen = () => {
    const watch: WatchFrame = { type: "watch", reservation_id: o.reservationId, watch_token: o.watchToken };
    ws.send(JSON.stringify(watch));
    o.onLive(true);
  };
  ws.onmessage = (event) => {
    const frame = JSON.parse(String(event.data)) as QueueFrame;
    if (frame.type === "purchase" && frame.reservation_id === o.reservationId) {
      o.onOutcome(frame);
    } else if (frame.type === "error") {
      // Refused (a stale token): fall back to polling.
      o.onLive(false);
      ws.close();
    }
  };
  ws.onclose = () => {
    if (!stopped) o.onLive(false);
  };
  return () => {
    stopped = true;
    ws.close(1000, "done");
  };
}
