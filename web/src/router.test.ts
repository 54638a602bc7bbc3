import { describe, expect, test } from "bun:test";
import { parseRoute, paths, safeNext } from "./router.ts";

describe("parseRoute", () => {
  test("round-trips every path builder", () => {
    expect(parseRoute(paths.events())).toEqual({ name: "events" });
    expect(parseRoute(paths.event("evt_2025_1001"))).toEqual({ name: "event", eventId: "evt_2025_1001" });
    expect(parseRoute(paths.queue("e 1"))).toEqual({ name: "queue", eventId: "e 1" });
    expect(parseRoute(paths.seats("e1"))).toEqual({ name: "seats", eventId: "e1" });
    expect(parseRoute(paths.reservation("rsv_1"))).toEqual({ name: "reservation", reservationId: "rsv_1" });
    expect(parseRoute(paths.reservations())).toEqual({ name: "reservations" });
    expect(parseRoute(paths.order("ord_1"))).toEqual({ name: "order", orderId: "ord_1" });
    expect(parseRoute(paths.console("evt_1"))).toEqual({ name: "console", eventId: "evt_1" });
    const [path, query] = paths.signin("/events/e1").split("?");
    expect(parseRoute(path ?? "", `?${query}`)).toEqual({ name: "signin", next: "/events/e1" });
  });

  test("sends unknown and malformed paths to not-found", () => {
    expect(parseRoute("/events/e1/queue/extra").name).toBe("not-found");
    expect(parseRoute("/nope").name).toBe("not-found");
    expect(parseRoute("/events/%E0%A4%A").name).toBe("not-found");
  });

  test("never follows a sign-in return path off the site", () => {
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("/reservations")).toBe("/reservations");
  });
});
