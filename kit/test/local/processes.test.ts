import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type Child, Supervisor } from "../../src/local/processes.ts";
import { waitUntil } from "../../src/local/wait.ts";

/**
 * True while a process with this pid runs. A zombie (state Z: dead, not yet reaped by whoever
 * inherited it) counts as gone; signal 0 alone would call it alive.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const supervisors: Supervisor[] = [];
function supervisor(opts: ConstructorParameters<typeof Supervisor>[0] = {}): Supervisor {
  const sup = new Supervisor({ sink: () => undefined, color: false, ...opts });
  supervisors.push(sup);
  return sup;
}

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});

describe("Supervisor", () => {
  test("stop() ends a running child and leaves no process behind", async () => {
    const sup = supervisor();
    const child = sup.spawn({ name: "sleeper", cmd: ["sleep", "30"] });
    expect(alive(child.pid)).toBe(true);
    await sup.stop();
    expect(child.running()).toBe(false);
    expect(alive(child.pid)).toBe(false);
  });

  test("stop() also ends processes the child spawned itself", async () => {
    const lines: string[] = [];
    const sup = supervisor({ sink: (l) => lines.push(l) });
    sup.spawn({ name: "shell", cmd: ["sh", "-c", "sleep 30 & echo grandchild=$!; wait"] });
    await waitUntil("grandchild pid", async () => lines.some((l) => l.includes("grandchild=")), {
      timeoutMs: 5_000,
    });
    const grandchild = Number(lines.find((l) => l.includes("grandchild="))?.split("grandchild=")[1]);
    expect(alive(grandchild)).toBe(true);
    await sup.stop();
    expect(alive(grandchild)).toBe(false);
  });

  test("a child that ignores SIGTERM is killed after the grace period", async () => {
    const sup = supervisor({ stopGraceMs: 300 });
    const child = sup.spawn({
      name: "stubborn",
      cmd: ["sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30"],
    });
    await Bun.sleep(100);
    await sup.stop();
    expect(alive(child.pid)).toBe(false);
  });

  test("prefixes each output line with the child's name", async () => {
    const lines: string[] = [];
    const sup = supervisor({ sink: (l) => lines.push(l), onUnexpectedExit: () => undefined });
    const child = sup.spawn({ name: "talker", cmd: ["sh", "-c", "echo one; echo two >&2"] });
    await child.exited;
    expect(lines.sort()).toEqual(["talker      | one", "talker      | two"]);
  });

  test("reports a child that dies on its own, with its exit code and last output", async () => {
    let report: { child: Child; code: number } | undefined;
    const sup = supervisor({ onUnexpectedExit: (child, code) => (report = { child, code }) });
    sup.spawn({ name: "crasher", cmd: ["sh", "-c", "echo boom; exit 3"] });
    await waitUntil("crash report", async () => report !== undefined, { timeoutMs: 5_000 });
    expect(report?.child.name).toBe("crasher");
    expect(report?.code).toBe(3);
    expect(report?.child.tail()).toEqual(["boom"]);
  });

  test("does not report children it stopped itself, and refuses to start new ones", async () => {
    let reports = 0;
    const sup = supervisor({ onUnexpectedExit: () => reports++ });
    sup.spawn({ name: "sleeper", cmd: ["sleep", "30"] });
    await sup.stop();
    expect(reports).toBe(0);
    expect(() => sup.spawn({ name: "late", cmd: ["sleep", "1"] })).toThrow(/stopping/);
  });

  test("once restarts are on, a child killed with -9 is started again, and one that keeps dying waits longer each time", async () => {
    const restarts: { code: number; delayMs: number }[] = [];
    let reported = 0;
    const sup = supervisor({
      onRestart: (_child, code, delayMs) => restarts.push({ code, delayMs }),
      onUnexpectedExit: () => reported++,
    });
    const first = sup.spawn({ name: "server", cmd: ["sleep", "30"] });
    sup.restartOnExit();
    process.kill(first.pid, "SIGKILL");
    await waitUntil("a second start", async () => sup.pidOf("server") !== first.pid, { timeoutMs: 5_000 });
    const second = sup.pidOf("server") ?? 0;
    expect(alive(second)).toBe(true);
    expect(restarts[0]).toEqual({ code: 137, delayMs: 500 });

    // Dies at once every time: 500 ms, then 1 s, then 2 s before the next start.
    const crasher = sup.spawn({ name: "crasher", cmd: ["sh", "-c", "exit 4"] });
    await waitUntil("three restarts of the crasher", async () => restarts.length >= 4, { timeoutMs: 10_000 });
    expect(restarts.slice(1, 4)).toEqual([
      { code: 4, delayMs: 500 },
      { code: 4, delayMs: 1000 },
      { code: 4, delayMs: 2000 },
    ]);
    expect(sup.pidOf("crasher")).not.toBe(crasher.pid);
    expect(reported).toBe(0);
    await sup.stop();
    expect(alive(second)).toBe(false);
  }, 20_000);

  test("a child that cannot come back is reported, and stop() cancels a pending restart", async () => {
    let reported: string | undefined;
    const starts: string[] = [];
    const sup = supervisor({
      onUnexpectedExit: (child) => (reported = child.name),
      onSpawn: (child) => starts.push(child.name),
    });
    sup.restartOnExit();
    sup.spawn({ name: "in-memory db", cmd: ["sh", "-c", "exit 1"], restart: false });
    await waitUntil("the report", async () => reported !== undefined, { timeoutMs: 5_000 });
    expect(reported).toBe("in-memory db");

    sup.spawn({ name: "flaky", cmd: ["sh", "-c", "exit 1"] });
    await Bun.sleep(100); // died; its restart waits 500 ms
    await sup.stop();
    await Bun.sleep(700);
    expect(starts.filter((n) => n === "flaky")).toHaveLength(1);
  });

  test("stops higher tiers before lower ones", async () => {
    const order: string[] = [];
    const sup = supervisor();
    const db = sup.spawn({ name: "db", cmd: ["sleep", "30"], tier: 0 });
    const svc = sup.spawn({ name: "svc", cmd: ["sleep", "30"], tier: 1 });
    void db.exited.then(() => order.push("db"));
    void svc.exited.then(() => order.push("svc"));
    await sup.stop();
    expect(order).toEqual(["svc", "db"]);
  });
});
