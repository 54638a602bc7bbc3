import { afterEach, describe, expect, test } from "bun:test";
import { ApiError } from "../api.ts";
import { queueStatus } from "../buyer-api.ts";
import type { QueueFrame } from "../types.ts";
import { backoffDelay } from "./backoff.ts";
import { type QueueView, QueueWatcher } from "./queue-watcher.ts";
import { queueSocketUrl } from "./socket-url.ts";

// A real Bun.serve standing in for the gateway's queue routes: the socket and the status route
// behave as each test scripts them, so the watcher is exercised over real sockets and HTTP.

interface Script {
  /** Whether connection number n (1-based) may upgrade; otherwise the upgrade gets a 404. */
  upgrade?: (n: number) => boolean;
  /** What the server does once socket n is open. */
  onOpen?: (ws: Bun.ServerWebSocket<{ n: number }>, n: number) => void;
  /** The status route's answer to poll number n. */
  status?: (n: number) => Response;
}

const servers: ReturnType<typeof Bun.serve>[] = [];
const watchers: QueueWatcher[] = [];

afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
  for (const s of servers.splice(0)) s.stop(true);
});

function fakeGateway(script: Script) {
  const counts = { upgrades: 0, refused: 0, polls: 0 };
  const server = Bun.serve<{ n: number }>({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      const { pathname } = new URL(req.url);
      if (pathname === "/api/v1/queue/ws") {
        const n = counts.upgrades + counts.refused + 1;
        if (script.upgrade?.(n) ?? true) {
          counts.upgrades += 1;
          if (srv.upgrade(req, { data: { n } })) return undefined;
        }
        counts.refused += 1;
        return new Response("no sockets here", { status: 404 });
      }
      if (pathname === "/api/v1/queue/status") {
        counts.polls += 1;
        return script.status?.(counts.polls) ?? Response.json(waiting(99));
      }
      return new Response("not found", { status: 404 });
    },
    websocket: {
      open: (ws) => script.onOpen?.(ws, ws.data.n),
      message: () => undefined,
    },
  });
  servers.push(server);
  return { counts, base: `http://127.0.0.1:${server.port}` };
}

const waiting = (position: number) => ({
  status: "waiting",
  position,
  eta_sec: position * 2,
  waiting_time: 1,
  ready_for_entry: false,
  sale: "on_sale",
  seats_held: 0,
});
const frame = (f: QueueFrame) => JSON.stringify(f);
const position = (p: number): QueueFrame => ({
  type: "position",
  position: p,
  eta_sec: p,
  serving: 10,
  rate_per_sec: 1,
});

/** Starts a watcher with test-sized timings and records every update. */
function watch(base: string, overrides: { connectTimeoutMs?: number } = {}) {
  const views: QueueView[] = [];
  const watcher = new QueueWatcher({
    socketUrl: queueSocketUrl("tok-1", base),
    pollStatus: (signal) => queueStatus("tok-1", { baseUrl: base, signal }),
    onUpdate: (v) => views.push(v),
    pollEveryMs: 40,
    connectTimeoutMs: overrides.connectTimeoutMs ?? 1_000,
    backoff: { baseMs: 60, maxMs: 240 },
  });
  watchers.push(watcher);
  watcher.start();
  return { views, watcher };
}

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}

const last = (views: QueueView[]) => views.at(-1);
const positions = (views: QueueView[]) =>
  views.flatMap((v) => (v.phase === "waiting" ? [`${v.position}:${v.channel}`] : []));

describe("QueueWatcher over a live socket", () => {
  test("shows each pushed position and finishes on ready without polling", async () => {
    const gw = fakeGateway({
      onOpen: (ws) => {
        ws.send(frame(position(3)));
        setTimeout(() => ws.send(frame(position(2))), 20);
        setTimeout(() => ws.send(frame({ type: "ready", ready_for_entry: true })), 40);
      },
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "ready");
    expect(views[0]).toEqual({ phase: "connecting" });
    expect(positions(views)).toEqual(["3:live", "2:live"]);
    expect(gw.counts.polls).toBe(0);
  });

  test("an expired place is final: no reconnect after the server closes", async () => {
    const gw = fakeGateway({
      onOpen: (ws) => {
        ws.send(frame({ type: "expired" }));
        ws.close(1000, "done");
      },
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "expired");
    await Bun.sleep(300);
    expect(gw.counts.upgrades).toBe(1);
    expect(last(views)).toEqual({ phase: "expired" });
  });

  test("reconnects with backoff after a drop and resumes the same place, polling in between", async () => {
    const gw = fakeGateway({
      onOpen: (ws, n) => {
        if (n === 1) {
          ws.send(frame(position(5)));
          setTimeout(() => ws.close(1012, "server restarting"), 20);
        } else {
          ws.send(frame(position(4)));
        }
      },
      status: () => Response.json(waiting(5)),
    });
    const { views, watcher } = watch(gw.base);
    await until(() => positions(views).includes("4:live"));
    expect(gw.counts.upgrades).toBe(2);
    // While the socket was down the buyer still saw their place, from the status route.
    expect(positions(views)).toEqual(["5:live", "5:polling", "4:live"]);
    expect(watcher.live).toBe(true);
    // Once live again, polling stops.
    const polls = gw.counts.polls;
    await Bun.sleep(150);
    expect(gw.counts.polls).toBe(polls);
  });
});

describe("QueueWatcher and the sale state", () => {
  const sales = (views: QueueView[]) =>
    views.flatMap((v) => (v.phase === "waiting" ? [`${v.position}:${v.sale}:${v.seatsHeld}`] : []));

  test("a sold-out frame keeps the place and says how many seats may come back; on sale again resumes", async () => {
    const gw = fakeGateway({
      onOpen: (ws) => {
        ws.send(frame(position(3)));
        setTimeout(() => ws.send(frame({ type: "sale", sale: "sold_out", seats_held: 4 })), 20);
        setTimeout(() => ws.send(frame({ type: "sale", sale: "sold_out", seats_held: 2 })), 40);
        setTimeout(() => ws.send(frame({ type: "sale", sale: "on_sale", seats_held: 1 })), 60);
        setTimeout(() => ws.send(frame(position(2))), 80);
      },
    });
    const { views } = watch(gw.base);
    await until(
      () => last(views)?.phase === "waiting" && (last(views) as { position: number }).position === 2,
    );
    expect(sales(views)).toEqual([
      "3:on_sale:0",
      "3:sold_out:4",
      "3:sold_out:2",
      "3:on_sale:1",
      "2:on_sale:1",
    ]);
    expect(gw.counts.polls).toBe(0);
  });

  test("a closed line is final: the server's close after it is not reconnected", async () => {
    const gw = fakeGateway({
      onOpen: (ws) => {
        ws.send(frame(position(7)));
        ws.send(frame({ type: "sale", sale: "sold_out", seats_held: 1 }));
        setTimeout(() => {
          ws.send(frame({ type: "sale", sale: "closed", seats_held: 0 }));
          ws.close(1000, "sold out");
        }, 20);
      },
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "closed");
    await Bun.sleep(300);
    expect(gw.counts.upgrades).toBe(1);
    expect(gw.counts.polls).toBe(0);
    expect(last(views)).toEqual({ phase: "closed" });
  });

  test("a sale that ended is final: the buyer sees it ended, and the server's close is not reconnected", async () => {
    const gw = fakeGateway({
      onOpen: (ws) => {
        ws.send(frame(position(4)));
        setTimeout(() => {
          ws.send(frame({ type: "sale", sale: "ended", seats_held: 0 }));
          ws.close(1000, "sale ended");
        }, 20);
      },
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "ended");
    await Bun.sleep(300);
    expect(gw.counts.upgrades).toBe(1);
    expect(gw.counts.polls).toBe(0);
    expect(last(views)).toEqual({ phase: "ended" });
  });

  test("polls carry the sale state too, and a poll that says closed ends the wait", async () => {
    const gw = fakeGateway({
      upgrade: () => false,
      status: (n) =>
        Response.json(
          n < 3
            ? { ...waiting(5), sale: "sold_out", seats_held: 3 - n }
            : { ...waiting(5), sale: "closed", seats_held: 0 },
        ),
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "closed");
    expect(sales(views)).toEqual(["5:sold_out:2", "5:sold_out:1"]);
    const polls = gw.counts.polls;
    await Bun.sleep(200);
    expect(gw.counts.polls).toBe(polls);
  });
});

describe("QueueWatcher without a socket", () => {
  test("falls back to polling when the socket cannot connect, and keeps retrying it", async () => {
    const gw = fakeGateway({
      upgrade: () => false,
      status: (n) => Response.json(n < 4 ? waiting(8 - n) : { ...waiting(0), status: "ready" }),
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "ready");
    expect(positions(views)).toEqual(["7:polling", "6:polling", "5:polling"]);
    expect(gw.counts.refused).toBeGreaterThanOrEqual(1);
  });

  test("polls when the upgrade hangs instead of failing", async () => {
    // Port of a server that accepts TCP but never answers: the socket sits in CONNECTING.
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } });
    const gw = fakeGateway({ status: () => Response.json(waiting(12)) });
    const views: QueueView[] = [];
    const watcher = new QueueWatcher({
      socketUrl: queueSocketUrl("tok-1", `http://127.0.0.1:${silent.port}`),
      pollStatus: (signal) => queueStatus("tok-1", { baseUrl: gw.base, signal }),
      onUpdate: (v) => views.push(v),
      pollEveryMs: 40,
      connectTimeoutMs: 100,
    });
    watchers.push(watcher);
    watcher.start();
    try {
      await until(() => positions(views).includes("12:polling"));
    } finally {
      watcher.stop();
      silent.stop(true);
    }
  });

  test("a token the gateway does not know ends in a failure the page can explain", async () => {
    const gw = fakeGateway({
      onOpen: (ws) => {
        ws.send(frame({ type: "error", code: "VALIDATION_FAILED", message: "token: malformed" }));
        ws.close(1008, "VALIDATION_FAILED");
      },
      status: () =>
        Response.json({ error: { code: "VALIDATION_FAILED", message: "token: malformed" } }, { status: 400 }),
    });
    const { views } = watch(gw.base);
    await until(() => last(views)?.phase === "failed");
    const failed = last(views);
    expect(failed?.phase === "failed" && failed.error instanceof ApiError && failed.error.code).toBe(
      "VALIDATION_FAILED",
    );
    await Bun.sleep(300);
    expect(gw.counts.upgrades).toBe(1);
  });

  test("a rate-limited or failing poll keeps the last place and marks it troubled", async () => {
    const gw = fakeGateway({
      upgrade: () => false,
      status: (n) =>
        n === 1
          ? Response.json(waiting(9))
          : Response.json({ error: { code: "RATE_LIMITED", message: "slow" } }, { status: 429 }),
    });
    const { views } = watch(gw.base);
    await until(() => views.some((v) => v.phase === "waiting" && v.troubled));
    expect(views.find((v) => v.phase === "waiting" && v.troubled)).toMatchObject({ position: 9 });
  });

  test("stop() ends polling and reconnecting", async () => {
    const gw = fakeGateway({ upgrade: () => false });
    const { views, watcher } = watch(gw.base);
    await until(() => gw.counts.polls >= 1);
    watcher.stop();
    const seen = { polls: gw.counts.polls, refused: gw.counts.refused, views: views.length };
    await Bun.sleep(300);
    expect({ polls: gw.counts.polls, refused: gw.counts.refused, views: views.length }).toEqual(seen);
  });
});

describe("backoffDelay", () => {
  const opts = { baseMs: 1_000, maxMs: 15_000 };

  test("doubles per attempt up to the ceiling, never below half of it", () => {
    const low = [0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 0));
    const high = [0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 1));
    expect(low).toEqual([500, 1_000, 2_000, 4_000, 7_500, 7_500]);
    expect(high).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
  });

  test("spreads clients that drop at the same moment", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
