import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { randomString } from "./random.ts";

/** Handle to the process-wide tracing set-up; `shutdown` flushes pending spans. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

let installed: { provider: BasicTracerProvider; service: string; recording: boolean } | undefined;

/**
 * Wires the OpenTelemetry SDK once per process. Spans always exist (so every log line and queue
 * message has a trace id); they are recorded and exported only when an OTLP endpoint is set.
 */
export function initTelemetry(service: string, otlpEndpoint?: string): Telemetry {
  if (installed) return { shutdown: () => installed?.provider.shutdown() ?? Promise.resolve() };
  const spanProcessors: SpanProcessor[] = [];
  if (otlpEndpoint) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint}/v1/traces` })));
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors,
    // Without an exporter nothing would read recorded spans; non-recording ones still carry
    // fresh trace ids that logs, error bodies and outgoing calls use, at a fraction of the cost
    // (measured: span recording was ~20 % of a bare route's time).
    sampler: otlpEndpoint ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOffSampler(),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  installed = { provider, service, recording: Boolean(otlpEndpoint) };
  return { shutdown: () => provider.shutdown() };
}

/** The tracer all kit code uses. */
export function tracer() {
  return trace.getTracer(installed?.service ?? "traffic-tacos");
}

/** Trace id of the active span, or "" outside any span. */
export function currentTraceId(): string {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : "";
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/**
 * Starts the server span of an incoming request, continuing the caller's W3C trace context, and
 * returns it with the context to run the request in. When nothing records spans (no OTLP
 * endpoint) the span is just ids wrapped as a non-recording span, and the ids are drawn only
 * when something reads them (an error body, a log line, an outgoing call): going through the
 * SDK's tracer, sampler and id generator for a span nobody keeps cost several µs per request on
 * the hottest routes, and most requests there never look at their ids (bench/gateway-queue.ts).
 */
export function startServerSpan(name: string, headers: Headers): { span: Span; ctx: Context } {
  // Without a traceparent there is no remote parent: skip the propagator's header walk.
  const parent = headers.has("traceparent") ? contextFromHeaders(headers) : ROOT_CONTEXT;
  let span: Span;
  if (installed?.recording) {
    span = tracer().startSpan(name, { kind: SpanKind.SERVER }, parent);
  } else {
    const caller = trace.getSpanContext(parent);
    span = trace.wrapSpanContext(
      new LazySpanContext(caller && trace.isSpanContextValid(caller) ? caller.traceId : undefined),
    );
  }
  return { span, ctx: trace.setSpan(parent, span) };
}

/** A non-recording span's ids, drawn on first read; the trace id is the caller's when there is one. */
class LazySpanContext implements SpanContext {
  readonly traceFlags = TraceFlags.NONE;
  private ownSpanId?: string;
  constructor(private ownTraceId?: string) {}
  get traceId(): string {
    this.ownTraceId ??= randomString(16, "hex");
    return this.ownTraceId;
  }
  get spanId(): string {
    this.ownSpanId ??= randomString(8, "hex");
    return this.ownSpanId;
  }
}

/** The remote parent carried by W3C `traceparent`/`tracestate` headers, if any. */
export function contextFromHeaders(headers: Headers): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headersGetter);
}

/** Writes the active context's `traceparent` (and `tracestate`) into outgoing headers. */
export function injectHeaders(headers: Headers, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** The active context as a `traceparent` string for a queue message ("" when none). */
export function currentTraceparent(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? "";
}

/** The context a consumer should continue from a queue message's `traceparent`. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Runs `fn` inside a new span (child of `parent`), ending it when `fn` settles and recording a
 * thrown error. Used by transports: REST requests, Connect handlers, queue consumers.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
