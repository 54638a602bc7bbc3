const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Formats an ISO timestamp for buyers in their own locale and time zone; odd input is shown as-is. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Whether the sale window is open at `now`; unknown bounds count as open. */
export function isSaleOpen(
  saleOpensAt: string | undefined,
  saleClosesAt: string | undefined,
  now: Date,
): boolean {
  const opens = saleOpensAt === undefined ? Number.NaN : Date.parse(saleOpensAt);
  const closes = saleClosesAt === undefined ? Number.NaN : Date.parse(saleClosesAt);
  if (!Number.isNaN(opens) && now.getTime() < opens) return false;
  if (!Number.isNaN(closes) && now.getTime() >= closes) return false;
  return true;
}

/** Formats an amount in the event's currency (KRW has no minor unit, so amounts are whole). */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount);
  } catch {
    // An unknown currency code must not take the page down.
    return `${amount.toLocaleString()} ${currency}`;
  }
}

/** A waiting time in words; estimates are rough, so they are rounded the way people talk. */
export function formatEta(etaSec: number | null): string {
  if (etaSec === null) return "working out your wait…";
  if (etaSec <= 5) return "any moment now";
  if (etaSec < 60) return "less than a minute";
  const minutes = Math.round(etaSec / 60);
  if (minutes < 60) return minutes === 1 ? "about 1 minute" : `about ${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h ${rest} min`;
}

/** Where a sale stands at `now` (epoch ms); unknown bounds count as open. */
export function saleState(
  event: { sale_opens_at: string | null; sale_closes_at: string | null },
  now: number,
): "upcoming" | "open" | "closed" {
  const opens = event.sale_opens_at ? Date.parse(event.sale_opens_at) : Number.NaN;
  const closes = event.sale_closes_at ? Date.parse(event.sale_closes_at) : Number.NaN;
  if (!Number.isNaN(closes) && now >= closes) return "closed";
  if (!Number.isNaN(opens) && now < opens) return "upcoming";
  return "open";
}
