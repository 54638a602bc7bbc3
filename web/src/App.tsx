import { ErrorBoundary } from "./components/ErrorBoundary.tsx";
import { EventsPage } from "./components/EventsPage.tsx";
import { Header } from "./components/Header.tsx";

/** The buyer app shell: banner, main content, footer. */
export function App() {
  return (
    <>
      <Header />
      <main id="main" className="container" tabIndex={-1}>
        <ErrorBoundary>
          <EventsPage />
        </ErrorBoundary>
      </main>
      <footer className="site-footer container">
        <p>Traffic Tacos · one fair queue, zero oversold seats.</p>
      </footer>
    </>
  );
}
