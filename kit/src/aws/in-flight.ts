/**
 * Caps the requests one client has in flight. Without a cap, a burst (a drop's hot second)
 * opens a new connection per request: DynamoDB Local then answers each in hundreds of
 * milliseconds (200 concurrent PutItems averaged 856 ms, against 2 ms each when queued), and in
 * AWS a pod runs out of sockets. Waiting requests queue first come first served and go out on
 * the kept-alive connections as earlier ones finish; the line is bounded, so a burst beyond it
 * is refused at once (OVERLOADED) rather than kept in memory. A request that waited past its
 * caller's deadline is not sent at all: nobody would read the answer, and a write landing after
 * its caller gave up is exactly what compensation has to chase (bulkhead.ts).
 */
import { bulkhead } from "../bulkhead.ts";

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;
/** The middleware stack of an AWS SDK v3 client, as far as this file uses it. */
interface Stack {
  add(mw: Middleware, options: { step: "initialize"; name: string; priority: "high" }): void;
}

/** Lets at most `max` requests of `client` run at once and `maxQueued` wait; the rest are refused. */
export function limitInFlight(client: { middlewareStack: unknown }, max: number, maxQueued = max * 16): void {
  const limit = bulkhead("AWS", { maxInFlight: max, maxQueued });
  (client.middlewareStack as Stack).add((next) => (args) => limit(() => next(args)), {
    step: "initialize",
    name: "ttInFlightLimit",
    priority: "high",
  });
}
