import type { DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel as Idempotency } from "@bufbuild/protobuf/wkt";
import {
  type Client,
  Code,
  ConnectError,
  createClient,
  createContextKey,
  createContextValues,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { common } from "@tt/contracts";
import { type Bulkhead, bulkhead } from "../bulkhead.ts";
import { AppError } from "../errors.ts";
import { credentialInterceptor } from "../identity/connect.ts";
import type { Credentials } from "../identity/credentials.ts";
import type { Metrics } from "../metrics.ts";
import { currentOrigin } from "../origin.ts";
import { retrying } from "../retry.ts";
import { injectHeaders } from "../telemetry.ts";
import { type BreakerOptions, CircuitBreaker } from "./breaker.ts";
import { currentBudget, DEADLINE_MARGIN_MS } from "./deadline.ts";
import { fromConnectError, toConnectError } from "./error-detail.ts";

/** How a client reaches one upstream service. */
export interface ServiceClientOptions {
  /** Upstream name for metrics and errors, e.g. "inventory". */
  name: string;
  baseUrl: string;
  /** Deadline of each call unless the call passes its own `timeoutMs`. */
  timeoutMs?: number;
  /** Extra attempts for side-effect-free and idempotent procedures when the upstream is unavailable. */
  retries?: number;
  breaker?: BreakerOptions;
  metrics?: Metrics;
  /** Calls to this upstream at once, and calls waiting for a slot; beyond: OVERLOADED (bulkhead.ts). */
  maxInFlight?: number;
  maxQueued?: number;
  /** A latency-driven limit, for a client at the edge (bulkhead.ts). */
  adaptive?: { minInFlight: number; targetMs: number; queuePerSlot?: number };
  /**
   * Who the calls come from: the calling service's `service.credentials`, or `devCredentials()`
   * outside production. Without them the upstream refuses every procedure but health (401).
   */
  credentials?: Credentials;
  /** The upstream's service name its credentials must name (`aud`); default `name`. */
  audience?: string;
}

// Only failures that say the upstream is unhealthy trip the breaker; a domain answer such as
// SEAT_UNAVAILABLE is a healthy upstream doing its job.
const UNHEALTHY = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.Internal, Code.Unknown]);
const BREAKER_OPEN = "breaker-open";

// The absolute deadline of one call (all its attempts), so a retry announces what is left.
const CALL_DEADLINE = createContextKey<number>(0);

function breakerInterceptor(name: string, breaker: CircuitBreaker, timeoutMs: number): Interceptor {
  return (next) => async (req) => {
    if (!breaker.tryPass()) {
      const error = toConnectError(
        new AppError("UPSTREAM_UNAVAILABLE", `${name} is unavailable (circuit open)`, {
          retryAfterSec: Math.ceil(breaker.retryAfterMs() / 1000),
        }),
      );
      error.metadata.set("x-tt-breaker", BREAKER_OPEN);
      throw error;
    }
    const started = Date.now();
    try {
      const res = await next(req);
      breaker.success();
      return res;
    } catch (error) {
      const ce = ConnectError.from(error);
      // An error carrying a catalogue code was answered by the upstream itself — even
      // UPSTREAM_TIMEOUT passed on from its own dependency — so it says nothing about this hop;
      // counting it would open every breaker along a chain when only the last link is slow.
      const answered = ce.findDetails(common.ErrorDetailSchema).length > 0;
      // Nor does running out of a budget the caller had shortened: the upstream was never given
      // the time this client expects of it.
      const shortened = req.contextValues.get(CALL_DEADLINE) - started < timeoutMs - 1;
      if (ce.code === Code.DeadlineExceeded && shortened) breaker.release();
      else if (UNHEALTHY.has(ce.code) && !answered) breaker.failure();
      else breaker.success();
      throw error;
    }
  };
}

// One slot per call, however many tries it takes; a refusal is this client's own answer.
function bulkheadInterceptor(limit: Bulkhead): Interceptor {
  return (next) => async (req) => {
    try {
      return await limit(() => next(req));
    } catch (error) {
      throw error instanceof AppError ? toConnectError(error) : error;
    }
  };
}

// Jittered exponential backoff: 10–30 ms, then 20–60, 40–120 (20, 40, 80 on average), so
// replicas do not retry in lockstep.
const CLIENT_BACKOFF = { baseMs: 30, maxMs: 1_000, jitter: 2 / 3 };

function retryInterceptor(retries: number): Interceptor {
  return (next) => async (req) => {
    const safe = req.method.idempotency !== Idempotency.IDEMPOTENCY_UNKNOWN;
    if (!safe || retries === 0) return next(req);
    return retrying(
      async (attempt, left) => {
        if (attempt > 0 && left !== undefined) req.header.set("connect-timeout-ms", String(Math.floor(left)));
        return next(req);
      },
      {
        retries,
        backoff: CLIENT_BACKOFF,
        // Only a call that never got an answer is retried: an upstream that answered (even
        // UNAVAILABLE, passed on from its own dependency) has already done its own retrying,
        // and repeating the question would multiply the load on what is already struggling.
        // So this is a transport-level decision, not the catalogue's (`isRetryable`): an answered
        // code, retryable or not, is left to whoever owns the request's end (the worker's
        // redelivery, the buyer's client), and of the bare codes a lost answer can carry only
        // unavailable (unreachable, a proxy's 502–504) is worth a repeat — unknown, internal and
        // resource_exhausted come from a broken or oversized answer a repeat would fetch again,
        // and deadline_exceeded or canceled leave no budget or no caller to retry for.
        retryable: (error) => {
          const ce = ConnectError.from(error);
          return (
            ce.code === Code.Unavailable &&
            ce.findDetails(common.ErrorDetailSchema).length === 0 &&
            ce.metadata.get("x-tt-breaker") !== BREAKER_OPEN
          );
        },
        leftMs: () => req.contextValues.get(CALL_DEADLINE) - Date.now(),
        minTryMs: DEADLINE_MARGIN_MS,
        signal: req.signal,
      },
    );
  };
}

// The caller's signal, aborting with a DEADLINE_EXCEEDED ConnectError: Bun aborts a request whose
// client went away with a bare "The connection was closed.", which would otherwise surface from
// the calls made for it as an unknown error (500) instead of a timeout.
function callerGaveUp(signal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const abort = () =>
    controller.abort(
      new ConnectError("the caller gave up (its deadline passed or it went away)", Code.DeadlineExceeded),
    );
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  return controller.signal;
}

/**
 * Gives each call the smaller of its own deadline and what is left of the budget of the work in
 * hand (deadline.ts), and aborts it with that work's caller. A call whose budget is already
 * spent fails at once (UPSTREAM_TIMEOUT) instead of starting work nobody will wait for. Failures
 * of unary calls leave as catalogue errors (AppError).
 */
function budgeted(inner: Transport, defaultTimeoutMs: number): Transport {
  const plan = (signal: AbortSignal | undefined, timeoutMs: number | undefined) => {
    const budget = currentBudget();
    let ms = timeoutMs ?? defaultTimeoutMs;
    if (budget) ms = Math.min(ms, budget.at - Date.now() - DEADLINE_MARGIN_MS);
    if (ms <= 0) throw new ConnectError("the caller's deadline has passed", Code.DeadlineExceeded);
    const gaveUp = budget?.signal && callerGaveUp(budget.signal);
    const linked = gaveUp && signal ? AbortSignal.any([signal, gaveUp]) : (signal ?? gaveUp);
    const values = createContextValues().set(CALL_DEADLINE, Date.now() + ms);
    return { signal: linked, ms, values };
  };
  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      try {
        const p = plan(signal, timeoutMs);
        if (contextValues) p.values = contextValues.set(CALL_DEADLINE, p.values.get(CALL_DEADLINE));
        return await inner.unary(method, p.signal, p.ms, header, input, p.values);
      } catch (error) {
        // Outside the transport (which wraps whatever its interceptors throw back into a
        // ConnectError): the caller gets the catalogue error the peer attached, or the one its
        // Connect code maps to, and never needs a wrapper of its own to read it.
        throw fromConnectError(error);
      }
    },
    async stream(method, signal, timeoutMs, header, input, contextValues) {
      const p = plan(signal, timeoutMs);
      if (contextValues) p.values = contextValues.set(CALL_DEADLINE, p.values.get(CALL_DEADLINE));
      return inner.stream(method, p.signal, p.ms, header, input, p.values);
    },
  };
}

// A request that never reached the upstream (connection refused or reset, DNS failure) means
// the upstream is unavailable. Left alone, fetch's TypeError surfaces as Code.Unknown: callers
// would answer INTERNAL instead of UPSTREAM_UNAVAILABLE, and safe procedures would not be retried.
function unreachableAsUnavailable(name: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    try {
      const res = await globalThis.fetch(input, init);
      // Unary answers are small: read them here, so a connection that drops mid-answer ("The
      // connection was closed", seen under load) is UNAVAILABLE too, not an unknown error (500).
      return new Response(await res.arrayBuffer(), res);
    } catch (error) {
      // Deadline and cancellation: throw the signal's own reason (a DEADLINE_EXCEEDED or CANCELED
      // ConnectError), not whatever fetch said as the socket went ("The connection was closed.").
      if (init?.signal?.aborted) throw init.signal.reason ?? error;
      throw new ConnectError(`${name} is unreachable`, Code.Unavailable, undefined, undefined, error);
    }
  }) as typeof fetch;
}

function observeInterceptor(name: string, metrics?: Metrics): Interceptor {
  return (next) => async (req) => {
    injectHeaders(req.header);
    const started = performance.now();
    let code = "ok";
    try {
      return await next(req);
    } catch (error) {
      code = Code[ConnectError.from(error).code] ?? "unknown";
      throw error;
    } finally {
      metrics?.backendDuration.observe(
        { service: name, method: req.method.name, code },
        (performance.now() - started) / 1000,
      );
      metrics?.dependencyRequests.inc({
        origin: currentOrigin(),
        dependency: name,
        operation: req.method.name,
      });
    }
  };
}

/**
 * A Connect client on the fetch transport (binary protobuf; the fastest client on Bun per
 * docs/architecture.md, "Measured facts") with a per-call deadline (never past the budget of the
 * work in hand, see deadline.ts), retries of unanswered safe procedures within that budget, a
 * circuit breaker, trace propagation and latency metrics. A failed call rejects with an AppError:
 * the catalogue code the peer attached (with its metadata and Retry-After), or the one its
 * Connect code maps to.
 */
export function createServiceClient<S extends DescService>(
  service: S,
  options: ServiceClientOptions,
): Client<S> & { breaker: CircuitBreaker } {
  const breaker = new CircuitBreaker(options.breaker);
  options.metrics?.watchBreaker(options.name, () => breaker.state);
  const timeoutMs = options.timeoutMs ?? 1000;
  const transport = createConnectTransport({
    baseUrl: options.baseUrl,
    useBinaryFormat: true,
    defaultTimeoutMs: timeoutMs,
    fetch: unreachableAsUnavailable(options.name),
    interceptors: [
      bulkheadInterceptor(
        bulkhead(options.name, {
          maxInFlight: options.maxInFlight ?? 128,
          maxQueued: options.maxQueued ?? 128,
          ...(options.adaptive ? { adaptive: options.adaptive } : {}),
          onReject: () => options.metrics?.bulkheadRejected.inc({ dependency: options.name }),
        }),
      ),
      retryInterceptor(options.retries ?? 2),
      breakerInterceptor(options.name, breaker, timeoutMs),
      observeInterceptor(options.name, options.metrics),
      // Innermost, so every attempt carries a token that is still fresh.
      ...(options.credentials
        ? [credentialInterceptor(options.credentials, options.audience ?? options.name)]
        : []),
    ],
  });
  return Object.assign(createClient(service, budgeted(transport, timeoutMs)), { breaker });
}
