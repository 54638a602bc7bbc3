import diagnostics from "node:diagnostics_channel";

const TRACE_EVENTS = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;

/** The part of Node's TracingChannel used here (the installed @types/node predates it). */
export type TracingChannel = Record<(typeof TRACE_EVENTS)[number], { hasSubscribers: boolean }> & {
  readonly hasSubscribers?: boolean;
  subscribe(listeners: Partial<Record<(typeof TRACE_EVENTS)[number], (message: unknown) => void>>): void;
  unsubscribe(listeners: Partial<Record<(typeof TRACE_EVENTS)[number], (message: unknown) => void>>): void;
};

/** `diagnostics_channel.tracingChannel`, typed. */
export const tracingChannel = (name: string): TracingChannel =>
  (diagnostics as unknown as { tracingChannel(name: string): TracingChannel }).tracingChannel(name);

/**
 * Gives Bun's `TracingChannel` the `hasSubscribers` getter Node has (oven-sh/bun#27805).
 * ioredis 6 traces a command unless `hasSubscribers === false`, so on Bun, where the getter is
 * missing, every command paid for argument sanitising (a regex per command) and a traced
 * promise with nobody listening. Node's definition: any of the five trace channels is listened
 * to. A no-op where the runtime already has the getter.
 */
export function fixTracingChannelSubscribers(): void {
  const proto = Object.getPrototypeOf(tracingChannel("tt:probe")) as object;
  if ("hasSubscribers" in proto) return;
  Object.defineProperty(proto, "hasSubscribers", {
    configurable: true,
    get(this: TracingChannel) {
      return TRACE_EVENTS.some((event) => this[event].hasSubscribers);
    },
  });
}
