import { type FormEvent, useEffect, useId, useState } from "react";
import { useAuth } from "../auth.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { authConfig } from "../config.ts";
import { useTitle } from "../hooks.ts";
import { completeSignIn, oidcClient, type SignedIn, signInUrl } from "../oidc.ts";
import { navigate, safeNext } from "../router.ts";
import { USER_NAME_PATTERN } from "../session.ts";

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

/** The provider for this build, with a client whose PKCE state lives in this tab. */
function providerClient() {
  const provider = authConfig.provider;
  return provider ? oidcClient(provider, location.origin, sessionStorage) : undefined;
}

function ProviderSignIn({ next }: { next: string }) {
  const [error, setError] = useState<unknown>();
  const client = providerClient();
  if (!client) {
    return (
      <p className="notice notice--error" role="alert">
        Sign-in is not configured for this site. Please try again later.
      </p>
    );
  }
  const go = async () => {
    try {
      location.assign(await signInUrl(client, next));
    } catch (err) {
      setError(err); // The provider's discovery document could not be read.
    }
  };
  return (
    <div className="panel">
      {error !== undefined && (
        <p className="notice notice--error" role="alert">
          We couldn't reach {authConfig.providerName}. Please try again in a moment.
        </p>
      )}
      <button type="button" className="button" onClick={go}>
        Sign in with {authConfig.providerName}
      </button>
    </div>
  );
}

// React may run the callback's effect twice (StrictMode): the code can be traded only once.
let completing: { url: string; result: Promise<SignedIn> } | undefined;

/** Where the identity provider sends the buyer back, with a one-time code in the query. */
export function SignInCallbackPage() {
  const { adoptToken } = useAuth();
  const [failed, setFailed] = useState(false);
  useTitle("Signing in");
  useEffect(() => {
    const client = providerClient();
    if (!client) {
      setFailed(true);
      return;
    }
    const url = location.href;
    if (completing?.url !== url) completing = { url, result: completeSignIn(client, url) };
    // Drop the code and state from the address bar and history before anything else happens.
    history.replaceState(null, "", location.pathname);
    completing.result.then(
      (signedIn) => {
        if (!adoptToken(signedIn.token, signedIn.expiresInSec)) setFailed(true);
        else navigate(safeNext(signedIn.next), { replace: true });
      },
      () => setFailed(true),
    );
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
