/**
 * The launcher's own log lines: JSON, one per line, in the same shape as the services' logs
 * (`{ts, level, service, msg, ...}`) so one grep works on everything the dev stack prints.
 */

/** Severity of a launcher log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Writes one structured line. */
export type LogFn = (msg: string, fields?: Record<string, unknown>) => void;

/** The launcher logger: one function per level. */
export interface LauncherLog {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Where finished lines go; tests pass a collector, the CLI writes to stdout. */
export type LineSink = (line: string) => void;

/** Writes a line to stdout. */
export const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Creates a JSON-lines logger for the launcher. */
export function createLauncherLog(sink: LineSink = stdoutSink, service = "dev"): LauncherLog {
  const write = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) =>
    sink(JSON.stringify({ ts: new Date().toISOString(), level, service, msg, ...fields }));
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
