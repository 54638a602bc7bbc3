import type { Logger } from "@tt/kit";
import type { Stock } from "./sale.ts";

/**
 * The latest stock reading of each event an admission ticker leads, refreshed in the background
 * at most once per `everyMs` per event: a tick never waits on inventory, and a slow or failing
 * inventory only makes the reading older (a tick without a fresh one keeps the line's last state).
 */
export class StockWatch {
  private readonly readings = new Map<string, Stock>();
  private readonly asked = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private warnedAt = 0;

  constructor(
    private readonly read: (eventId: string) => Promise<Stock>,
    private readonly log: Pick<Logger, "warn">,
    private readonly everyMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The reading taken since the last call for this event, if any (each is handed out once), and a
   * refresh started when the last one is `everyMs` old.
   */
  take(eventId: string): Stock | undefined {
    const now = this.now();
    if (!this.inFlight.has(eventId) && now - (this.asked.get(eventId) ?? 0) >= this.everyMs) {
      this.refresh(eventId, now);
    }
    const reading = this.readings.get(eventId);
    if (reading) this.readings.delete(eventId);
    return reading;
  }

  /** Stops following an event this process no longer leads. */
  forget(eventId: string): void {
    this.readings.delete(eventId);
    this.asked.delete(eventId);
  }

  private refresh(eventId: string, now: number): void {
    this.asked.set(eventId, now);
    this.inFlight.add(eventId);
    this.read(eventId)
      .then((stock) => this.readings.set(eventId, stock))
      .catch((error: unknown) => {
        if (now - this.warnedAt < 10_000) return;
        this.warnedAt = now;
        this.log.warn("stock could not be read; the line keeps its last sale state", {
          event_id: eventId,
          err: error,
        });
      })
      .finally(() => this.inFlight.delete(eventId));
  }
}
