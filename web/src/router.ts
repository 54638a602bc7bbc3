import { useSyncExternalStore } from "react";

/** Every page of the app, as parsed from the URL path. */
export type Route =
  | { name: "events" }
  | { name: "event"; eventId: string }
  | { name: "queue"; eventId: string }
  | { name: "seats"; eventId: string }
  | { name: "reservation"; reservationId: string }
  | { name: "reservations" }
  | { name: "order"; orderId: string }
  | { name: "signin"; next: string }
  | { name: "signin-callback" }
  | { name: "console"; eventId: string }
  | { name: "not-found" };

const enc = encodeURIComponent;

/** URL builders, the only place paths are spelled out besides {@link parseRoute}. */
export const paths = {
  events: () => "/",
  event: (eventId: string) => `/events/${enc(eventId)}`,
  queue: (eventId: string) => `/events/${enc(eventId)}/queue`,
  seats: (eventId: string) => `/events/${enc(eventId)}/seats`,
  reservation: (id: string) => `/reservations/${enc(id)}`,
  reservations: () => "/reservations",
  order: (id: string) => `/orders/${enc(id)}`,
  signin: (next: string) => `/signin?next=${enc(next)}`,
  /** Where the identity provider sends the buyer back (registered with it as the redirect URI). */
  signinCallback: "/signin/callback",
  console: (eventId: string) => `/admin/events/${enc(eventId)}`,
};

/** Only same-site paths are followed after sign-in, so `?next=` cannot send a buyer elsewhere. */
export function safeNext(next: string | null | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** Maps a path (and query) to a route; anything unknown is `not-found`. */
export function parseRoute(pathname: string, search = ""): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeSegment);
  const [a, b, c, extra] = parts;
  if (parts.some((p) => p === undefined)) return { name: "not-found" };
  if (parts.length === 0) return { name: "events" };
  if (a === "events" && b && !c) return { name: "event", eventId: b };
  if (a === "events" && b && c === "queue" && !extra) return { name: "queue", eventId: b };
  if (a === "events" && b && c === "seats" && !extra) return { name: "seats", eventId: b };
  if (a === "reservations" && !b) return { name: "reservations" };
  if (a === "reservations" && b && !c) return { name: "reservation", reservationId: b };
  if (a === "orders" && b && !c) return { name: "order", orderId: b };
  if (a === "signin" && !b)
    return { name: "signin", next: safeNext(new URLSearchParams(search).get("next")) };
  if (a === "signin" && b === "callback" && !c) return { name: "signin-callback" };
  if (a === "admin" && b === "events" && c && !extra) return { name: "console", eventId: c };
  return { name: "not-found" };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// History-based: CloudFront's SPA rewrite (terraform/modules/web) and Vite's dev server both
// serve index.html for extension-less paths, so deep links and reloads work on real URLs.
const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};

/** Goes to a path inside the app without a page load. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  notify();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const snapshot = () => `${location.pathname}${location.search}`;

/** The current route; re-renders on navigate() and on back/forward. */
export function useRoute(): Route {
  const url = useSyncExternalStore(subscribe, snapshot);
  const q = url.indexOf("?");
  return q < 0 ? parseRoute(url) : parseRoute(url.slice(0, q), url.slice(q));
}
