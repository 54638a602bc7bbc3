/**
 * Runs the fuzzer: for each target a fast-check property "every generated request is answered
 * without a 5xx, in the standard error body", checked for `runs` requests (a failure is shrunk to
 * a small request that still fails), several targets at once.
 */
import fc from "fast-check";
import type { FuzzRequest } from "./rest.ts";
import type { Verdict } from "./verdict.ts";

/** Something to fuzz: a name, its requests and how its answers are judged. */
export interface FuzzTarget {
  name: string;
  requests: fc.Arbitrary<FuzzRequest>;
  /** Last touches before sending (a fresh credential). */
  prepare?(request: FuzzRequest): Promise<FuzzRequest>;
  judge(status: number, contentType: string | null, text: string): Verdict;
}

/** What happened to one target. */
export interface TargetResult {
  name: string;
  requests: number;
  /** Answers by status. */
  statuses: Record<number, number>;
  ms: number;
  /** The shrunk failing request and what was wrong, if the property failed. */
  failure?: { request: FuzzRequest; verdict: string; seed: number };
}

/** Options of a run. */
export interface FuzzOptions {
  runs: number;
  /** Targets fuzzed at once. */
  parallel?: number;
  seed?: number;
  /** Called after each target. */
  onResult?(result: TargetResult): void;
}

class BrokenPromise extends Error {}

async function send(
  request: FuzzRequest,
): Promise<{ status: number; contentType: string | null; text: string }> {
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
  } catch (error) {
    // No answer at all (a reset, a hang) is as bad as a 5xx.
    return { status: 599, contentType: null, text: `no answer: ${String(error)}` };
  }
}

/** Fuzzes one target for `runs` generated requests. */
export async function fuzzTarget(target: FuzzTarget, runs: number, seed?: number): Promise<TargetResult> {
  const statuses: Record<number, number> = {};
  let requests = 0;
  const started = performance.now();
  const property = fc.asyncProperty(target.requests, async (request) => {
    const answer = await send(target.prepare ? await target.prepare(request) : request);
    requests++;
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    const verdict = target.judge(answer.status, answer.contentType, answer.text);
    if (verdict) throw new BrokenPromise(verdict);
  });
  const details = await fc.check(property, {
    numRuns: runs,
    ...(seed !== undefined ? { seed } : {}),
    // A shrink sends requests too: a few hundred are plenty to get a small counterexample.
    maxSkipsPerRun: 0,
    endOnFailure: false,
    interruptAfterTimeLimit: 30 * 60_000,
  });
  const result: TargetResult = {
    name: target.name,
    requests,
    statuses,
    ms: Math.round(performance.now() - started),
  };
  if (details.failed && details.counterexample) {
    const error = details.errorInstance;
    result.failure = {
      request: details.counterexample[0],
      verdict: error instanceof Error ? error.message : String(error),
      seed: details.seed,
    };
  }
  return result;
}

/** Fuzzes every target, `parallel` at a time; results in the targets' order. */
export async function fuzzAll(targets: FuzzTarget[], options: FuzzOptions): Promise<TargetResult[]> {
  const results: TargetResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i];
      if (!target) continue;
      const result = await fuzzTarget(target, options.runs, options.seed);
      results[i] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 4) }, worker));
  return results;
}

/** One line describing a failure: the request (body cut short) and what was wrong. */
export function describeFailure(result: TargetResult): string {
  const f = result.failure;
  if (!f) return `${result.name}: ok`;
  const body =
    typeof f.request.body === "string"
      ? f.request.body.slice(0, 400)
      : f.request.body
        ? `<${f.request.body.length} bytes>`
        : "";
  return `${result.name}: ${f.verdict}\n  ${f.request.method} ${f.request.url}\n  headers ${JSON.stringify(f.request.headers)}\n  body ${body}\n  (seed ${f.seed})`;
}
