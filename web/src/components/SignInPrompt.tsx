import { paths } from "../router.ts";
import { Link } from "./Link.tsx";

/** Shown in place of a page that needs a signed-in buyer. */
export function SignInPrompt({ reason }: { reason: string }) {
  return (
    <div className="notice" role="status">
      <p className="notice__message">{reason}</p>
      <Link className="button" href={paths.signin(`${location.pathname}${location.search}`)}>
        Sign in
      </Link>
    </div>
  );
}
