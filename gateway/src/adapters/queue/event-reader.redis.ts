import { AppError, type Logger } from "@tt/kit";
import type Redis from "ioredis";
import { etaSeconds, positionPaceMs } from "../../domain/queue/eta.ts";
import { encodeFrame, positionFrame, type QueueFrame, type Watcher } from "../../domain/queue/frames.ts";
import {
  after,
  below,
  holds,
  type Move,
  parseMove,
  parseStreamId,
  sameSale,
} from "../../domain/queue/moves.ts";
import { placeLost } from "../../domain/queue/room-model.ts";
import { isFinal, type Sale, saleFields } from "../../domain/queue/sale.ts";
import { queueKeys } from "./keys.ts";
import type { WaitingRoom } from "./waiting-room.redis.ts";

/** Position frames sent per turn of the event loop. */
const POSITION_SLICE = 256;

/**
 * Tails one event's move stream and keeps this process's sockets for that event current. A
 * socket whose line is gone (Redis lost it) is told QUEUE_PLACE_LOST and closed: by the first
 * move of the new line, or, when no move comes, by a look at the line's id after each quiet wait.
 */
export class EventReader {
  private readonly watchers = new Set<Watcher>();
  private readonly recent: Move[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private last: { served: number; rate: number } = { served: 0, rate: 0 };
  /** The line's sale state as of the last move that carried one (undefined before any). */
  private sale: Sale | undefined;
  /** Sockets whose place moved since their last position frame. */
  private readonly moved = new Set<Watcher>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushedAt = 0;
  /** When each socket may next hear its place (paced by its wait; see schedulePositions). */
  private readonly nextPositionAt = new WeakMap<Watcher, number>();

  constructor(
    private readonly eventId: string,
    private readonly conn: Redis,
    private readonly room: WaitingRoom,
    private readonly log: Logger,
    private lastId: string,
    private readonly opts: {
      heartbeatEveryMs: number;
      recentMoves: number;
      positionEveryMs: number;
      quietWaitMs: number;
    },
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  start(): void {
    this.loop = this.run();
    // A live socket is the waiter's heartbeat (docs/spec.md, "Waiting room").
    this.heartbeat = setInterval(() => {
      const tokens = [...this.watchers].map((w) => w.token);
      this.room.heartbeat(this.eventId, tokens).catch((error: unknown) => {
        this.log.warn("live-queue heartbeat failed", { event_id: this.eventId, err: error });
      });
    }, this.opts.heartbeatEveryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    this.conn.disconnect();
    await this.loop?.catch(() => undefined);
  }

  add(watcher: Watcher, state: { served: number; rate: number; sale: Sale }): void {
    if (state.served > this.last.served) this.last = { served: state.served, rate: state.rate };
    // Until a move says otherwise, the line stands where the first socket's status said.
    this.sale ??= state.sale;
    this.watchers.add(watcher);
    // Moves this reader handled after the socket's status was read but before it registered.
    for (const move of this.recent) this.apply(watcher, move, true);
    if (!this.watchers.has(watcher)) return;
    this.send(watcher, positionFrame(watcher, this.last.served, this.last.rate));
    // A line that is not on sale says so from the first frames on.
    if (this.sale.state !== "on_sale") this.tellSale(watcher, this.sale);
  }

  remove(watcher: Watcher): boolean {
    this.moved.delete(watcher);
    return this.watchers.delete(watcher);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const reply = (await this.conn.xread(
          "COUNT",
          100,
          "BLOCK",
          this.opts.quietWaitMs,
          "STREAMS",
          queueKeys(this.eventId).moves,
          this.lastId,
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) this.handle(parseMove(id, fields, this.last));
        }
        if (!reply) await this.checkLine();
      } catch (error) {
        if (this.stopped) return;
        this.log.warn("live-queue reader error; retrying", { event_id: this.eventId, err: error });
        await Bun.sleep(500);
        await this.checkLine().catch(() => undefined);
      }
    }
  }

  /** After a quiet wait: sockets of a line that is no longer the event's current one lost their place. */
  private async checkLine(): Promise<void> {
    if (this.watchers.size === 0) return;
    const current = (await this.room.lineOf(this.eventId)) ?? "";
    for (const watcher of this.watchers) {
      if (watcher.line !== "" && watcher.line !== current) this.lost(watcher);
    }
  }

  /** The socket's place went with Redis's data: an error frame, then the socket is closed. */
  private lost(watcher: Watcher): void {
    this.watchers.delete(watcher);
    this.moved.delete(watcher);
    const error = placeLost();
    watcher.sink.send(encodeFrame({ type: "error", code: error.code, message: error.message }));
    watcher.sink.close(1008, error.code);
  }

  private handle(move: Move): void {
    this.lastId = move.id;
    this.recent.push(move);
    if (this.recent.length > this.opts.recentMoves) this.recent.shift();
    if (move.served > 0) this.last = { served: move.served, rate: move.rate };
    // The sale first: a waiter admitted by the move that reopened the sale hears both, in order.
    if (move.sale && !sameSale(move.sale, this.sale)) {
      this.sale = move.sale;
      for (const watcher of this.watchers) this.tellSale(watcher, move.sale);
    }
    // The hot loop: ready and gone frames go out at once; moved places wait for the next flush.
    for (const watcher of this.watchers) {
      if (this.apply(watcher, move) && this.watchers.has(watcher)) this.moved.add(watcher);
    }
    this.schedulePositions();
    if (move.opened) void this.drawn();
  }

  /**
   * Tells a waiter where the sale stands (sent at once). When the line is closed (every seat
   * sold) or the sale has ended (its window closed) that is the last frame: the socket is
   * closed, and the place will never be admitted.
   */
  private tellSale(watcher: Watcher, sale: Sale): void {
    this.send(watcher, { type: "sale", ...saleFields(sale) });
    if (!isFinal(sale.state) || !this.watchers.has(watcher)) return;
    this.watchers.delete(watcher);
    this.moved.delete(watcher);
    watcher.sink.close(1000, sale.state === "ended" ? "sale ended" : "sold out");
  }

  /**
   * Position frames go out at most once per \`positionEveryMs\` per event: with admission ticking
   * 4× a second, a frame per socket per move cost the gateway and every client 4 frames a second
   * per waiter (16,000/s with 4,000 waiting) to move a number the buyer reads once in a while.
   * A socket far back hears less often still: every twentieth of its wait, up to 5 intervals (at
   * 50/s, place 4,000 hears every 4 s, place 200 every second). The first move after a quiet
   * spell is sent at once.
   */
  private schedulePositions(): void {
    if (this.moved.size === 0 || this.flushTimer) return;
    const wait = this.flushedAt + this.opts.positionEveryMs - Date.now();
    if (wait <= 0) this.flushPositions();
    else this.flushTimer = setTimeout(() => this.flushPositions(), wait);
  }

  private flushPositions(): void {
    this.flushTimer = undefined;
    const now = Date.now();
    this.flushedAt = now;
    const every = this.opts.positionEveryMs;
    const due: Watcher[] = [];
    for (const watcher of this.moved) {
      if (!this.watchers.has(watcher) || watcher.position === null) this.moved.delete(watcher);
      // A quarter interval of slack: a timer that fires a little early must not skip a socket.
      else if ((this.nextPositionAt.get(watcher) ?? 0) <= now + every / 4) {
        due.push(watcher);
        this.moved.delete(watcher);
        this.nextPositionAt.set(watcher, now + positionPaceMs(watcher.position, this.last.rate, every));
      }
    }
    this.sendPositions(due, 0);
    this.schedulePositions();
  }

  /**
   * Sends position frames a slice at a time, yielding between slices: thousands of sends in one
   * go held the gateway's event loop for tens of milliseconds, and every hold waited behind them.
   */
  private sendPositions(due: Watcher[], from: number): void {
    const end = Math.min(due.length, from + POSITION_SLICE);
    // The frame's shared tail is built once per slice.
    const tail = `,"serving":${this.last.served},"rate_per_sec":${this.last.rate}}`;
    for (let i = from; i < end; i++) {
      const watcher = due[i] as Watcher;
      const p = watcher.position;
      // Admitted, gone or closed since it was picked: its last frame has been sent already.
      if (!this.watchers.has(watcher) || p === null) continue;
      this.sendText(
        watcher,
        `{"type":"position","position":${p},"eta_sec":${etaSeconds(p, this.last.rate)}${tail}`,
      );
    }
    if (end < due.length) setImmediate(() => this.sendPositions(due, end));
  }

  /**
   * The pre-queue just opened: each waiter's drawn place is read once (auto-pipelined), after
   * which moves keep it current like everyone else's.
   */
  private async drawn(): Promise<void> {
    const pending = [...this.watchers].filter((w) => w.position === null);
    await Promise.all(
      pending.map(async (watcher) => {
        try {
          const status = await this.room.status(watcher.token, undefined, { withLastMove: true });
          watcher.position = status.position;
          watcher.opensAt = null;
          watcher.asOf = parseStreamId(status.lastMoveId);
          if (status.status === "waiting")
            this.send(watcher, positionFrame(watcher, this.last.served, this.last.rate));
        } catch (error) {
          if (error instanceof AppError && error.code === "QUEUE_PLACE_LOST") this.lost(watcher);
          else this.log.warn("could not read a drawn place", { event_id: this.eventId, err: error });
        }
      }),
    );
  }

  /**
   * Applies one move to one socket; true when its position changed and it is still waiting. A
   * move of another line means the socket's line was lost — unless the move is an older one
   * replayed to a socket that registered since (`replay`): then it is the socket's line that is new.
   */
  private apply(watcher: Watcher, move: Move, replay = false): boolean {
    if (!after(move.at, watcher.asOf)) return false;
    if (move.line !== "" && watcher.line !== "" && move.line !== watcher.line) {
      if (!replay) this.lost(watcher);
      return false;
    }
    watcher.asOf = move.at;
    const seq = watcher.seq;
    if (holds(move.admitted, seq)) {
      this.send(watcher, { type: "ready", ready_for_entry: true });
      this.watchers.delete(watcher);
      return false;
    }
    const gone = holds(move.removed, seq) ? "expired" : holds(move.left, seq) ? "left" : undefined;
    if (gone) {
      this.send(watcher, { type: gone });
      this.watchers.delete(watcher);
      return false;
    }
    if (watcher.position === null) return false;
    const ahead = below(move.admitted, seq) + below(move.removed, seq) + below(move.left, seq);
    watcher.position = Math.max(1, watcher.position - ahead);
    return ahead > 0;
  }

  private send(watcher: Watcher, frame: QueueFrame): void {
    this.sendText(watcher, encodeFrame(frame));
  }

  private sendText(watcher: Watcher, json: string): void {
    if (!watcher.sink.send(json)) {
      // A socket that cannot keep up is dropped rather than buffered without bound; the
      // client reconnects with its token and resumes its place.
      this.watchers.delete(watcher);
      watcher.sink.close(1013, "too slow; reconnect to resume");
    }
  }
}
