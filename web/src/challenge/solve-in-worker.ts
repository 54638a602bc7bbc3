import type { SolveMessage, SolveRequest } from "./protocol.ts";

/** The part of a Worker a solve uses (a fake in tests can stand in). */
export interface SolverWorker {
  postMessage(request: SolveRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<SolveMessage>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** The proof-of-work worker; Vite bundles the file and its imports as a module worker. */
export function startPowWorker(): SolverWorker {
  return new Worker(new URL("./pow-worker.ts", import.meta.url), { type: "module" });
}

/** What a solve reports and how it is stopped. */
export interface SolveOptions {
  /** Tries so far, every few thousand tries. */
  onProgress?: (tries: number) => void;
  /** Aborting ends the worker at once (the buyer left the page) and rejects with the reason. */
  signal?: AbortSignal;
  /** Starts the worker (tests pass their own). */
  start?: () => SolverWorker;
}

/**
 * Solves a join challenge in a worker: resolves with the solution and its tries. A worker per
 * solve, terminated when it ends either way — the solver loop never yields, so terminating it is
 * the only way to stop it, and a new worker costs a few milliseconds against a solve's seconds.
 */
export function solveInWorker(
  request: SolveRequest,
  { onProgress, signal, start = startPowWorker }: SolveOptions = {},
): Promise<{ solution: string; tries: number }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = start();
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener("abort", abort);
    };
    const abort = () => {
      finish();
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") onProgress?.(data.tries);
      else {
        finish();
        if (data.type === "solved") resolve({ solution: data.solution, tries: data.tries });
        else reject(new Error(data.message));
      }
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`the challenge solver failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}
