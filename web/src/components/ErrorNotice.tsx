import { ApiError } from "../api.ts";
import { describeError, retryHint } from "../error-messages.ts";
import { paths } from "../router.ts";
import { Link } from "./Link.tsx";

/** Props for {@link ErrorNotice}. */
export interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
  /** Replaces the standard sentence when the page knows better what went wrong. */
  message?: string;
}

/** A friendly, announced error message with an optional retry; never shows developer text. */
export function ErrorNotice({ error, onRetry, message }: ErrorNoticeProps) {
  const api = error instanceof ApiError ? error : undefined;
  const signIn = api?.code === "UNAUTHENTICATED";
  const hint = retryHint(error);
  return (
    <div className="notice notice--error" role="alert">
      <p className="notice__message">{message ?? describeError(error)}</p>
      {hint !== undefined && <p className="notice__reference">{hint}</p>}
      {api?.traceId !== undefined && (
        <p className="notice__reference">
          Reference: <code>{api.traceId}</code>
        </p>
      )}
      <div className="actions">
        {signIn && (
          <Link className="button" href={paths.signin(location.pathname)}>
            Sign in
          </Link>
        )}
        {onRetry !== undefined && !signIn && (
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}
