import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { ApiError } from "./api.ts";
import { devLogin } from "./buyer-api.ts";
import { useLoad } from "./hooks.ts";
import {
  clearSession,
  loadSession,
  rolesOf,
  type Session,
  saveSession,
  sessionFromToken,
} from "./session.ts";

/** What pages get from {@link useAuth}. */
export interface AuthValue {
  session: Session | undefined;
  /** Signs in through the local issuer's dev login (development mode), with roles if asked. */
  signInDev: (userName: string, roles?: string[]) => Promise<void>;
  /** Adopts a token from the identity provider (production mode); false if it is unusable. */
  adoptToken: (token: string, expiresInSec?: number) => boolean;
  signOut: () => void;
  /** Call with any API error: a 401 means the token is no longer accepted, so sign out. */
  noteError: (error: unknown) => void;
}

const AuthContext = createContext<AuthValue | undefined>(undefined);

/** Holds the signed-in buyer for the whole app; the JWT lives in localStorage between visits. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState(() => loadSession(localStorage, Date.now()));

  const keep = useCallback((s: Session) => {
    saveSession(localStorage, s);
    setSession(s);
  }, []);
  const signOut = useCallback(() => {
    clearSession(localStorage);
    setSession(undefined);
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      session,
      signInDev: async (userName, roles) => {
        const answer = await devLogin(userName, roles);
        const granted = rolesOf(answer.access_token);
        keep({
          userId: userName,
          token: answer.access_token,
          expiresAt: Date.now() + answer.expires_in * 1000,
          ...(granted.length > 0 ? { roles: granted } : {}),
        });
      },
      adoptToken: (token, expiresInSec) => {
        const s = sessionFromToken(token, expiresInSec ?? 3600, Date.now());
        if (s) keep(s);
        return s !== undefined;
      },
      signOut,
      noteError: (error) => {
        if (error instanceof ApiError && error.code === "UNAUTHENTICATED") signOut();
      },
    }),
    [session, keep, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The auth state; only valid under {@link AuthProvider}. */
export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth needs an AuthProvider above it");
  return value;
}

/**
 * `useLoad` for the signed-in buyer's own data: `load` gets the session's token; signed out it
 * calls nothing and yields `signedOut`; a failure is noted (an expired session signs out) and
 * left for the page to show.
 */
export function useSignedInLoad<T, S = undefined>(
  load: (token: string, signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  signedOut?: S,
) {
  const { session, noteError } = useAuth();
  const token = session?.token;
  return useLoad<T | S>(
    async (signal) => {
      if (!token) return signedOut as S;
      try {
        return await load(token, signal);
      } catch (e) {
        noteError(e);
        throw e;
      }
    },
    [...deps, token],
  );
}

/**
 * A button's action: busy while it runs; a failure is noted with the session (an expired one
 * signs out), kept for the page to show, and frees the button. A success frees it too, unless
 * the action `leaves` the page (navigates away), so the button stays busy until it is gone.
 */
export function useAction() {
  const { noteError } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(
    async (action: () => Promise<void>, leaves = false) => {
      setBusy(true);
      setError(undefined);
      try {
        await action();
        if (!leaves) setBusy(false);
      } catch (e) {
        noteError(e);
        setError(e);
        setBusy(false);
      }
    },
    [noteError],
  );
  return { busy, error, run };
}
