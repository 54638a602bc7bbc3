/**
 * The purchase's outcome, pushed on the live-queue socket the buyer already has open: after a
 * hold, the client sends `{"type":"watch","reservation_id","watch_token"}` (the token came with
 * the hold's answer) and later receives `{"type":"purchase","reservation_id","status",…}` frames:
 * DECLINED for each declined payment while the hold stands, then one when the reservation is
 * CONFIRMED or EXPIRED — no polling of the reservation or the payment. The worker, which makes those outcomes, publishes each on the
 * Redis channel `tt:purchase:<reservation id>`; this process subscribes to the channels of the
 * reservations its sockets watch, on one connection. The watch token (an HMAC of the reservation
 * id under the gateway's secret) proves the socket's owner made the hold, without a read.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { endsPurchase, type Logger, type PurchaseOutcome, purchaseChannel } from "@tt/kit";
import type Redis from "ioredis";
import { encodeFrame, type FrameSink } from "../../domain/queue/frames.ts";

/** Watches of this process's sockets, by reservation. */
export class PurchaseWatch {
  private readonly watching = new Map<string, Set<FrameSink>>();
  private listening = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly secret: string,
    private readonly log: Logger,
  ) {}

  /** The token that lets the maker of a hold watch it (returned with the hold). */
  tokenFor(reservationId: string): string {
    return createHmac("sha256", this.secret)
      .update(`watch:${reservationId}`)
      .digest("base64url")
      .slice(0, 32);
  }

  /** Starts pushing `reservationId`'s outcome to `sink`; false when the token is not its own. */
  async watch(reservationId: string, token: string, sink: FrameSink): Promise<boolean> {
    const expected = Buffer.from(this.tokenFor(reservationId));
    const given = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    this.listen();
    let sinks = this.watching.get(reservationId);
    if (!sinks) {
      sinks = new Set();
      this.watching.set(reservationId, sinks);
      await this.subscriber.subscribe(purchaseChannel(reservationId));
    }
    sinks.add(sink);
    return true;
  }

  /** Forgets every watch of a closed socket. */
  forget(sink: FrameSink): void {
    for (const [reservationId, sinks] of this.watching) {
      if (sinks.delete(sink) && sinks.size === 0) this.drop(reservationId);
    }
  }

  /** Unsubscribes from everything (shutdown). */
  async close(): Promise<void> {
    this.watching.clear();
    this.subscriber.disconnect();
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.subscriber.on("message", (channel: string, message: string) => {
      const reservationId = channel.slice(purchaseChannel("").length);
      const sinks = this.watching.get(reservationId);
      if (!sinks) return;
      let outcome: PurchaseOutcome;
      try {
        outcome = JSON.parse(message) as PurchaseOutcome;
      } catch (err) {
        this.log.warn("unreadable purchase outcome", { reservation_id: reservationId, err });
        return;
      }
      const frame = encodeFrame({ type: "purchase", ...outcome, reservation_id: reservationId });
      for (const sink of sinks) sink.send(frame);
      // After the end nothing more will come; a decline leaves the buyer paying again.
      if (endsPurchase(outcome.status)) this.drop(reservationId);
    });
  }

  private drop(reservationId: string): void {
    this.watching.delete(reservationId);
    void this.subscriber.unsubscribe(purchaseChannel(reservationId)).catch(() => undefined);
  }
}
