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
