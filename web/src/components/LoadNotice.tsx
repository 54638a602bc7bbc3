import type { Loaded } from "../hooks.ts";
import { ErrorNotice } from "./ErrorNotice.tsx";

/** Props for {@link LoadNotice}. */
export interface LoadNoticeProps {
  state: Loaded<unknown>;
  /** What is announced while loading, e.g. "Loading your order…". */
  loading: string;
  onRetry: () => void;
}

/**
 * What a page shows while its load is under way or has failed, and nothing once it is ready:
 * one announced wording and one retry for every page that loads (useLoad, useSignedInLoad).
 */
export function LoadNotice({ state, loading, onRetry }: LoadNoticeProps) {
  if (state.status === "loading") {
    return (
      <p className="notice" role="status">
        {loading}
      </p>
    );
  }
  if (state.status === "failed") return <ErrorNotice error={state.error} onRetry={onRetry} />;
  return null;
}
