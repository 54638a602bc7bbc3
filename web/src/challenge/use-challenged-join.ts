import { useCallback, useEffect, useRef, useState } from "react";
import { type CallContext, getJoinChallenge, joinQueue } from "../buyer-api.ts";
import type { JoinAnswer } from "../types.ts";
import { joinWithChallenge } from "./challenged-join.ts";
import { progressPercent } from "./protocol.ts";
import { solveInWorker } from "./solve-in-worker.ts";

/**
 * Joining an event's line from a page, solving its challenge if it asks for one: `join` as the
 * join button calls it, and `percent` while a challenge is being solved (else undefined). Leaving
 * the page stops the solver.
 */
export function useChallengedJoin(eventId: string) {
  const [percent, setPercent] = useState<number>();
  const leaving = useRef<AbortController>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort(new DOMException("The buyer left the page", "AbortError"));
  }, []);

  const join = useCallback(
    (idempotencyKey: string, ctx: CallContext): Promise<JoinAnswer> => {
      const signal = leaving.current?.signal;
      return joinWithChallenge({
        join: (solved) => joinQueue(eventId, idempotencyKey, ctx, solved),
        fetchChallenge: () => getJoinChallenge(eventId, { ...ctx, ...(signal ? { signal } : {}) }),
        solve: async (challenge, difficulty) => {
          setPercent(0);
          try {
            const onProgress = (tries: number) => setPercent(progressPercent(tries, difficulty));
            const solved = await solveInWorker(
              { challenge, difficulty },
              { onProgress, ...(signal ? { signal } : {}) },
            );
            return solved.solution;
          } finally {
            setPercent(undefined);
          }
        },
      });
    },
    [eventId],
  );
  return { join, percent };
}
