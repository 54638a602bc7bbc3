import { describe, expect, test } from "bun:test";
import { boolFlag, numberFlag, parseArgs, UsageError } from "../lib/args.ts";

const spec = { usage: "usage: bench thing [--buyers N] [--chaos]", flags: ["buyers", "chaos"] };
const usageOf = (argv: string[]) => {
  try {
    parseArgs(argv, spec);
    return undefined;
  } catch (error) {
    return error instanceof UsageError ? { code: error.exitCode, text: error.message } : error;
  }
};

describe("bench command flags", () => {
  test("known flags and bare switches are read", () => {
    const args = parseArgs(["join", "--buyers", "50", "--chaos"], spec);
    expect(numberFlag(args, "buyers", 1)).toBe(50);
    expect(boolFlag(args, "chaos")).toBe(true);
    expect(args.positional).toEqual(["join"]);
  });

  test("a mistyped flag is refused with the known ones and the usage, not ignored", () => {
    const u = usageOf(["--buyer", "50"]) as { code: number; text: string };
    expect(u.code).toBe(2);
    expect(u.text).toContain("unknown flag --buyer");
    expect(u.text).toContain("--buyers --chaos");
    expect(u.text).toContain("usage: bench thing");
  });

  test("--help prints the usage and succeeds", () => {
    expect(usageOf(["--help"])).toEqual({ code: 0, text: spec.usage });
  });

  test("a flag that is not a number says so", () => {
    expect(() => numberFlag(parseArgs(["--buyers", "many"], spec), "buyers", 1)).toThrow(/not a number/);
  });
});
