import { ApiError } from "../api.ts";
import { describeError } from "../error-messages.ts";

/** Props for {@link ErrorNotice}. */
export interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
}

/** A friendly, announced error message with an optional retry; never shows developer text. */
export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const traceId = error instanceof ApiError ? error.traceId : undefined;
  return (
    <div className="notice notice--error" role="alert">
      <p className="notice__message">{describeError(error)}</p>
      {traceId !== undefined && (
        <p className="notice__reference">
          Reference: <code>{traceId}</code>
        </p>
      )}
      {onRetry !== undefined && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
