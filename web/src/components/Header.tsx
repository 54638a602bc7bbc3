/** Site banner with the product name; the skip link lets keyboard users jump past it. */
export function Header() {
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="site-header__inner">
        <a className="brand" href="/">
          <span aria-hidden="true">🌮</span> Traffic Tacos
        </a>
        <p className="tagline">Fair, fast ticket drops</p>
      </div>
    </header>
  );
}
