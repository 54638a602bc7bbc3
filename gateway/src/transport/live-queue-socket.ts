import { AppError } from "@tt/kit";
import { Elysia, t } from "elysia";
import type { LiveQueue } from "../adapters/queue/live-queue.redis.ts";
import type { PurchaseWatch } from "../adapters/queue/purchase-watch.redis.ts";
import type { Caller } from "../adapters/queue/waiting-room.redis.ts";
import { encodeFrame, type FrameSink, type Watcher } from "../domain/queue/frames.ts";

/** What the live-queue socket needs from the rest of the gateway. */
export interface LiveSocketDeps {
  live: LiveQueue;
  purchases: PurchaseWatch;
  /** The caller's identity for the per-client socket cap. */
  callerOf(request: Request): Caller | undefined;
  /** The live queue's upgrade limit per client address (WS_UPGRADE_RATE_PER_SEC); throws RATE_LIMITED. */
  limitUpgrade?(request: Request): Promise<void>;
  /** Origins besides the gateway's own whose pages may open the live queue (WS_ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** Live sockets at once per waiting token and per client address (0: no cap; per client only when rate limiting knows the address). */
  maxSocketsPerToken?: number;
  maxSocketsPerClient?: number;
  /** Sockets buffering more than this many bytes are dropped (backpressure). */
  maxSocketBufferBytes?: number;
}

const TokenQuery = t.Object({ token: t.String({ minLength: 1, maxLength: 200 }) });

/** A client's request to have its hold's outcome pushed. */
interface WatchMessage {
  type?: string;
  reservation_id?: unknown;
  watch_token?: unknown;
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * A browser always says where a socket's page comes from; a page of another site must not follow
 * a buyer's place with the buyer's cookies or token (cross-site WebSocket hijacking). The
 * gateway's own origin (as the request reached it, through a proxy too) and the configured ones
 * are allowed; a client with no Origin is not a browser page, and proves itself by its token.
 */
export function originAllowed(request: Request, allowed: readonly string[]): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  if (allowed.includes(origin) || allowed.includes("*")) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const own = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return host === own;
}

/** Counts by key, forgetting a key at zero (bounded by what is open). */
class Counts {
  private readonly m = new Map<string, number>();
  of(key: string): number {
    return this.m.get(key) ?? 0;
  }
  add(key: string): void {
    this.m.set(key, this.of(key) + 1);
  }
  remove(key: string): void {
    const n = this.of(key) - 1;
    if (n > 0) this.m.set(key, n);
    else this.m.delete(key);
  }
}

/**
 * The live-queue WebSocket, `GET /queue/ws` under the queue routes' prefix (docs/spec.md, "Live
 * queue (WebSocket)"): origin check, socket caps, upgrade limit, then one watch per socket, and
 * the client's watch of its hold's outcome.
 */
export function liveQueueSocket(deps: LiveSocketDeps) {
  const { live, purchases } = deps;
  const sinks = new WeakMap<object, FrameSink>();
  const maxBuffer = deps.maxSocketBufferBytes ?? 64 * 1024;
  const sockets = new WeakMap<object, Watcher>();
  // Sockets open per waiting token and per client address, and what each socket counted under.
  const perToken = new Counts();
  const perClient = new Counts();
  const countedAs = new WeakMap<object, { token: string; client: string | undefined }>();
  const closed = new WeakSet<object>();
  const capsReached = (token: string, client: string | undefined) =>
    ((deps.maxSocketsPerToken ?? 0) > 0 && perToken.of(token) >= (deps.maxSocketsPerToken ?? 0)) ||
    (client !== undefined &&
      (deps.maxSocketsPerClient ?? 0) > 0 &&
      perClient.of(client) >= (deps.maxSocketsPerClient ?? 0));

  // Elysia runs a socket route's beforeHandle twice (as the route's hook, then before the
  // upgrade), with the same Request: one token per upgrade, not two.
  const upgradesLimited = new WeakMap<Request, Promise<void>>();
  const limitUpgradeOnce = (request: Request): Promise<void> => {
    let limited = upgradesLimited.get(request);
    if (!limited) {
      limited = deps.limitUpgrade?.(request) ?? Promise.resolve();
      upgradesLimited.set(request, limited);
    }
    return limited;
  };

  return new Elysia().ws("/ws", {
    query: TokenQuery,
    async beforeHandle({ request, query }) {
      if (!originAllowed(request, deps.allowedOrigins ?? [])) {
        throw new AppError("FORBIDDEN", "Pages of this origin may not open the live queue");
      }
      if (capsReached(query.token, deps.callerOf(request)?.ip)) {
        throw new AppError("RATE_LIMITED", "Too many live-queue sockets open for this place", {
          retryAfterSec: 5,
        });
      }
      // Last, as it costs a Redis round trip: an upgrade is a socket and a watch to set up.
      await limitUpgradeOnce(request);
    },
    async open(ws) {
      const token = ws.data.query.token;
      const client = deps.callerOf(ws.data.request)?.ip;
      perToken.add(token);
      if (client !== undefined) perClient.add(client);
      countedAs.set(ws.raw, { token, client });
      // Elysia's type of the raw socket predates getBufferedAmount; Bun's own type has it.
      const raw = ws.raw as unknown as Bun.ServerWebSocket<unknown>;
      // send() answers -1 when the message was queued behind backpressure and 0 when dropped;
      // only then is the buffer worth a look (one native call per frame saved).
      const send = (json: string) => {
        const sent = raw.send(json);
        return sent > 0 || (sent === -1 && raw.getBufferedAmount() <= maxBuffer);
      };
      const sink: FrameSink = { send, close: (code, reason) => raw.close(code, reason) };
      sinks.set(ws.raw, sink);
      try {
        const watcher = await live.watch(ws.data.query.token, sink);
        // The socket may have closed while the watch was being set up: let nothing outlive it.
        if (watcher && closed.has(ws.raw)) live.unwatch(watcher);
        else if (watcher) sockets.set(ws.raw, watcher);
      } catch (error) {
        const appError =
          error instanceof AppError ? error : new AppError("INTERNAL", "Could not follow the queue");
        send(encodeFrame({ type: "error", code: appError.code, message: appError.message }));
        raw.close(1008, appError.code);
      }
    },
    close(ws) {
      closed.add(ws.raw);
      const counted = countedAs.get(ws.raw);
      if (counted) {
        perToken.remove(counted.token);
        if (counted.client !== undefined) perClient.remove(counted.client);
      }
      const watcher = sockets.get(ws.raw);
      if (watcher) live.unwatch(watcher);
      const sink = sinks.get(ws.raw);
      if (sink) purchases.forget(sink);
    },
    async message(ws, message) {
      // The only message a client sends is a watch of its hold's outcome (purchase-watch.redis.ts);
      // anything else is a keep-alive.
      const sink = sinks.get(ws.raw);
      const m = (typeof message === "string" ? safeJson(message) : message) as WatchMessage | undefined;
      if (!sink || m?.type !== "watch") return;
      const ok = await purchases
        .watch(String(m.reservation_id ?? ""), String(m.watch_token ?? ""), sink)
        .catch(() => false);
      if (!ok) {
        sink.send(
          encodeFrame({
            type: "error",
            code: "FORBIDDEN",
            message: "Not a watch token for this reservation",
          }),
        );
      }
    },
  });
}
