import { AppError } from "@tt/kit";
import type { SaleState } from "@tt/kit/api";

/**
 * Whether a line still has seats to offer (docs/spec.md, "Sold out"). The admission ticker reads
 * the event's stock from inventory and keeps the verdict with the line's settings in Redis, so
 * every gateway answers joins, status calls and sockets from it, and admission stops spending
 * places on an event that has nothing to sell.
 */

/** The seat counts of one event (inventory's cached map: a hold past its expiry counts as available). */
export interface Stock {
  available: number;
  held: number;
  sold: number;
}

/**
 * - `on_sale`: at least one seat is AVAILABLE;
 * - `sold_out`: none is, but some are HELD and may come back (unpaid or failed holds): a buyer
 *   may stay in line or leave, and admission starts again by itself if seats come back;
 * - `closed`: nothing AVAILABLE and nothing HELD: every seat is sold, the line is closed;
 * - `ended`: the event's sale window closed (`sale_closes_at` passed), whatever the stock: nobody
 *   more is admitted and the line takes no joins (docs/spec.md, "Scheduled sales").
 * The type is the API's own (`@tt/kit/api`), which the web app and the bench read too.
 */
export type { SaleState };

/** Where a line stands, as joins, status calls and sockets tell it. */
export interface Sale {
  state: SaleState;
  /** Seats HELD when the state was read: those that may still come back while sold out. */
  seatsHeld: number;
}

/**
 * An event's sale window (epoch ms), as inventory keeps it: before `opensAt` a join is a pre-queue
 * join (its place is drawn at the opening), admission starts at `opensAt`, and from `closesAt` on
 * the line takes no joins and admits nobody. The window is half-open: a join at `closesAt` is late.
 */
export interface SaleWindow {
  opensAt: number;
  closesAt: number;
}

/** A line whose stock was never read (no inventory, or no reading yet) is on sale. */
export const ON_SALE: Sale = { state: "on_sale", seatsHeld: 0 };

/** The state a stock reading means. */
export function saleOf(stock: Stock): Sale {
  if (stock.available > 0) return { state: "on_sale", seatsHeld: stock.held };
  return { state: stock.held > 0 ? "sold_out" : "closed", seatsHeld: stock.held };
}

// The one-letter form the waiting room's scripts keep and compare.
const LETTER: Record<SaleState, string> = { on_sale: "O", sold_out: "S", closed: "C", ended: "E" };
const STATE: Record<string, SaleState> = { O: "on_sale", S: "sold_out", C: "closed", E: "ended" };

/** The letter the scripts store for a state. */
export const saleLetter = (state: SaleState): string => LETTER[state];

/** A sale from a script's letter and count; anything else (never read) is on sale. */
export function saleFromReply(letter: string | undefined, held: string | undefined): Sale {
  const state = STATE[letter ?? ""];
  return state ? { state, seatsHeld: Number(held) || 0 } : ON_SALE;
}

/** The JSON fields the status route, the join route and the `sale` frame share. */
export const saleFields = (sale: Sale) => ({ sale: sale.state, seats_held: sale.seatsHeld });

/** SOLD_OUT: a join to a closed line (every seat sold). */
export function soldOut(): AppError {
  return new AppError("SOLD_OUT", "This event is sold out: every seat has been sold, and the line is closed");
}

/** SALE_CLOSED: a join after the event's sale window closed (`sale_closes_at`). */
export function saleClosed(): AppError {
  return new AppError("SALE_CLOSED", "The sale for this event has ended, and its line is closed");
}

/** The states after which a place will never be admitted: the socket's last frame, the line takes no joins. */
export const isFinal = (state: SaleState): boolean => state === "closed" || state === "ended";
