import { duplicateRedis, type Logger, type Metrics } from "@tt/kit";
import type Redis from "ioredis";
import { encodeFrame, type FrameSink, type Watcher } from "../../domain/queue/frames.ts";
import { parseStreamId } from "../../domain/queue/moves.ts";
import { EventReader } from "./event-reader.redis.ts";
import type { WaitingRoom } from "./waiting-room.redis.ts";

/** Options of the fan-out. */
export interface LiveQueueOptions {
  /** How often live sockets refresh their waiters' heartbeat. */
  heartbeatEveryMs?: number;
  /** Moves kept per event to bring late-registering sockets up to date. */
  recentMoves?: number;
  /** Least time between two position frames of one socket (ready and gone frames are never held). */
  positionEveryMs?: number;
  /**
   * Longest wait of a reader for the next move (XREAD BLOCK, default 5 s); after a quiet wait it
   * checks that its sockets' line still exists, so a line Redis lost is noticed within this long.
   */
  quietWaitMs?: number;
}

/**
 * Pushes queue moves to this process's WebSockets. Per live event, one reader tails the event's
 * move stream (XREAD BLOCK on its own connection) and updates every local socket's position
 * from the arrival numbers each move removed — no Redis call per socket, so the cost per move
 * is O(events) in Redis and O(local sockets) in memory.
 */
export class LiveQueue {
  private readonly readers = new Map<string, EventReader>();
  private readonly active = new Set<Watcher>();
  private readonly connections;

  constructor(
    private readonly redis: Redis,
    private readonly room: WaitingRoom,
    private readonly log: Logger,
    metrics: Metrics,
    private readonly opts: LiveQueueOptions = {},
  ) {
    this.connections = metrics.gauge("websocket_connections", "Live queue WebSockets");
  }

  /** Registers a socket for a waiting token and sends its first frame; undefined when it is not waiting. */
  async watch(token: string, sink: FrameSink): Promise<Watcher | undefined> {
    const status = await this.room.status(token, undefined, { withLastMove: true });
    if (status.status === "ready") sink.send(encodeFrame({ type: "ready", ready_for_entry: true }));
    if (status.status === "expired" || status.status === "left")
      sink.send(encodeFrame({ type: status.status }));
    if (status.status !== "waiting") return undefined;

    const watcher: Watcher = {
      token,
      eventId: status.eventId,
      seq: status.seq,
      position: status.position,
      opensAt: status.opensAt,
      asOf: parseStreamId(status.lastMoveId),
      line: status.line,
      sink,
    };
    this.active.add(watcher);
    this.connections.inc();
    let reader = this.readers.get(status.eventId);
    if (!reader) {
      const quietWaitMs = this.opts.quietWaitMs ?? 5000;
      reader = new EventReader(
        status.eventId,
        // XREAD BLOCK waits up to 5 s by design: the kit's 1 s command timeout would cut every
        // quiet wait short and delay the next move by the reader's retry pause.
        duplicateRedis(this.redis, this.log, { commandTimeout: Math.max(10_000, 2 * quietWaitMs) }),
        this.room,
        this.log,
        status.lastMoveId,
        {
          heartbeatEveryMs: this.opts.heartbeatEveryMs ?? 60_000,
          recentMoves: this.opts.recentMoves ?? 200,
          positionEveryMs: this.opts.positionEveryMs ?? 1000,
          quietWaitMs,
        },
      );
      this.readers.set(status.eventId, reader);
      reader.start();
    }
    const ratePerSec = status.ratePerSec;
    reader.add(watcher, { served: status.served, rate: ratePerSec, sale: status.sale });
    return watcher;
  }

  /** Forgets a socket (closed by either side). */
  unwatch(watcher: Watcher): void {
    if (!this.active.delete(watcher)) return;
    this.connections.dec();
    const reader = this.readers.get(watcher.eventId);
    if (!reader) return;
    reader.remove(watcher);
    if (reader.size === 0) {
      this.readers.delete(watcher.eventId);
      void reader.stop();
    }
  }

  /** Closes every socket (clients reconnect elsewhere and keep their place) and stops every reader. */
  async close(): Promise<void> {
    for (const watcher of this.active) watcher.sink.close(1012, "server restarting; reconnect to resume");
    this.active.clear();
    await Promise.all([...this.readers.values()].map((r) => r.stop()));
    this.readers.clear();
  }
}
