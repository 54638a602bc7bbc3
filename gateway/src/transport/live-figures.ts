/**
 * Figures of the operator's live view (admin-live-routes.ts) that no store keeps: rates worked out
 * from successive readings, and a recent latency quantile from the gateway's own histogram. Both
 * are kept in this process and sampled only when someone reads the view, so a sale nobody
 * watches costs nothing, and a reading costs no Redis or DynamoDB request.
 */

/** A counter's rate of change per key (per event), over the last `windowMs` of readings. */
export class RateOfChange {
  private readonly series = new Map<string, Array<{ at: number; value: number }>>();

  constructor(
    private readonly windowMs = 10_000,
    /** A key nobody has read for this long is forgotten (events whose console was closed). */
    private readonly idleMs = 120_000,
  ) {}

  /**
   * Records `value` for `key` at `now` and returns its rise per second since the oldest reading
   * in the window; null until two readings are at least a second apart. A counter that went
   * down (a store that lost data) counts as no rise.
   */
  note(key: string, value: number, now: number): number | null {
    this.forgetIdle(now);
    const samples = this.series.get(key) ?? [];
    samples.push({ at: now, value });
    // Keep one reading at or before the window's start, so the rate spans the whole window.
    while (samples.length > 2 && now - (samples[1]?.at ?? now) >= this.windowMs) samples.shift();
    this.series.set(key, samples);
    const first = samples[0];
    if (!first || now - first.at < 1000) return null;
    return Math.max(0, value - first.value) / ((now - first.at) / 1000);
  }

  private forgetIdle(now: number): void {
    for (const [key, samples] of this.series) {
      if (now - (samples.at(-1)?.at ?? 0) > this.idleMs) this.series.delete(key);
    }
  }
}

/** A histogram's cumulative counts: bucket upper bound (seconds, `Infinity` last) → observations at or under it. */
export type Buckets = Map<number, number>;

/** What `Histogram.get()` of prom-client answers (only what is read here). */
export interface HistogramReading {
  values: Array<{ value: number; labels: Record<string, string | number | undefined>; metricName?: string }>;
}

/**
 * The cumulative buckets of the series of `name` whose labels match `match` (summed over the
 * other labels, e.g. every result code).
 */
export function bucketsOf(reading: HistogramReading, name: string, match: Record<string, string>): Buckets {
  const buckets: Buckets = new Map();
  for (const { value, labels, metricName } of reading.values) {
    if (metricName !== `${name}_bucket`) continue;
    if (Object.entries(match).some(([k, v]) => labels[k] !== v)) continue;
    const le = labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + value);
  }
  return buckets;
}

/**
 * The `q` quantile of the observations between two readings of the same histogram, estimated as
 * Prometheus' `histogram_quantile` does: linear within the bucket it falls in, and the highest
 * finite bound when it falls past all of them. Null when nothing was observed in between.
 */
export function quantileBetween(earlier: Buckets, later: Buckets, q: number): number | null {
  const bounds = [...later.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (later.get(le) ?? 0) - (earlier.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [i, le] of bounds.entries()) {
    const count = counts[i] ?? 0;
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lower;
      return count === below ? le : lower + ((le - lower) * (rank - below)) / (count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

/**
 * A recent quantile of a histogram that only ever accumulates: each read takes a snapshot, and
 * the answer covers the observations since the oldest snapshot of the last `windowMs` (on the
 * first read, everything since the process started).
 */
export class RecentQuantile {
  private readonly snapshots: Array<{ at: number; buckets: Buckets }> = [];

  constructor(
    private readonly read: () => Promise<Buckets>,
    private readonly windowMs = 60_000,
  ) {}

  /** The `q` quantile (in the histogram's unit) of the last window, or null when it saw nothing. */
  async quantile(q: number, now: number): Promise<number | null> {
    const buckets = await this.read();
    while (this.snapshots.length > 0 && now - (this.snapshots[0]?.at ?? now) > this.windowMs) {
      this.snapshots.shift();
    }
    const base = this.snapshots[0]?.buckets ?? new Map();
    // One snapshot a second is plenty, however many consoles are open.
    if (now - (this.snapshots.at(-1)?.at ?? Number.NEGATIVE_INFINITY) >= 1000) {
      this.snapshots.push({ at: now, buckets });
    }
    return quantileBetween(base, buckets, q);
  }
}
