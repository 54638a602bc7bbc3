import { useEffect, useRef } from "react";
import { AuthProvider } from "./auth.tsx";
import { ErrorBoundary } from "./components/ErrorBoundary.tsx";
import { Header } from "./components/Header.tsx";
import { ConsolePage } from "./pages/ConsolePage.tsx";
import { EventPage } from "./pages/EventPage.tsx";
import { EventsPage } from "./pages/EventsPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { OrderPage } from "./pages/OrderPage.tsx";
import { ReservationPage } from "./pages/ReservationPage.tsx";
import { ReservationsPage } from "./pages/ReservationsPage.tsx";
import { SeatsPage } from "./pages/SeatsPage.tsx";
import { SignInCallbackPage, SignInPage } from "./pages/SignInPage.tsx";
import { WaitingRoomPage } from "./pages/WaitingRoomPage.tsx";
import { type Route, useRoute } from "./router.ts";

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case "events":
      return <EventsPage />;
    case "event":
      return <EventPage eventId={route.eventId} />;
    case "queue":
      return <WaitingRoomPage eventId={route.eventId} />;
    case "seats":
      return <SeatsPage eventId={route.eventId} />;
    case "reservation":
      return <ReservationPage reservationId={route.reservationId} />;
    case "reservations":
      return <ReservationsPage />;
    case "order":
      return <OrderPage orderId={route.orderId} />;
    case "signin":
      return <SignInPage next={route.next} />;
    case "signin-callback":
      return <SignInCallbackPage />;
    case "console":
      return <ConsolePage eventId={route.eventId} />;
    case "not-found":
      return <NotFoundPage />;
  }
}

/** The buyer app shell: banner, the current page, footer. */
export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  const key = JSON.stringify(route);
  // After an in-app navigation, move focus to the new page (screen readers announce it, keyboard
  // users start at the top) and scroll up, as a full page load would. Not on the first load.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per route change, keyed by the route
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [key]);
  return (
    <AuthProvider>
      <Header />
      <main id="main" ref={main} className="container" tabIndex={-1}>
        {/* Keyed by route: an error on one page clears when the buyer goes elsewhere. */}
        <ErrorBoundary key={key}>
          <Page route={route} />
        </ErrorBoundary>
      </main>
      <footer className="site-footer container">
        <p>Traffic Tacos · one fair queue, zero oversold seats.</p>
      </footer>
    </AuthProvider>
  );
}
