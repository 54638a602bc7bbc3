// The profile summary counts samples (lib/cpu-profile.ts): a sample taken after a long idle gap
// weighs as much as any other, and each is charged to the nearest frame of the project's own code.
import { expect, test } from "bun:test";
import { type CpuProfile, countSamples, processOf } from "../lib/cpu-profile.ts";

const ROOT = "/repo";
const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
  children,
});
// main.ts → handler (own code) → ioredis write → native send
const profile: CpuProfile = {
  nodes: [
    frame(1, "(module)", "file:///repo/gateway/src/main.ts", [2]),
    frame(2, "handler", "file:///repo/gateway/src/transport/routes.ts", [3, 5]),
    frame(
      3,
      "write",
      "file:///repo/node_modules/.bun/ioredis@6.0.0+abc/node_modules/ioredis/built/Redis.js",
      [4],
    ),
    frame(4, "send", ""),
    frame(5, "parse", "node:querystring"),
  ],
  samples: [4, 4, 3, 5, 2],
  startTime: 1_000_000_000,
  // The second sample comes 60 s after the first (idle meanwhile): still one sample.
  timeDeltas: [1000, 60_000_000, 1000, 1000, 1000],
};

test("samples are counted, not weighed by the time since the previous one", () => {
  const c = countSamples(profile, ROOT);
  expect(c.total).toBe(5);
  expect(Object.fromEntries(c.byPlace)).toEqual({
    "[native]": 2,
    ioredis: 1,
    "node:querystring": 1,
    "gateway/src/transport/routes.ts": 1,
  });
  // Every sample led from the route handler: the package and native frames are charged to it.
  expect(Object.fromEntries(c.byCode)).toEqual({ "handler gateway/src/transport/routes.ts:10": 5 });
});

test("a window keeps only the samples taken inside it (epoch ms)", () => {
  const c = countSamples(profile, ROOT, 1_000_000, 1_000_002);
  expect(c.total).toBe(1);
  expect(countSamples(profile, ROOT, 1_060_000, 1_060_100).total).toBe(4);
});

test("the process is named after the service whose main the profile holds", () => {
  expect(processOf(profile)).toBe("gateway");
});
