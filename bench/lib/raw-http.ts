/**
 * A lean HTTP/1.1 client for open-loop load, over Bun's TCP sockets: keep-alive connections,
 * one request at a time on each, opened as the offered rate needs them (up to `maxConnections`).
 *
 * Why not `fetch`: on this 2-core machine a `fetch` costs the load generator about as much CPU as
 * the gateway spends answering a join, so the generator could not offer twice what the gateway
 * serves. Here a request is one prepared string written to a socket and an answer is its status
 * line, two headers and (for an error) its code: a few microseconds.
 */
import type { Socket } from "bun";
import type { Answer } from "./open-loop.ts";

interface Conn {
  socket?: Socket<Conn>;
  buffered: string;
  pending?: { started: number; resolve: (a: Answer) => void };
  dead: boolean;
}

const HEAD_END = "\r\n\r\n";

/** The status, Retry-After and length of one answer at the start of `text`, once it has all arrived. */
export function parseAnswer(
  text: string,
): { status: number; retryAfter: boolean; body: string; rest: string } | undefined {
  const headEnd = text.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = text.slice(0, headEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  const bodyStart = headEnd + HEAD_END.length;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  let bodyEnd: number;
  if (length) {
    bodyEnd = bodyStart + Number(length[1]);
    if (text.length < bodyEnd) return undefined;
  } else if (head.includes("\r\ntransfer-encoding: chunked")) {
    const last = text.indexOf("\r\n0\r\n\r\n", bodyStart - 2);
    if (last < 0) return undefined;
    bodyEnd = last + "\r\n0\r\n\r\n".length;
  } else {
    bodyEnd = bodyStart;
  }
  return {
    status,
    retryAfter: head.includes("\r\nretry-after:"),
    body: text.slice(bodyStart, bodyEnd),
    rest: text.slice(bodyEnd),
  };
}

export class RawHttpPool {
  private readonly idle: Conn[] = [];
  private readonly waiting: Array<{ request: string; started: number; resolve: (a: Answer) => void }> = [];
  private readonly busy = new Set<Conn>();
  private open = 0;
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly opts: { maxConnections: number; timeoutMs: number },
  ) {
    // One timer for every request's deadline (a timer each would cost more than the request).
    this.sweep = setInterval(() => this.expire(), 100);
  }

  /** Sends one prepared request (`head(...)` + body); resolves with its answer, or status 0 on timeout. */
  request(request: string): Promise<Answer> {
    const started = performance.now();
    return new Promise((resolve) => {
      const conn = this.idle.pop();
      if (conn) return this.send(conn, request, started, resolve);
      if (this.open < this.opts.maxConnections) return void this.connect(request, started, resolve);
      this.waiting.push({ request, started, resolve });
    });
  }

  close(): void {
    clearInterval(this.sweep);
    for (const conn of [...this.idle, ...this.busy]) conn.socket?.end();
  }

  private send(conn: Conn, request: string, started: number, resolve: (a: Answer) => void): void {
    conn.pending = { started, resolve };
    this.busy.add(conn);
    conn.socket?.write(request);
  }

  private async connect(request: string, started: number, resolve: (a: Answer) => void): Promise<void> {
    this.open += 1;
    const conn: Conn = { buffered: "", dead: false };
    conn.pending = { started, resolve };
    this.busy.add(conn);
    try {
      conn.socket = await Bun.connect<Conn>({
        hostname: this.host,
        port: this.port,
        data: conn,
        socket: {
          data: (socket, chunk) => this.received(socket.data, chunk),
          close: (socket) => this.lost(socket.data),
          error: (socket) => this.lost(socket.data),
        },
      });
      if (conn.dead) return;
      conn.socket.write(request);
    } catch {
      this.lost(conn);
    }
  }

  private received(conn: Conn, chunk: Uint8Array): void {
    conn.buffered += Buffer.from(chunk).toString("latin1");
    const answer = parseAnswer(conn.buffered);
    if (!answer || !conn.pending) return;
    conn.buffered = answer.rest;
    const { started, resolve } = conn.pending;
    conn.pending = undefined;
    this.busy.delete(conn);
    const code = answer.status >= 400 ? /"code":"([A-Z_]+)"/.exec(answer.body)?.[1] : undefined;
    resolve({
      status: answer.status,
      ...(code ? { code } : {}),
      retryAfter: answer.retryAfter,
      ms: performance.now() - started,
    });
    this.release(conn);
  }

  /** Hands a free connection to the next waiting request, or keeps it idle. */
  private release(conn: Conn): void {
    const next = this.waiting.shift();
    if (next) this.send(conn, next.request, next.started, next.resolve);
    else this.idle.push(conn);
  }

  private lost(conn: Conn): void {
    if (conn.dead) return;
    conn.dead = true;
    this.open -= 1;
    this.busy.delete(conn);
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    const pending = conn.pending;
    conn.pending = undefined;
    pending?.resolve({
      status: 0,
      code: "CLOSED",
      retryAfter: false,
      ms: performance.now() - pending.started,
    });
    const next = this.waiting.shift();
    if (next) void this.connect(next.request, next.started, next.resolve);
  }

  private expire(): void {
    const now = performance.now();
    for (const conn of this.busy) {
      const pending = conn.pending;
      if (!pending || now - pending.started < this.opts.timeoutMs) continue;
      conn.pending = undefined;
      pending.resolve({ status: 0, code: "TIMEOUT", retryAfter: false, ms: now - pending.started });
      conn.socket?.terminate();
      this.lost(conn);
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i];
      if (w && now - w.started >= this.opts.timeoutMs) {
        this.waiting.splice(i, 1);
        w.resolve({ status: 0, code: "TIMEOUT", retryAfter: false, ms: now - w.started });
      }
    }
  }
}

/** The head of a POST with a JSON body, ready to write. */
export function postJson(path: string, headers: Record<string, string>, body: unknown): string {
  const text = JSON.stringify(body);
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return `POST ${path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${lines.join("")}\r\n${text}`;
}
