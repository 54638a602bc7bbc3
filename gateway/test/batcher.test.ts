import { describe, expect, test } from "bun:test";
import { Batcher } from "@tt/kit";

/** A batcher whose runs are recorded; each input n is answered with `${key}:${n}`. */
function recorded(maxSize?: number) {
  const runs: Array<{ key: string; inputs: number[] }> = [];
  const batcher = new Batcher<number, string>(
    async (key, inputs) => {
      runs.push({ key, inputs });
      return inputs.map((n) => `${key}:${n}`);
    },
    { maxSize },
  );
  return { batcher, runs };
}

describe("the batcher", () => {
  test("calls made in one turn for one key run as one batch, in order, each answered with its own output", async () => {
    const { batcher, runs } = recorded();
    const outputs = await Promise.all([1, 2, 3].map((n) => batcher.add("evt_a", n)));
    expect(outputs).toEqual(["evt_a:1", "evt_a:2", "evt_a:3"]);
    expect(runs).toEqual([{ key: "evt_a", inputs: [1, 2, 3] }]);
  });

  test("each key gets its own batch, and a later turn a new one", async () => {
    const { batcher, runs } = recorded();
    await Promise.all([batcher.add("evt_a", 1), batcher.add("evt_b", 2), batcher.add("evt_a", 3)]);
    await batcher.add("evt_a", 4);
    expect(runs).toEqual([
      { key: "evt_a", inputs: [1, 3] },
      { key: "evt_b", inputs: [2] },
      { key: "evt_a", inputs: [4] },
    ]);
  });

  test("a full batch is sent at once and the rest of the turn starts another", async () => {
    const { batcher, runs } = recorded(2);
    const outputs = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add("evt_a", n)));
    expect(outputs).toEqual(["evt_a:1", "evt_a:2", "evt_a:3", "evt_a:4", "evt_a:5"]);
    expect(runs.map((r) => r.inputs)).toEqual([[1, 2], [3, 4], [5]]);
  });

  test("a lingering batch takes the calls of later turns until its time is up", async () => {
    const runs: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (_key, inputs) => {
        runs.push(inputs);
        return inputs;
      },
      { lingerMs: 30 },
    );
    const first = batcher.add("acks", 1);
    await Bun.sleep(5);
    const second = batcher.add("acks", 2);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    await batcher.add("acks", 3);
    expect(runs).toEqual([[1, 2], [3]]);
  });

  test("a failed batch fails each of its calls, and only those", async () => {
    const batcher = new Batcher<number, number>(async (key, inputs) => {
      if (key === "evt_down") throw new Error("redis is down");
      return inputs;
    });
    const results = await Promise.allSettled([
      batcher.add("evt_down", 1),
      batcher.add("evt_up", 2),
      batcher.add("evt_down", 3),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe("redis is down");
  });

  test("calls a batch left unanswered fail rather than hang", async () => {
    const batcher = new Batcher<number, number>(async (_key, inputs) => inputs.slice(0, 1));
    const results = await Promise.allSettled([batcher.add("evt_a", 1), batcher.add("evt_a", 2)]);
    expect(results[0]).toEqual({ status: "fulfilled", value: 1 });
    expect(results[1]?.status).toBe("rejected");
  });
});
