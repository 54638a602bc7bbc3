import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { AppError, ERROR_CATALOGUE, type ErrorCode, isRetryable } from "../src/errors.ts";
import { isRetryable as fromRetryModule } from "../src/retry.ts";

const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

describe("the catalogue's retryable", () => {
  test("is read from a code or from anything carrying one", () => {
    expect(isRetryable("OVERLOADED")).toBe(true);
    expect(isRetryable(new AppError("UPSTREAM_TIMEOUT", "slow"))).toBe(true);
    expect(isRetryable({ code: "RATE_LIMITED", status: 429 })).toBe(true);
    expect(isRetryable("SEAT_UNAVAILABLE")).toBe(false);
    expect(isRetryable(new AppError("QUEUE_CLIENT_LIMIT", "too many places"))).toBe(false);
  });

  test("a code outside the catalogue is not its to judge: false", () => {
    for (const other of [
      "NETWORK_UNREACHABLE",
      "TIMEOUT",
      14,
      undefined,
      null,
      { code: 14 },
      "hasOwnProperty",
    ])
      expect(isRetryable(other)).toBe(false);
  });

  test("the browser-safe retry module offers the same function", () => {
    expect(fromRetryModule).toBe(isRetryable);
  });

  test("docs/spec.md's error table says 'retried' for exactly the retryable codes", () => {
    const spec = readFileSync(new URL("../../docs/spec.md", import.meta.url), "utf8");
    const rows = new Map<string, string>();
    for (const m of spec.matchAll(/^\| `([A-Z_]+)` +\| \d{3} +\| [a-z_]+ +\| (yes|no) +\|/gm))
      rows.set(m[1] as string, m[2] as string);
    expect([...rows.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes)
      expect(`${code} ${rows.get(code)}`).toBe(`${code} ${isRetryable(code) ? "yes" : "no"}`);
  });
});
