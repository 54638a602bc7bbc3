/**
 * Concurrent duplicates of one request in one process (a double click, a client retrying while
 * its first attempt still runs) share the first attempt instead of racing it: the followers get
 * its answer, marked as replayed. Across processes the durable record decides.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** Runs `fn` under `key`, or joins the run already in progress (`shared` tells which). */
  async run(key: string, fn: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    const current = this.running.get(key);
    if (current) return { value: await current, shared: true };
    const started = fn().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return { value: await started, shared: false };
  }
}
