import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { navigate } from "../router.ts";

/** Props for {@link Link}: an anchor whose `href` is an in-app path. */
export type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/**
 * An ordinary `<a>` (so it is focusable, middle-clickable and readable by screen readers) that
 * navigates inside the app on a plain left click instead of reloading the page.
 */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
