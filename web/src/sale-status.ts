import { saleState } from "./format.ts";

/**
 * What a buyer is told about an event's sale (docs/spec.md, "Scheduled sales"): before
 * `sale_opens_at` it is upcoming (join now, places are drawn at the opening), from
 * `sale_closes_at` on it is closed, and in between it is on sale, or sold out once no seat is
 * left. The window decides first: a sale that has ended is closed even with seats left.
 */
export type SaleStatus = "upcoming" | "on_sale" | "sold_out" | "closed";

/** The status at `now` (epoch ms); `seatsLeft` undefined (counts not loaded) never says sold out. */
export function saleStatus(
  event: { sale_opens_at: string | null; sale_closes_at: string | null },
  seatsLeft: number | undefined,
  now: number,
): SaleStatus {
  const window = saleState(event, now);
  if (window === "closed" || window === "upcoming") return window;
  return seatsLeft === 0 ? "sold_out" : "on_sale";
}

/** The next moment the window changes the status after `now` (epoch ms), or undefined when none is ahead. */
export function nextSaleChange(
  event: { sale_opens_at: string | null; sale_closes_at: string | null },
  now: number,
): number | undefined {
  return [event.sale_opens_at, event.sale_closes_at]
    .map((iso) => (iso === null ? Number.NaN : Date.parse(iso)))
    .filter((at) => !Number.isNaN(at) && at > now)
    .sort((a, b) => a - b)[0];
}

/**
 * Time left until a sale opens, rounded up to the second (it never reads 0:00 before the
 * opening): `m:ss` under an hour, `h:mm:ss` under a day, then `N d h:mm:ss`.
 */
export function formatUntil(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  if (days > 0) return `${days} d ${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
  return `${minutes}:${seconds}`;
}
