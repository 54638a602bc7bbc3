/**
 * Gathers the calls made during one event-loop turn into one batch per key, and runs each batch
 * as one call. Under load a hot path then pays one round trip per key per turn instead of one
 * per request: the gateway's waiting-room scripts run once per event per turn (which is what
 * lets join and status keep up with a bare Redis-backed route, bench/gateway-queue.ts), and
 * inventory's consistent seat reads for refusals go out as one BatchGetItem. The batch is sent at
 * `setImmediate`, after the turn's I/O callbacks: every request that arrived in that turn is in
 * it, a lone request waits for nothing, and every call's batch starts after the call was made.
 * Work that finishes in ones over many turns (the worker's acknowledgements) can linger instead.
 */
export class Batcher<In, Out> {
  private pending = new Map<string, Batch<In, Out>>();
  private scheduled = false;
  private readonly maxSize: number;
  private readonly lingerMs: number;

  /**
   * @param run answers one batch: one output per input, in order; a rejection fails every call
   *   of the batch
   */
  constructor(
    private readonly run: (key: string, inputs: In[]) => Promise<Out[]>,
    options: BatcherOptions = {},
  ) {
    this.maxSize = options.maxSize ?? 16;
    this.lingerMs = options.lingerMs ?? 0;
  }

  /** Adds one call to this turn's batch for `key`; settles with its own output. */
  add(key: string, input: In): Promise<Out> {
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { inputs: [], waiters: [] };
      this.pending.set(key, batch);
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.lingerMs > 0) setTimeout(() => this.flush(), this.lingerMs);
        else setImmediate(() => this.flush());
      }
    }
    const { promise, resolve, reject } = Promise.withResolvers<Out>();
    batch.inputs.push(input);
    batch.waiters.push({ resolve, reject });
    if (batch.inputs.length >= this.maxSize) {
      this.pending.delete(key);
      this.send(key, batch);
    }
    return promise;
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.pending;
    this.pending = new Map();
    for (const [key, batch] of batches) this.send(key, batch);
  }

  private send(key: string, { inputs, waiters }: Batch<In, Out>): void {
    this.run(key, inputs).then(
      (outputs) => {
        waiters.forEach((waiter, i) => {
          if (i < outputs.length) waiter.resolve(outputs[i] as Out);
          else waiter.reject(new Error(`batch of ${inputs.length} answered only ${outputs.length}`));
        });
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}

/** How a Batcher groups its calls. */
export interface BatcherOptions {
  /**
   * Calls per batch; a full batch is sent at once. The default 16 was measured for the waiting
   * room against 8, 32 and 64 side by side: small enough that Redis starts on a turn's first
   * batch while the gateway still reads the rest of its requests (the two overlap on two cores),
   * large enough that most of the per-call saving is had.
   */
  maxSize?: number;
  /**
   * How long a batch waits for more calls after its first, in ms; 0 (the default): to the end of
   * the turn. Only for calls nobody waits on to answer a request (an acknowledgement, say): a
   * linger adds itself to every call's time.
   */
  lingerMs?: number;
}

interface Batch<In, Out> {
  inputs: In[];
  waiters: Array<{ resolve(output: Out): void; reject(error: unknown): void }>;
}
