import { currentTraceId } from "./telemetry.ts";

/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Keys whose values are never written: tokens and secrets must not reach log storage.
const SECRET_KEY = /token|secret|password|authorization|cookie|signature|api[-_]?key/i;

/** Structured logger writing one JSON object per line. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** Where lines go; tests pass an array-backed sink. */
export type LogSink = (line: string) => void;

const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
  return out;
}

/** Creates the JSON logger `{ts, level, service, trace_id, msg, ...fields}`. */
export function createLogger(
  service: string,
  level: LogLevel = "info",
  sink: LogSink = stdoutSink,
  base: Record<string, unknown> = {},
): Logger {
  const min = RANK[level];
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return;
    const extra = redact({ ...base, ...fields }) as Record<string, unknown>;
    sink(
      JSON.stringify({
        ts: new Date().toISOString(),
        level: lvl,
        service,
        trace_id: currentTraceId(),
        msg,
        ...extra,
      }),
    );
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(service, level, sink, { ...base, ...fields }),
  };
}
