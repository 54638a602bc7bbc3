import { WaitTimeoutError } from "./wait.ts";

/** The last thing a service's /readyz said, for the timeout message. */
interface Probe {
  ready: boolean;
  detail: string;
}

async function probe(baseUrl: string): Promise<Probe> {
  try {
    const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.text()).slice(0, 300);
    return { ready: res.status === 200, detail: `/readyz ${res.status} ${body}` };
  } catch (err) {
    return {
      ready: false,
      detail: `no answer on /readyz (${err instanceof Error ? err.message : String(err)})`,
    };
  }
}

/**
 * Polls every service's /readyz until all answer 200. On timeout the error names each service
 * that is not ready and what its /readyz last said.
 */
export async function waitForReady(
  services: Readonly<Record<string, string>>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => Error | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const last = new Map<string, Probe>();
  let pending = Object.keys(services);
  while (pending.length > 0) {
    const aborted = opts.abort?.();
    if (aborted) throw aborted;
    const results = await Promise.all(pending.map((name) => probe(services[name] ?? "")));
    for (const [i, r] of results.entries()) last.set(pending[i] ?? "", r);
    pending = pending.filter((_, i) => !results[i]?.ready);
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      const report = pending.map((name) => `${name}: ${last.get(name)?.detail ?? "never probed"}`).join("; ");
      throw new WaitTimeoutError(`not ready after ${Math.round(opts.timeoutMs / 1000)} s — ${report}`);
    }
    await Bun.sleep(opts.intervalMs ?? 250);
  }
}
