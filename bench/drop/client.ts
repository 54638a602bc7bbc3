/** A simulated buyer's HTTP client: times every call and classifies it for the drop's error rate. */
import type { ErrorAnswer } from "@tt/kit/api";
import { isErrorCode, isRetryable } from "@tt/kit/retry";
import type { DropStats, Outcome, Step } from "./stats.ts";

interface ReplyCommon {
  status: number;
  /** Seconds the gateway asked to wait before trying again (`Retry-After`), if it did. */
  retryAfterSec?: number;
}

/** A 2xx: `body` is the route's answer, typed by the caller from the gateway's schemas (`@tt/kit/api`). */
export interface Answered<T> extends ReplyCommon {
  ok: true;
  body: T;
  code?: undefined;
}

/** Anything else; status 0 means no answer (timeout or network failure). */
export interface Refused extends ReplyCommon {
  ok: false;
  /** The error code of a refusal (`error.code`), or TIMEOUT / NETWORK_… without an answer. */
  code?: string;
  /** The standard error body's `error`, when the refusal had one. */
  error?: ErrorAnswer["error"];
}

/** A gateway answer. */
export type Reply<T = unknown> = Answered<T> | Refused;

// A buyer told "busy, retry in N s" (503 OVERLOADED, Retry-After) tries again after N s, as a
// person at a busy page does, for up to this long; other failures get the usual four tries.
const OVERLOADED_PATIENCE_MS = 20_000;

/** Per step, refusals that are a normal part of a drop rather than a platform failure. */
const EXPECTED: Partial<Record<Step, readonly string[]>> = {
  // Every seat sold: the line is closed (docs/spec.md, "Sold out"). A challenged event's first
  // join is answered with the challenge to solve (drop/challenge.ts).
  join: ["SOLD_OUT", "CHALLENGE_REQUIRED"],
  // Two buyers picked the same seat from their (slightly stale) maps: one must lose. A token that
  // went stale while a busy hold was retried is answered by entering again, as the web app does
  // (web/src/admission.ts); a second stale token ends the buyer in error (buyer.ts).
  hold: ["SEAT_UNAVAILABLE", "INVENTORY_CONFLICT", "IDEMPOTENCY_IN_PROGRESS", "RESERVATION_TOKEN_INVALID"],
  // The documented answer to a retry that overtakes a slow first attempt (docs/spec.md, "Idempotency");
  // the slow attempt itself was already counted as an error.
  confirm: ["IDEMPOTENCY_IN_PROGRESS"],
  pay_intent: ["IDEMPOTENCY_IN_PROGRESS"],
};

/**
 * The seat map every admitted buyer reads is the same text for as long as the gateway reuses it
 * (AVAILABILITY_CACHE_MS): parsing 25 KB of JSON per read made JSON.parse the simulator's
 * busiest function, CPU taken from the platform under test on the same machine. Each buyer still
 * sends its own request; only the parse of an identical answer is shared (read-only).
 */
let lastMap: { text: string; json: unknown } | undefined;
function parseMap(text: string): unknown {
  if (lastMap?.text !== text) lastMap = { text, json: JSON.parse(text) };
  return lastMap.json;
}

/** An answer that says nothing about the outcome: the call may still land, or has already. */
export const unsettled = (r: Reply) =>
  r.status === 0 || r.status >= 500 || r.code === "IDEMPOTENCY_IN_PROGRESS";

/**
 * Worth asking again with the same key: an answer that leaves the outcome open (`unsettled`) and
 * is not final. A code the error catalogue knows is tried again only if it calls it retryable;
 * no answer (TIMEOUT, NETWORK_…) or a 5xx without a catalogue code (a proxy's page) is the
 * transport's to judge, and is. A retryable refusal that settles the call (a 429, a seat race's
 * INVENTORY_CONFLICT) is not repeated: the buyer acts on it, and the drop counts it as it came.
 */
const worthRetrying = (r: Reply) => unsettled(r) && (!isErrorCode(r.code) || isRetryable(r));

/**
 * Calls the gateway as one buyer: the load-test bypass token naming the buyer (no login per
 * buyer), or, against a stage that takes no bypass tokens, a load-test JWT.
 */
export class BuyerClient {
  private readonly headers: Record<string, string>;
  /** The last seat map and its tag: revalidated with If-None-Match, as a browser does (304 → this). */
  private map: { etag: string; body: unknown } | undefined;

  constructor(
    private readonly base: string,
    readonly userId: string,
    private readonly stats: DropStats,
    private readonly timeoutMs: number,
    /** A JWT naming this buyer (a staging stage: drop/config `--jwts`); else the bypass token. */
    jwt?: string,
  ) {
    this.headers = jwt
      ? { authorization: `Bearer ${jwt}`, "content-type": "application/json" }
      : {
          authorization: "Bearer load-test-bypass-token",
          "x-user-id": userId,
          "content-type": "application/json",
        };
  }

  /** One request, timed and counted; never throws. `T`: the route's answer. */
  async call<T = unknown>(
    step: Step,
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<Reply<T>> {
    const { reply, ms } = await this.send<T>(step, method, path, body, idempotencyKey);
    this.count(step, reply, ms, this.classify(step, reply));
    return reply;
  }

  /**
   * Like `call`, but tries again (same idempotency key, so nothing happens twice) on timeouts and
   * on the unsettled answers the catalogue calls retryable (5xx, IDEMPOTENCY_IN_PROGRESS), as a
   * real client would. Failed tries count as errors
   * when the buyer ends without an answer, and as `retried` when a later try got one — or when
   * `settled` resolved meanwhile: the buyer learned the outcome another way (a pushed frame) and
   * stops asking, as the web app does.
   */
  async retrying<T = unknown>(
    step: Step,
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
    tries = 4,
    settled?: Promise<unknown>,
  ): Promise<Reply<T>> {
    const failed: { reply: Reply<T>; ms: number }[] = [];
    const started = performance.now();
    let elsewhere = false;
    void settled?.then(() => {
      elsewhere = true;
    });
    let last = await this.send<T>(step, method, path, body, idempotencyKey);
    for (let t = 1; worthRetrying(last.reply) && !elsewhere; t++) {
      const told = last.reply.code === "OVERLOADED" && last.reply.retryAfterSec !== undefined;
      if (told ? performance.now() - started > OVERLOADED_PATIENCE_MS : t >= tries) break;
      failed.push(last);
      const pause = Bun.sleep(
        told ? (last.reply.retryAfterSec ?? 1) * 1000 * (1 + Math.random() / 2) : 300 * 2 ** t,
      );
      await (settled ? Promise.race([pause, settled]) : pause);
      if (elsewhere) break;
      last = await this.send<T>(step, method, path, body, idempotencyKey);
    }
    const answered = !worthRetrying(last.reply);
    for (const f of failed)
      this.count(step, f.reply, f.ms, answered || elsewhere ? "retried" : this.classify(step, f.reply));
    // Already among `failed` when the outcome came another way during the pause.
    if (failed.at(-1) !== last)
      this.count(
        step,
        last.reply,
        last.ms,
        elsewhere && !answered ? "retried" : this.classify(step, last.reply),
      );
    return last.reply;
  }

  private async send<T>(step: Step, method: string, path: string, body?: unknown, idempotencyKey?: string) {
    const started = performance.now();
    let reply: Reply<T>;
    const cached = step === "availability" ? this.map : undefined;
    const headers = idempotencyKey ? { ...this.headers, "idempotency-key": idempotencyKey } : this.headers;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: cached ? { ...headers, "if-none-match": cached.etag } : headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = !text ? undefined : step === "availability" && res.ok ? parseMap(text) : JSON.parse(text);
      } catch {
        json = { raw: text.slice(0, 200) };
      }
      const retryAfter = res.headers.get("retry-after");
      const told = retryAfter ? { retryAfterSec: Number(retryAfter) } : {};
      if (cached && res.status === 304) reply = { ok: true, status: 200, body: cached.body as T };
      else if (res.ok) reply = { ok: true, status: res.status, body: json as T, ...told };
      else {
        // A refusal carries the standard error body; anything else (a proxy's page) has no code.
        const error = (json as Partial<ErrorAnswer> | undefined)?.error;
        reply = { ok: false, status: res.status, code: error?.code, ...(error ? { error } : {}), ...told };
      }
      if (step === "availability" && res.ok && res.headers.get("etag"))
        this.map = { etag: res.headers.get("etag") ?? "", body: json };
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      reply = { ok: false, status: 0, code: name === "TimeoutError" ? "TIMEOUT" : `NETWORK_${name}` };
    }
    return { reply, ms: performance.now() - started };
  }

  private count(step: Step, reply: Reply<unknown>, ms: number, outcome: Outcome): void {
    this.stats.record(step, ms, outcome, `${reply.status} ${reply.code ?? ""}`.trim());
  }

  private classify(step: Step, reply: Reply<unknown>): Outcome {
    if (reply.status >= 200 && reply.status < 300) return "ok";
    if (reply.status >= 400 && reply.status < 500 && reply.code && EXPECTED[step]?.includes(reply.code))
      return "expected";
    return "error";
  }
}
