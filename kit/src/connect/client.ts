import type { DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel as Idempotency } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { common } from "@tt/contracts";
import { AppError } from "../errors.ts";
import type { Metrics } from "../metrics.ts";
import { injectHeaders } from "../telemetry.ts";
import { type BreakerOptions, CircuitBreaker } from "./breaker.ts";
import { toConnectError } from "./error-detail.ts";

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
}

// Only failures that say the upstream is unhealthy trip the breaker; a domain answer such as
// SEAT_UNAVAILABLE is a healthy upstream doing its job.
const UNHEALTHY = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.Internal, Code.Unknown]);
const BREAKER_OPEN = "breaker-open";

function breakerInterceptor(name: string, breaker: CircuitBreaker): Interceptor {
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
      if (UNHEALTHY.has(ce.code) && !answered) breaker.failure();
      else breaker.success();
      throw error;
    }
  };
}

function retryInterceptor(retries: number): Interceptor {
  return (next) => async (req) => {
    const safe = req.method.idempotency !== Idempotency.IDEMPOTENCY_UNKNOWN;
    for (let attempt = 0; ; attempt++) {
      try {
        return await next(req);
      } catch (error) {
        const ce = ConnectError.from(error);
        const retryable =
          safe && ce.code === Code.Unavailable && ce.metadata.get("x-tt-breaker") !== BREAKER_OPEN;
        if (!retryable || attempt >= retries || req.signal.aborted) throw error;
        // Jittered exponential backoff: 20, 40, 80 ms … so replicas do not retry in lockstep.
        await Bun.sleep(20 * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  };
}

// A request that never reached the upstream (connection refused or reset, DNS failure) means
// the upstream is unavailable. Left alone, fetch's TypeError surfaces as Code.Unknown: callers
// would answer INTERNAL instead of UPSTREAM_UNAVAILABLE, and safe procedures would not be retried.
function unreachableAsUnavailable(name: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    try {
      return await globalThis.fetch(input, init);
    } catch (error) {
      // Deadline and cancellation: Connect maps these from the aborted signal itself.
      if (init?.signal?.aborted) throw error;
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
    }
  };
}

/**
 * A Connect client on the fetch transport (binary protobuf; the fastest client on Bun per
 * ARCHITECTURE.md) with a per-call deadline, retries for safe procedures, a circuit breaker,
 * trace propagation and latency metrics. Errors reach the caller as ConnectErrors; use
 * `fromConnectError` to get the domain code.
 */
export function createServiceClient<S extends DescService>(
  service: S,
  options: ServiceClientOptions,
): Client<S> & { breaker: CircuitBreaker } {
  const breaker = new CircuitBreaker(options.breaker);
  const transport = createConnectTransport({
    baseUrl: options.baseUrl,
    useBinaryFormat: true,
    defaultTimeoutMs: options.timeoutMs ?? 1000,
    fetch: unreachableAsUnavailable(options.name),
    interceptors: [
      retryInterceptor(options.retries ?? 2),
      breakerInterceptor(options.name, breaker),
      observeInterceptor(options.name, options.metrics),
    ],
  });
  return Object.assign(createClient(service, transport), { breaker });
}
