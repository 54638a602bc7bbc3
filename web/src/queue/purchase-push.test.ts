import { describe, expect, test } from "bun:test";
import type { PurchaseFrame } from "../types.ts";
import { WatchTokens, watchPurchase } from "./purchase-push.ts";

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket {
  static last: FakeSocket | undefined;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | undefined;
  onmessage: ((e: { data: string }) => void) | undefined;
  onclose: (() => void) | undefined;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
}

function watch() {
  const live: boolean[] = [];
  const outcomes: PurchaseFrame[] = [];
  const stop = watchPurchase({
    socketUrl: "ws://x/api/v1/queue/ws?token=t",
    reservationId: "rsv_1",
    watchToken: "wt",
    onLive: (l) => live.push(l),
    onOutcome: (f) => outcomes.push(f),
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
  });
  const socket = FakeSocket.last as FakeSocket;
  return { live, outcomes, stop, socket };
}

describe("purchase push", () => {
  test("watches the hold once the socket opens and reports its outcome", () => {
    const w = watch();
    w.socket.onopen?.();
    expect(JSON.parse(w.socket.sent[0] ?? "{}")).toEqual({
      type: "watch",
      reservation_id: "rsv_1",
      watch_token: "wt",
    });
    expect(w.live).toEqual([true]);
    w.socket.onmessage?.({ data: '{"type":"position","position":1}' });
    w.socket.onmessage?.({ data: '{"type":"purchase","reservation_id":"rsv_other","status":"CONFIRMED"}' });
    w.socket.onmessage?.({
      data: '{"type":"purchase","reservation_id":"rsv_1","status":"CONFIRMED","order_id":"ord_1"}',
    });
    expect(w.outcomes).toEqual([
      { type: "purchase", reservation_id: "rsv_1", status: "CONFIRMED", order_id: "ord_1" },
    ]);
  });

  test("a refused watch or a dropped socket sends the page back to polling", () => {
    const refused = watch();
    refused.socket.onopen?.();
    refused.socket.onmessage?.({ data: '{"type":"error","code":"FORBIDDEN","message":"no"}' });
    expect(refused.live).toEqual([true, false, false]);
    const dropped = watch();
    dropped.socket.onopen?.();
    dropped.socket.onclose?.();
    expect(dropped.live).toEqual([true, false]);
  });

  test("stopping closes the socket without reporting it as a failure", () => {
    const w = watch();
    w.socket.onopen?.();
    w.stop();
    expect(w.socket.closed).toBe(true);
    expect(w.live).toEqual([true]);
  });

  test("watch tokens are kept per reservation", () => {
    const map = new Map<string, string>();
    const store = new WatchTokens({
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
    });
    store.save("rsv_1", "wt");
    store.save("rsv_2", undefined);
    expect(store.get("rsv_1")).toBe("wt");
    expect(store.get("rsv_2")).toBeUndefined();
  });
});
