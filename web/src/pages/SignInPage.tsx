import { type FormEvent, useEffect, useId, useState } from "react";
import { useAuth } from "../auth.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { authConfig } from "../config.ts";
import { useTitle } from "../hooks.ts";
import { navigate, safeNext } from "../router.ts";
import { tokenFromFragment, USER_NAME_PATTERN } from "../session.ts";
import { newUuid } from "../uuid.ts";

const STATE_KEY = "tt.oidc.state";

/** Sign-in: a user name for the local issuer (dev), or a hand-off to the identity provider (production). */
export function SignInPage({ next }: { next: string }) {
  useTitle("Sign in");
  return (
    <section aria-labelledby="signin-heading" className="narrow">
      <h2 id="signin-heading">Sign in</h2>
      {authConfig.mode === "oidc" ? <ProviderSignIn next={next} /> : <DevSignIn next={next} />}
    </section>
  );
}

function DevSignIn({ next }: { next: string }) {
  const { signInDev } = useAuth();
  const [name, setName] = useState("");
  const [operator, setOperator] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [invalid, setInvalid] = useState(false);
  const inputId = useId();
  const hintId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const userName = name.trim();
    if (!USER_NAME_PATTERN.test(userName)) {
      setInvalid(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await signInDev(userName, operator ? ["admin"] : undefined);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="panel" noValidate>
      <p className="muted">
        Local platform: any name signs you in (the dev issuer; not available in production).
      </p>
      <div className="form-row">
        <label htmlFor={inputId}>Your name</label>
        <input
          id={inputId}
          name="user"
          autoComplete="username"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setInvalid(false);
          }}
          aria-invalid={invalid}
          aria-describedby={hintId}
          required
        />
        <p id={hintId} className={invalid ? "field-error" : "muted"}>
          Letters and digits, optionally with . _ - : @ (up to 64 characters).
        </p>
      </div>
      <div className="form-row">
        <label>
          <input type="checkbox" checked={operator} onChange={(e) => setOperator(e.target.checked)} /> Sign in
          as an operator (admin role: the operator console)
        </label>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <button type="submit" className="button" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

function ProviderSignIn({ next }: { next: string }) {
  if (!authConfig.loginUrl) {
    return (
      <p className="notice notice--error" role="alert">
        Sign-in is not configured for this site. Please try again later.
      </p>
    );
  }
  const go = () => {
    // The state ties the provider's answer to this browser and carries where to return to.
    const nonce = newUuid();
    sessionStorage.setItem(STATE_KEY, JSON.stringify({ nonce, next }));
    const url = new URL(authConfig.loginUrl ?? "");
    url.searchParams.set("state", nonce);
    location.assign(url.toString());
  };
  return (
    <div className="panel">
      <button type="button" className="button" onClick={go}>
        Sign in with {authConfig.providerName}
      </button>
    </div>
  );
}

/** Where the identity provider sends the buyer back, with the token in the URL fragment. */
export function SignInCallbackPage() {
  const { adoptToken } = useAuth();
  const [failed, setFailed] = useState(false);
  useTitle("Signing in");
  useEffect(() => {
    const answer = tokenFromFragment(location.hash);
    const saved = sessionStorage.getItem(STATE_KEY);
    sessionStorage.removeItem(STATE_KEY);
    const expected = saved ? (JSON.parse(saved) as { nonce: string; next: string }) : undefined;
    // Drop the token from the address bar and history before anything else happens.
    history.replaceState(null, "", location.pathname);
    if (!answer || !expected || answer.state !== expected.nonce || !adoptToken(answer.token)) {
      setFailed(true);
      return;
    }
    navigate(safeNext(expected.next), { replace: true });
  }, [adoptToken]);
  return failed ? (
    <p className="notice notice--error" role="alert">
      We couldn't sign you in. Please try again.
    </p>
  ) : (
    <p className="notice" role="status">
      Signing you in…
    </p>
  );
}
