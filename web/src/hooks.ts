import { useCallback, useEffect, useRef, useState } from "react";

/** The three states of something loaded from the API. */
export type Loaded<T> =
  | { status: "loading" }
  | { status: "failed"; error: unknown }
  | { status: "ready"; value: T };

/**
 * Loads once per change of `deps` and offers a retry; an answer that arrives after the page
 * moved on (aborted) is dropped so it cannot overwrite a newer one.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: callers pass what the load depends on; attempt re-runs it
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    loadRef.current(controller.signal).then(
      (value) => !controller.signal.aborted && setState({ status: "ready", value }),
      (error: unknown) => !controller.signal.aborted && setState({ status: "failed", error }),
    );
    return () => controller.abort();
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, setState, retry };
}

/**
 * Runs `task` now (or after `firstAfterMs`) and then every `everyMs` after each run finishes
 * (never overlapping), while `enabled` and the tab is visible: a hidden tab stops polling and
 * catches up when shown again.
 */
export function usePoll(
  task: (signal: AbortSignal) => Promise<void>,
  everyMs: number,
  enabled = true,
  firstAfterMs = 0,
) {
  const taskRef = useRef(task);
  taskRef.current = task;
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    const run = async () => {
      clearTimeout(timer);
      if (running || controller.signal.aborted) return;
      running = true;
      try {
        if (document.visibilityState !== "hidden") await taskRef.current(controller.signal);
      } catch {
        // The task reports its own errors; polling just carries on.
      } finally {
        running = false;
      }
      if (!controller.signal.aborted) timer = setTimeout(run, everyMs);
    };
    const onVisible = () => document.visibilityState === "visible" && void run();
    document.addEventListener("visibilitychange", onVisible);
    if (firstAfterMs > 0) timer = setTimeout(run, firstAfterMs);
    else void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [everyMs, enabled, firstAfterMs]);
}

/** Sets the tab title, so history and screen readers name each page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Traffic Tacos`;
  }, [title]);
}
