/** Polling helpers: the launcher waits on real signals (a PONG, an HTTP answer), never on sleeps. */

/** Thrown when a condition did not hold before its deadline. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
}

/** Polls `check` until it returns true; throws WaitTimeoutError naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => Error | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const aborted = opts.abort?.();
    if (aborted) throw aborted;
    if (await check().catch(() => false)) return;
    if (Date.now() >= deadline)
      throw new WaitTimeoutError(`${what} did not come up within ${opts.timeoutMs} ms`);
    await Bun.sleep(opts.intervalMs ?? 150);
  }
}

/** True when an HTTP server answers at `url` with any status (the emulators reply 400 to a bare GET). */
export async function httpAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return true;
}
