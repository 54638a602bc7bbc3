/**
 * The last `capacity` ids a process has seen of some kind, for skipping work a later message
 * about them would only repeat (the worker: reservations it saw end; reservation: holds inventory
 * refused). An id it has forgotten is simply handled the long way, so the bound costs nothing
 * but that.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 50_000) {}

  add(id: string): void {
    this.ids.add(id);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}
