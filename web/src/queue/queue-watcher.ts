import { isRetryable } from "@tt/kit/retry";
import { ApiError } from "../api.ts";
import type { QueueFrame, QueueStatusAnswer, SaleState } from "../types.ts";
import { type BackoffOptions, backoffDelay, SOCKET_BACKOFF } from "./backoff.ts";

/** How updates reached the buyer: pushed over the socket, or polled while it is down. */
export type QueueChannel = "live" | "polling";

/** Where the line stands while the buyer waits in it (`closed` and `ended` end the wait: see QueueView). */
export type OpenSale = Exclude<SaleState, "closed" | "ended">;

/** What the waiting room shows; the last six phases are final. */
export type QueueView =
  | { phase: "connecting" }
  | {
      phase: "waiting";
      /** null while an event's pre-queue has not opened yet (places are drawn at opening). */
      position: number | null;
      etaSec: number | null;
      channel: QueueChannel;
      /** The latest poll failed for a passing reason (rate limit, outage); we keep trying. */
      troubled: boolean;
      /** `sold_out`: no seat is available, but `seatsHeld` seats are held and may come back. */
      sale: OpenSale;
      seatsHeld: number;
    }
  | { phase: "ready" }
  /** Every seat is sold: the line is closed and the place will never be admitted. */
  | { phase: "closed" }
  /** The event's sale window closed: nobody more is admitted from this line. */
  | { phase: "ended" }
  | { phase: "expired" }
  | { phase: "left" }
  | { phase: "failed"; error: unknown };

/** Dependencies and knobs of a {@link QueueWatcher}; the defaults suit the browser. */
export interface QueueWatcherOptions {
  /** The live-queue socket URL for this waiting token. */
  socketUrl: string;
  /** `GET /queue/status` for this waiting token. */
  pollStatus: (signal: AbortSignal) => Promise<QueueStatusAnswer>;
  /** Called with every change worth showing. */
  onUpdate: (view: QueueView) => void;
  /** Poll this often while the socket is down (default 3 s; each poll is also a heartbeat). */
  pollEveryMs?: number;
  /** Start polling if the socket has not opened after this long (default 4 s). */
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  WebSocketImpl?: typeof WebSocket;
}

const FINAL = new Set(["ready", "expired", "left", "closed", "ended", "failed"]);

/**
 * Follows one place in line. The WebSocket is the main channel; whenever it is down (never
 * connected, dropped, gateway restarting) the watcher polls the status route so the buyer keeps
 * seeing progress, and reconnects with jittered exponential backoff. Reconnecting with the same
 * token resumes the same place (docs/spec.md, "Live queue (WebSocket)"). Plain TS so it is testable
 * without React.
 */
export class QueueWatcher {
  private socket: WebSocket | undefined;
  private socketOpen = false;
  private attempt = 0;
  private finished = false;
  private last: QueueView | undefined;
  /** The line's sale state as last heard (frames and polls); a position frame does not carry it. */
  private sale: { sale: OpenSale; seatsHeld: number } = { sale: "on_sale", seatsHeld: 0 };
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  /** Bumped on every start/stop so a poll still in flight from an earlier round is ignored. */
  private pollRound = 0;
  private readonly aborter = new AbortController();
  private readonly opts: Required<Omit<QueueWatcherOptions, "random">> & { random: () => number };

  constructor(options: QueueWatcherOptions) {
    this.opts = {
      pollEveryMs: 3_000,
      connectTimeoutMs: 4_000,
      backoff: SOCKET_BACKOFF,
      random: Math.random,
      WebSocketImpl: globalThis.WebSocket,
      ...options,
    };
  }

  /** Opens the socket; updates start flowing to `onUpdate`. */
  start(): void {
    this.emit({ phase: "connecting" });
    this.connect();
  }

  /** Stops everything (page left); no update is sent after this. */
  stop(): void {
    this.finished = true;
    this.teardown();
  }

  /** Whether the socket is currently open (for tests and diagnostics). */
  get live(): boolean {
    return this.socketOpen;
  }

  private connect(): void {
    if (this.finished) return;
    let ws: WebSocket;
    try {
      ws = new this.opts.WebSocketImpl(this.opts.socketUrl);
    } catch {
      // A malformed URL or a blocked scheme never gets a close event: treat it as a drop.
      this.onSocketDown();
      return;
    }
    this.socket = ws;
    // A socket stuck in CONNECTING (a proxy swallowing the upgrade) must not leave the buyer blind.
    this.connectTimer = setTimeout(() => this.startPolling(), this.opts.connectTimeoutMs);
    ws.onopen = () => {
      clearTimeout(this.connectTimer);
      this.socketOpen = true;
      this.attempt = 0;
      this.stopPolling();
    };
    ws.onmessage = (message) => this.onFrame(message.data);
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.socketOpen = false;
      clearTimeout(this.connectTimer);
      this.onSocketDown();
    };
    // Errors are always followed by a close event, which is where recovery happens.
    ws.onerror = () => undefined;
  }

  private onSocketDown(): void {
    if (this.finished) return;
    this.startPolling();
    const delay = backoffDelay(this.attempt, this.opts.backoff, this.opts.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(data: unknown): void {
    let frame: QueueFrame;
    try {
      frame = JSON.parse(String(data)) as QueueFrame;
    } catch {
      return; // Not ours to interpret; the next frame or a poll will put us right.
    }
    switch (frame.type) {
      case "position":
        this.showWaiting("live", false, { position: frame.position, etaSec: frame.eta_sec });
        return;
      case "sale":
        // After `closed` the server closes the socket (1000); finishing first means no reconnect.
        this.noteSale(frame.sale, frame.seats_held, "live");
        return;
      case "ready":
      case "expired":
      case "left":
        this.finish({ phase: frame.type });
        return;
      case "error":
        // The server closes right after an error frame; the close starts a poll, whose answer
        // (a clear status, or a 4xx for a token it does not know) decides what to tell the buyer.
        return;
    }
  }

  private startPolling(): void {
    if (this.polling || this.finished) return;
    this.polling = true;
    this.pollRound += 1;
    void this.pollOnce(this.pollRound);
  }

  private stopPolling(): void {
    this.polling = false;
    this.pollRound += 1;
    clearTimeout(this.pollTimer);
  }

  private async pollOnce(round: number): Promise<void> {
    const current = () => this.polling && !this.finished && round === this.pollRound;
    if (!current()) return;
    try {
      const status = await this.opts.pollStatus(this.aborter.signal);
      if (!current()) return;
      if (status.status === "waiting") {
        // A gateway older than the sale state says nothing about it: the line is on sale.
        if (this.noteSale(status.sale ?? "on_sale", status.seats_held ?? 0)) return;
        this.showWaiting("polling", false, { position: status.position, etaSec: status.eta_sec });
      } else {
        this.finish({ phase: status.status });
        return;
      }
    } catch (error) {
      if (!current()) return;
      if (isPermanent(error)) {
        this.finish({ phase: "failed", error });
        return;
      }
      this.showWaiting("polling", true);
    }
    this.pollTimer = setTimeout(() => void this.pollOnce(round), this.opts.pollEveryMs);
  }

  /**
   * Takes in the line's sale state; true when that ended the wait (`closed`, `ended`). With `channel`, the
   * change is shown at once on the last known place (a sale frame carries no position).
   */
  private noteSale(sale: SaleState, seatsHeld: number, channel?: QueueChannel): boolean {
    if (sale === "closed" || sale === "ended") {
      this.finish({ phase: sale });
      return true;
    }
    this.sale = { sale, seatsHeld };
    if (channel) this.showWaiting(channel, false);
    return false;
  }

  /**
   * Shows the wait at `place`, or at the last known one when none is given (a failed poll and a
   * sale frame carry no position), with the sale state as last told.
   */
  private showWaiting(
    channel: QueueChannel,
    troubled: boolean,
    place?: { position: number | null; etaSec: number | null },
  ): void {
    const last = this.last?.phase === "waiting" ? this.last : undefined;
    const { position, etaSec } = place ?? { position: last?.position ?? null, etaSec: last?.etaSec ?? null };
    this.emit({ phase: "waiting", position, etaSec, channel, troubled, ...this.sale });
  }

  private finish(view: QueueView): void {
    if (this.finished) return;
    this.finished = true;
    this.teardown();
    this.emit(view, true);
  }

  private teardown(): void {
    this.stopPolling();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.connectTimer);
    this.aborter.abort();
    const ws = this.socket;
    this.socket = undefined;
    this.socketOpen = false;
    if (ws && ws.readyState <= 1) ws.close(1000, "done");
  }

  private emit(view: QueueView, final = false): void {
    if (this.finished && !final) return;
    if (this.last && FINAL.has(this.last.phase)) return;
    // Polls repeat the same answer every few seconds; only changes are worth a re-render.
    if (this.last && sameView(this.last, view)) return;
    this.last = view;
    this.opts.onUpdate(view);
  }
}

function sameView(a: QueueView, b: QueueView): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof QueueView>;
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * A 4xx the error catalogue does not call retryable will not change by asking again: the token is
 * gone or bad ("slow down", RATE_LIMITED, is retryable). No answer or a 5xx is the gateway's
 * trouble, not the place's: polling goes on whatever its code.
 */
function isPermanent(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && !isRetryable(error);
}
