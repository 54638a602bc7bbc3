/**
 * Waiting on the live queue the way the web app does: a WebSocket that pushes position frames
 * and then `ready`. Reconnects keep the place (docs/spec.md, "Live queue (WebSocket)"). A status
 * poll after a long silence is the safety net that also exposes a lost `ready` push as a platform
 * bug.
 */

import type { PurchaseFrame, QueueFrame, QueueStatusAnswer, WatchFrame } from "@tt/kit/api";
import { isRetryable } from "@tt/kit/retry";
import type { BuyerClient } from "./client.ts";
import type { DropStats } from "./stats.ts";

/**
 * How the wait ended; "lost": the waiting room lost the place (QUEUE_PLACE_LOST), join again;
 * "closed": every seat is sold, the line closed.
 */
export type WaitEnd = "ready" | "expired" | "left" | "lost" | "closed" | "failed";

/** When a buyer heard where the sale stands (Date.now, and `sale` of the frame or answer). */
export type SaleSignal = [at: number, sale: string];

const RECONNECT_GRACE_MS = 5000;

/** Platform misbehaviour seen on the socket, counted across buyers. */
export const socketFindings = { positionWentUp: 0, readyMissedBySocket: 0, reconnects: 0 };

/** Waits until the waiter behind `token` is admitted; records first-frame latency and frame anomalies. */
export function waitForAdmission(
  wsBase: string,
  token: string,
  client: BuyerClient,
  stats: DropStats,
  opts: { silenceMs: number; maxWaitMs: number; keepOpen?: PurchaseChannel; heard?: SaleSignal[] },
): Promise<WaitEnd> {
  const url = `${wsBase}/api/v1/queue/ws?token=${encodeURIComponent(token)}`;
  return new Promise<WaitEnd>((resolve) => {
    let done = false;
    let ws: WebSocket | undefined;
    let lastPosition = Number.POSITIVE_INFINITY;
    let lastFrameAt = performance.now();
    let attempts = 0;
    const giveUpAt = performance.now() + opts.maxWaitMs;
    // Connections that closed before any frame (the gateway was down), or after a retryable
    // refusal (Redis restarting; the server closes after it, and the web app reconnects): not
    // errors if a reconnect within RECONNECT_GRACE_MS of the first of them gets the place back, as
    // the issue counts it.
    let failed: Array<[ms: number, why: string]> = [];
    let failingSince = 0;
    const settleFailures = (recovered: boolean) => {
      const outcome =
        recovered && performance.now() - failingSince <= RECONNECT_GRACE_MS ? "retried" : "error";
      for (const [ms, why] of failed) stats.record("ws_first_frame", ms, outcome, why);
      failed = [];
    };

    const finish = (end: WaitEnd) => {
      if (done) return;
      done = true;
      clearInterval(watchdog);
      settleFailures(end === "ready" || end === "expired" || end === "left" || end === "closed");
      // Admitted: the same socket carries the purchase's outcome later, as in the web app.
      if (end === "ready" && ws && opts.keepOpen) opts.keepOpen.adopt(ws);
      else ws?.close(1000, "done");
      resolve(end);
    };

    const connect = () => {
      attempts++;
      const openedAt = performance.now();
      let first = true;
      let refused: string | undefined;
      const socket = new WebSocket(url);
      ws = socket;
      socket.onmessage = (event) => {
        lastFrameAt = performance.now();
        const frame = JSON.parse(String(event.data)) as QueueFrame;
        if (frame.type === "error" && isRetryable(frame.code)) {
          refused = `frame ${JSON.stringify(frame)}`;
          return;
        }
        if (first) {
          first = false;
          stats.record("ws_first_frame", lastFrameAt - openedAt, "ok");
          settleFailures(true);
        }
        if (frame.type === "sale") {
          opts.heard?.push([Date.now(), frame.sale ?? ""]);
          if (frame.sale === "closed") finish("closed");
          return;
        }
        if (frame.type === "position" && typeof frame.position === "number") {
          // docs/spec.md ("Live queue (WebSocket)"): a waiter's position only goes down while waiting.
          if (frame.position > lastPosition) socketFindings.positionWentUp++;
          lastPosition = frame.position;
        } else if (frame.type === "ready") finish("ready");
        else if (frame.type === "expired" || frame.type === "left") finish(frame.type);
        else if (frame.type === "error" && frame.code === "QUEUE_PLACE_LOST") finish("lost");
        else if (frame.type === "error")
          stats.record("ws_first_frame", 0, "error", `frame ${JSON.stringify(frame)}`);
      };
      socket.onclose = () => {
        if (done || ws !== socket) return;
        socketFindings.reconnects++;
        if (first || refused) {
          if (failed.length === 0) failingSince = performance.now();
          failed.push([performance.now() - openedAt, refused ?? "closed before a frame"]);
        }
        // Back off a little; the place in line is kept across reconnects.
        setTimeout(() => !done && connect(), Math.min(5000, 250 * 2 ** Math.min(attempts, 5)));
      };
    };

    // Silence is normal in a slow line, so only a long one triggers a status check.
    const watchdog = setInterval(async () => {
      if (done) return;
      if (performance.now() > giveUpAt) return finish("failed");
      if (performance.now() - lastFrameAt < opts.silenceMs) return;
      lastFrameAt = performance.now();
      const reply = await client.call<QueueStatusAnswer>(
        "queue_status",
        "GET",
        `/api/v1/queue/status?token=${encodeURIComponent(token)}`,
      );
      if (reply.ok && reply.body.ready_for_entry === true) {
        socketFindings.readyMissedBySocket++;
        finish("ready");
      } else if (reply.ok && reply.body.status === "expired") finish("expired");
      else if (reply.status === 410) finish("lost");
    }, 1000);

    connect();
  });
}

/**
 * The live-queue socket kept open after admission: after the hold the buyer sends a `watch` of
 * its reservation, and its news arrives as `purchase` frames — pushed, as the web app gets them:
 * DECLINED for a declined card (the hold stands), then CONFIRMED or EXPIRED. A socket that closes
 * meanwhile ends every wait with undefined (the buyer then looks it up).
 */
export class PurchaseChannel {
  private ws: WebSocket | undefined;
  private readonly waiting = new Map<string, (frame: PurchaseFrame | undefined) => void>();
  /** Frames that came before anyone waited for them, oldest first. */
  private readonly arrived = new Map<string, PurchaseFrame[]>();

  adopt(ws: WebSocket): void {
    this.ws = ws;
    ws.onmessage = (event) => {
      const p = JSON.parse(String(event.data)) as QueueFrame;
      if (p.type !== "purchase") return;
      const resolve = this.waiting.get(p.reservation_id);
      if (resolve) resolve(p);
      else this.arrived.set(p.reservation_id, [...(this.arrived.get(p.reservation_id) ?? []), p]);
    };
    ws.onclose = () => {
      this.ws = undefined;
      for (const resolve of this.waiting.values()) resolve(undefined);
      this.waiting.clear();
    };
  }

  /** Asks for the reservation's news; resolves with its first frame, or undefined if the socket is gone. */
  watch(reservationId: string, watchToken: string): Promise<PurchaseFrame | undefined> {
    const first = this.next(reservationId);
    const watch: WatchFrame = { type: "watch", reservation_id: reservationId, watch_token: watchToken };
    this.ws?.send(JSON.stringify(watch));
    return first;
  }

  /** The reservation's next frame (after a DECLINED one); undefined if the socket is gone. */
  next(reservationId: string): Promise<PurchaseFrame | undefined> {
    const early = this.arrived.get(reservationId)?.shift();
    if (early) return Promise.resolve(early);
    if (!this.ws) return Promise.resolve(undefined);
    return new Promise<PurchaseFrame | undefined>((resolve) => {
      this.waiting.set(reservationId, (frame) => {
        this.waiting.delete(reservationId);
        resolve(frame);
      });
    });
  }

  close(): void {
    this.ws?.close(1000, "done");
    this.ws = undefined;
  }
}
