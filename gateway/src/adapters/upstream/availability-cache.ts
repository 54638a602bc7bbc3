/**
 * Availability answers per event, reused for a short time and fetched at most once at a time.
 * A drop's seat-map page is read by every admitted buyer every few seconds; turning inventory's
 * 1,000-seat answer into JSON per request made it the gateway's slowest route (≈ 650 req/s).
 * Reusing the JSON text for `ttlMs` (AVAILABILITY_CACHE_MS) makes the map that much staler,
 * on top of inventory's own seat-map cache (SEAT_MAP_CACHE_MS).
 */
export class AvailabilityCache<T = string> {
  private readonly entries = new Map<string, { until: number; body: Promise<T> }>();

  constructor(
    private readonly fetchBody: (eventId: string) => Promise<T>,
    private readonly ttlMs = 100,
    private readonly now: () => number = Date.now,
    private readonly maxEvents = 1000,
  ) {}

  /** Events held (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** The availability answer of an event: cached, or fetched once for all concurrent callers. */
  get(eventId: string): Promise<T> {
    const hit = this.entries.get(eventId);
    if (hit && hit.until > this.now()) return hit.body;
    // Past the bound the oldest entry goes, not all of them: ids made up by the thousand must not
    // keep pushing the drop's own event out (each push is a refetch from inventory).
    if (this.entries.size >= this.maxEvents) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const body = this.fetchBody(eventId);
    this.entries.delete(eventId);
    this.entries.set(eventId, { until: this.now() + this.ttlMs, body });
    // A failed fetch is not reused: the next caller tries again.
    body.catch(() => this.entries.delete(eventId));
    return body;
  }
}
