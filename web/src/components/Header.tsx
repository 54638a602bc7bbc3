import { useAuth } from "../auth.tsx";
import { navigate, paths, useRoute } from "../router.ts";
import { Link } from "./Link.tsx";

/** Site banner: brand, navigation and who is signed in; the skip link lets keyboard users jump past it. */
export function Header() {
  const { session, signOut } = useAuth();
  // Subscribing to the route keeps the sign-in link's return path current.
  useRoute();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="site-header__inner">
        <Link className="brand" href={paths.events()}>
          <span aria-hidden="true">🌮</span> Traffic Tacos
        </Link>
        <nav aria-label="Main" className="site-nav">
          <Link href={paths.events()}>Events</Link>
          {session && <Link href={paths.reservations()}>My reservations</Link>}
          {session ? (
            <>
              <span className="site-nav__user">
                Signed in as <strong data-testid="signed-in-user">{session.userId}</strong>
              </span>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  signOut();
                  navigate(paths.events());
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <Link href={paths.signin(`${location.pathname}${location.search}`)}>Sign in</Link>
          )}
        </nav>
      </div>
    </header>
  );
}
