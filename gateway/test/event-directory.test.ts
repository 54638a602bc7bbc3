// The event directory behind the join route under a crowd: one lookup per event at a time, and
// a known event never makes joins wait on inventory again.
import { describe, expect, test } from "bun:test";
import { CachedEventDirectory } from "../src/adapters/upstream/event-directory.connect.ts";

/** A lookup that answers only when told to, counting what it was asked. */
function heldLookup(exists: (id: string) => boolean) {
  const asked: string[] = [];
  const waiting: Array<() => void> = [];
  const lookup = (id: string) => {
    asked.push(id);
    return new Promise<boolean>((resolve) => waiting.push(() => resolve(exists(id))));
  };
  const answerAll = () => {
    for (const answer of waiting.splice(0)) answer();
  };
  return { asked, lookup, answerAll };
}

describe("event directory", () => {
  test("a thousand joins of an event not yet known share one lookup", async () => {
    const held = heldLookup(() => true);
    const dir = new CachedEventDirectory(held.lookup);
    const joins = Array.from({ length: 1000 }, () => dir.exists("evt_crowd"));
    await Bun.sleep(0);
    expect(held.asked).toHaveLength(1);
    held.answerAll();
    expect(await Promise.all(joins)).toEqual(Array(1000).fill(true));
  });

  test("past its time a known event is answered at once while one lookup reads it again", async () => {
    let now = 0;
    let exists = true;
    const held = heldLookup(() => exists);
    const dir = new CachedEventDirectory(held.lookup, { positiveMs: 30_000, negativeMs: 5_000 }, () => now);
    const first = dir.exists("evt_known");
    await Bun.sleep(0);
    held.answerAll();
    expect(await first).toBe(true);

    now = 31_000;
    exists = false;
    // Not waiting on the lookup: these resolve while it is still unanswered.
    const joins = await Promise.all(Array.from({ length: 500 }, () => dir.exists("evt_known")));
    expect(joins).toEqual(Array(500).fill(true));
    expect(held.asked).toHaveLength(2);

    // The event is gone now: once the lookup says so, joins are refused.
    held.answerAll();
    await Bun.sleep(0);
    expect(await dir.exists("evt_known")).toBe(false);
    expect(held.asked).toHaveLength(2);
  });
});
