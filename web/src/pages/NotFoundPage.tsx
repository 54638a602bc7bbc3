import { Link } from "../components/Link.tsx";
import { useTitle } from "../hooks.ts";
import { paths } from "../router.ts";

/** Any address the app does not know. */
export function NotFoundPage() {
  useTitle("Page not found");
  return (
    <div className="notice" role="alert">
      <p className="notice__message">We couldn't find that page.</p>
      <Link className="button" href={paths.events()}>
        See all events
      </Link>
    </div>
  );
}
