import { describe, expect, test } from "bun:test";
import { createLogger } from "../src/log.ts";
import { Poller } from "../src/poller.ts";

const log = createLogger("test", "error");

/** Runs a poller for `ms` and returns the gaps between its passes. */
async function gaps(
  options: ConstructorParameters<typeof Poller>[2],
  work: (pass: number) => number,
  ms: number,
) {
  const at: number[] = [];
  const poller = new Poller("test", async () => work(at.push(performance.now())), options, log);
  poller.start();
  await Bun.sleep(ms);
  await poller.stop();
  return at.slice(1).map((t, i) => t - (at[i] ?? t));
}

describe("Poller", () => {
  test("idle passes back off from busyMs to idleMs; a pass that found work comes again after busyMs", async () => {
    const idle = await gaps({ busyMs: 20, idleMs: 160 }, () => 0, 700);
    // 40, 80, 160, 160 …: doubling, capped.
    expect(idle[0]).toBeGreaterThanOrEqual(35);
    expect(idle[2]).toBeGreaterThanOrEqual(150);
    expect(Math.max(...idle)).toBeLessThan(230);
    const busy = await gaps({ busyMs: 20, idleMs: 160 }, () => 1, 300);
    expect(busy.length).toBeGreaterThanOrEqual(8);
  });

  test("without backoff an idle pass waits idleMs at once", async () => {
    const idle = await gaps({ busyMs: 0, idleMs: 100, backoff: false }, () => 0, 450);
    expect(idle.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...idle)).toBeGreaterThanOrEqual(95);
  });
});
