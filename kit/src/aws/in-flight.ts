/**
 * Caps the requests one client has in flight. Without a cap, a burst (a drop's hot second)
 * opens a new connection per request: DynamoDB Local then answers each in hundreds of
 * milliseconds (200 concurrent PutItems averaged 856 ms, against 2 ms each when queued), and in
 * AWS a pod runs out of sockets. Waiting requests queue in memory, first come first served, and
 * go out on the kept-alive connections as earlier ones finish. A request that waited past its
 * caller's deadline is not sent at all: nobody would read the answer, and a write landing after
 * its caller gave up is exactly what compensation has to chase.
 */
import { checkDeadline } from "../connect/deadline.ts";

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;
/** The middleware stack of an AWS SDK v3 client, as far as this file uses it. */
interface Stack {
  add(mw: Middleware, options: { step: "initialize"; name: string; priority: "high" }): void;
}

/** Lets at most `max` requests of `client` run at once (the rest wait their turn). */
export function limitInFlight(client: { middlewareStack: unknown }, max: number): void {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  const acquire = (): Promise<void> | undefined => {
    if (active < max) {
      active += 1;
      return undefined;
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  (client.middlewareStack as Stack).add(
    (next) => async (args) => {
      await acquire();
      try {
        checkDeadline("the AWS request");
        return await next(args);
      } finally {
        release();
      }
    },
    { step: "initialize", name: "ttInFlightLimit", priority: "high" },
  );
}
