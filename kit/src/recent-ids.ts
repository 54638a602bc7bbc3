/**
 * The last `capacity` entries a process has noted of some kind, each with a value, for skipping
 * work a later message about them would only repeat. An entry it has forgotten is simply
 * handled the long way, so the bound costs nothing but that.
 */
export class Recent<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity = 50_000) {}

  set(id: string, value: V): void {
    this.entries.delete(id);
    this.entries.set(id, value);
    // A Map iterates in insertion order: the first is the oldest.
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(id: string): V | undefined {
    return this.entries.get(id);
  }

  /** The entry's value, forgetting it. */
  take(id: string): V | undefined {
    const value = this.entries.get(id);
    this.entries.delete(id);
    return value;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}

/**
 * The last `capacity` ids a process has seen of some kind (the worker: reservations it saw end;
 * reservation: holds inventory refused).
 */
export class RecentIds {
  private readonly ids: Recent<true>;
  constructor(capacity = 50_000) {
    this.ids = new Recent(capacity);
  }

  add(id: string): void {
    this.ids.set(id, true);
  }

  has(id: string): boolean {
    return this.ids.get(id) === true;
  }
}
