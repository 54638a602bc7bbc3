import { describe, expect, test } from "bun:test";
import type { FunnelView } from "../admin-api.ts";
import { bucketLabel, duration, funnelRows } from "./funnel.ts";

const view = (funnel: FunnelView["funnel"]): FunnelView => ({
  event_id: "evt",
  as_of: "2026-01-01T00:00:00Z",
  funnel,
  abandoned: { silent: 0, left: 0 },
  wait: { count: 0, p50_sec: null, p95_sec: null, buckets: [] },
});

describe("the console's funnel", () => {
  test("each step is shown with its share of the buyers who joined", () => {
    const rows = funnelRows(view({ joined: 200, admitted: 150, held: 90, paid: 60, confirmed: 45 }));
    expect(rows.map((r) => [r.step, r.count, r.percentOfJoined])).toEqual([
      ["joined", 200, 100],
      ["admitted", 150, 75],
      ["held", 90, 45],
      ["paid", 60, 30],
      ["confirmed", 45, 23],
    ]);
  });

  test("before anyone joined there is no share to show", () => {
    const rows = funnelRows(view({ joined: 0, admitted: 0, held: 0, paid: 0, confirmed: 0 }));
    expect(rows.every((r) => r.percentOfJoined === null)).toBe(true);
  });

  test("a gateway of the previous release, which answers confirmed: null, leaves that step unknown", () => {
    const older = { joined: 10, admitted: 5, held: 4, paid: 3, confirmed: null };
    const rows = funnelRows(view(older as unknown as FunnelView["funnel"]));
    expect(rows.at(-1)).toEqual({
      step: "confirmed",
      label: "Confirmed (order)",
      count: null,
      percentOfJoined: null,
    });
    expect(rows.at(-2)?.count).toBe(3);
  });

  test("time-in-line buckets are labelled by the span they cover", () => {
    const buckets = [
      { le: 1, count: 0 },
      { le: 5, count: 2 },
      { le: 120, count: 1 },
      { le: 3600, count: 0 },
      { le: null, count: 1 },
    ];
    expect(buckets.map((_, i) => bucketLabel(buckets, i))).toEqual([
      "≤ 1 s",
      "1 s – 5 s",
      "5 s – 2 min",
      "2 min – 1 h",
      "> 1 h",
    ]);
    expect(duration(90)).toBe("1.5 min");
  });
});
