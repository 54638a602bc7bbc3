/**
 * An AWS JSON-protocol client (DynamoDB, SQS) on Bun's fetch, for the hot path.
 *
 * Why: under Bun the AWS SDK v3 client spends 400–500 µs of the caller's CPU on every request
 * (its middleware stack, schema serde and Node HTTP handler; ~250 µs with its fetch handler),
 * against ~40 µs for the same request sent with fetch (bench/README.md, third session). At the
 * drop's 500–600 DynamoDB requests a second that is a fifth of a core on a 2-core machine.
 *
 * What stays the SDK's: the commands (`send(new GetItemCommand(input))`), the output shapes (the
 * JSON protocol's own, which the low-level client returns unchanged; no binary attributes are
 * used here), the exception classes (built by name from the client package, so `instanceof
 * ConditionalCheckFailedException` and `CancellationReasons` work as before), the credential
 * chain and the SigV4 signer. Retries follow the SDK's standard mode: throttles, 5xx and network
 * failures, full-jitter backoff, within the caller's deadline; a transaction gets its
 * idempotency token before the first try, as the SDK does, so a retried TransactWriteItems
 * cannot apply twice.
 */
import { createHash, createHmac, type Hmac, type Hash as NodeHash } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { remainingMs } from "../connect/deadline.ts";
import { retrying } from "../retry.ts";

/** `{ input }` of an SDK command; the operation is its class name without `Command`. */
interface AnyCommand {
  input: object;
}
type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName: string },
) => (args: unknown) => Promise<unknown>;

/** The part of the SDK's middleware stack the kit uses (instrument.ts, in-flight.ts): the initialize step. */
class InitializeStack {
  private entries: Array<{ mw: Middleware; high: boolean }> = [];
  add(mw: Middleware, options: { step: "initialize"; priority?: "high" | "normal" | "low" }): void {
    this.entries.push({ mw, high: options.priority === "high" });
  }
  /** High priority first (outermost), then the others in the order they were added. */
  compose(
    handler: (args: unknown) => Promise<unknown>,
    commandName: string,
  ): (args: unknown) => Promise<unknown> {
    const ordered = [...this.entries.filter((e) => e.high), ...this.entries.filter((e) => !e.high)];
    return ordered.reduceRight((next, e) => e.mw(next, { commandName }), handler);
  }
}

/** SHA-256 (or HMAC-SHA256 with a secret) in the shape SignatureV4 asks for, on node:crypto. */
class Sha256 {
  private readonly h: NodeHash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}
const toBytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === "string"
    ? d
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/**
 * Error codes the SDK's standard retry mode treats as throttling (retried with backoff). AWS's
 * codes, not the catalogue's, so the catalogue's `isRetryable` is not asked: this client decides
 * its throttles, 5xx and lost answers itself, as the SDK would; what the stores make of a failure
 * that outlasts these tries (UPSTREAM_UNAVAILABLE, retryable) is the catalogue's.
 */
const THROTTLES = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottledException",
  "TooManyRequestsException",
]);
/** The SDK's standard mode: full jitter, from up to 100 ms, doubling to at most 20 s. */
const AWS_BACKOFF = { baseMs: 100, maxMs: 20_000, jitter: 1 };
/** Failures of an attempt that the standard mode tries again (`attempt` marks them). */
const retryableFailures = new WeakSet<Error>();
/** A retry is only worth starting with at least this much of the caller's budget left after its backoff. */
const MIN_TRY_MS = 20;

/** What an SDK exception's constructor needs (ServiceExceptionOptions). */
interface ExceptionOptions {
  name: string;
  $fault: "client" | "server";
  $metadata: { httpStatusCode?: number; requestId?: string | undefined; attempts?: number };
  message?: string;
}

export interface JsonClientOptions {
  /** SigV4 signing name and the host's first label, e.g. `dynamodb`. */
  service: string;
  /** `X-Amz-Target` prefix, e.g. `DynamoDB_20120810`. */
  targetPrefix: string;
  region: string;
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  requestTimeoutMs: number;
  maxAttempts: number;
  /** The client package's exports: exception classes are looked up here by error code. */
  exceptions: Record<string, unknown>;
  /** The package's base exception, for codes it has no class for. */
  baseException: new (
    opts: ExceptionOptions,
  ) => Error;
  /** Operations whose input gets an idempotency token when it has none (field name → operation). */
  idempotencyTokens?: Record<string, string>;
}

/** A JSON-protocol client with the SDK client's `send(command)`, `middlewareStack` and `destroy()`. */
export class AwsJsonClient {
  readonly middlewareStack = new InitializeStack();
  private readonly url: string;
  /** The endpoint as SignatureV4 wants it, parsed once rather than per request. */
  private readonly target: { protocol: string; hostname: string; port?: number; path: string; host: string };
  private readonly signer: SignatureV4;

  constructor(private readonly opts: JsonClientOptions) {
    this.url = opts.endpoint ?? `https://${opts.service}.${opts.region}.amazonaws.com`;
    const url = new URL(this.url);
    this.target = {
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      host: url.host,
    };
    this.signer = new SignatureV4({
      service: opts.service,
      region: opts.region,
      credentials: opts.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
  }

  /** Sends a command; `abortSignal` (as the SDK's option) stops a request and its retries, e.g. a long poll at shutdown. */
  send(command: AnyCommand, options?: { abortSignal?: AbortSignal }): Promise<never> {
    const commandName = command.constructor.name;
    const operation = commandName.replace(/Command$/, "");
    const abort = options?.abortSignal;
    const run = this.middlewareStack.compose(
      (input) => this.call(operation, input as object, abort),
      commandName,
    );
    return run(this.withToken(operation, command.input)) as Promise<never>;
  }

  destroy(): void {}

  private withToken(operation: string, input: object): object {
    const field = this.opts.idempotencyTokens?.[operation];
    if (!field || (input as Record<string, unknown>)[field] !== undefined) return input;
    return { ...input, [field]: crypto.randomUUID() };
  }

  private async call(operation: string, input: object, abort?: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(input);
    return retrying(
      async (n) => {
        const outcome = await this.attempt(operation, body, n + 1, abort);
        if (outcome.ok) return outcome.value;
        if (outcome.retryable) retryableFailures.add(outcome.error);
        throw outcome.error;
      },
      {
        retries: this.opts.maxAttempts - 1,
        backoff: AWS_BACKOFF,
        retryable: (error) => retryableFailures.has(error as Error),
        leftMs: remainingMs,
        minTryMs: MIN_TRY_MS,
        signal: abort,
      },
    );
  }

  private async attempt(
    operation: string,
    body: string,
    attempt: number,
    abort?: AbortSignal,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: Error; retryable: boolean }> {
    const { host, ...where } = this.target;
    const signed = await this.signer.sign({
      method: "POST",
      ...where,
      query: {},
      headers: {
        host,
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `${this.opts.targetPrefix}.${operation}`,
      },
      body,
    });
    const headers = { ...signed.headers };
    delete headers.host; // fetch sets it from the URL
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers,
        body,
        signal: abort
          ? AbortSignal.any([abort, AbortSignal.timeout(this.opts.requestTimeoutMs)])
          : AbortSignal.timeout(this.opts.requestTimeoutMs),
        keepalive: true,
      });
    } catch (cause) {
      const timedOut = (cause as Error).name === "TimeoutError";
      const error = new Error(
        timedOut
          ? `${operation}: no answer within ${this.opts.requestTimeoutMs} ms`
          : `${operation}: ${(cause as Error).message}`,
        { cause },
      );
      error.name = timedOut ? "TimeoutError" : "NetworkingError";
      return { ok: false, error, retryable: true };
    }
    const requestId = res.headers.get("x-amzn-requestid") ?? undefined;
    const $metadata = { httpStatusCode: res.status, requestId, attempts: attempt };
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.ok) return { ok: true, value: { ...parsed, $metadata } };
    const code = String(parsed.__type ?? res.headers.get("x-amzn-errortype") ?? `Http${res.status}`)
      .split("#")
      .pop()
      ?.split(":")[0] as string;
    const message = String(parsed.message ?? parsed.Message ?? code);
    const fields: ExceptionOptions = {
      ...parsed,
      name: code,
      message,
      $metadata,
      $fault: res.status >= 500 ? "server" : "client",
    };
    const Known = this.opts.exceptions[code];
    const Exception =
      typeof Known === "function" && Known.prototype instanceof this.opts.baseException
        ? (Known as new (
            o: ExceptionOptions,
          ) => Error)
        : this.opts.baseException;
    const error = new Exception(fields);
    return { ok: false, error, retryable: res.status >= 500 || THROTTLES.has(code) };
  }
}
