import { useEffect, useMemo, useRef, useState } from "react";
import { AdmissionStore } from "../admission.ts";
import { useAction, useAuth } from "../auth.tsx";
import { enterQueue, leaveQueue, queueStatus } from "../buyer-api.ts";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { Link } from "../components/Link.tsx";
import { SaleCountdown } from "../components/SaleCountdown.tsx";
import { SignInPrompt } from "../components/SignInPrompt.tsx";
import { formatEta } from "../format.ts";
import { useTitle } from "../hooks.ts";
import { PlaceStore, queueProgress, type StoredPlace } from "../queue/place-store.ts";
import { type QueueView, QueueWatcher } from "../queue/queue-watcher.ts";
import { queueSocketUrl } from "../queue/socket-url.ts";
import { navigate, paths } from "../router.ts";

/** The waiting room: live position, ETA and progress, then "It's your turn". */
export function WaitingRoomPage({ eventId }: { eventId: string }) {
  const { session } = useAuth();
  useTitle("Waiting room");
  if (!session) return <SignInPrompt reason="Please sign in to see your place in line." />;
  const place = new PlaceStore(localStorage).get(eventId, session.userId);
  if (!place) {
    return (
      <div className="notice" role="status">
        <p className="notice__message">You're not in the queue for this event yet.</p>
        <Link className="button" href={paths.event(eventId)}>
          Go to the event
        </Link>
      </div>
    );
  }
  return <WaitingRoom place={place} />;
}

function WaitingRoom({ place: initial }: { place: StoredPlace }) {
  const [view, setView] = useState<QueueView>({ phase: "connecting" });
  const [place, setPlace] = useState(initial);
  const placeRef = useRef(place);
  const { eventId, userId, waitingToken } = initial;

  useEffect(() => {
    const places = new PlaceStore(localStorage);
    const watcher = new QueueWatcher({
      socketUrl: queueSocketUrl(waitingToken, location.href),
      pollStatus: (signal) => queueStatus(waitingToken, { signal }),
      onUpdate: (next) => {
        setView(next);
        if (next.phase === "waiting") {
          placeRef.current = places.notePosition(placeRef.current, next.position);
          setPlace(placeRef.current);
        }
        // A place that is over cannot be resumed: forget it so the event page offers a new join.
        if (["expired", "left", "closed", "ended", "failed"].includes(next.phase))
          places.clear(eventId, userId);
      },
    });
    watcher.start();
    return () => watcher.stop();
  }, [eventId, userId, waitingToken]);

  const leave = async () => {
    new PlaceStore(localStorage).clear(eventId, userId);
    // Best effort: if this fails the place simply times out without a heartbeat.
    await leaveQueue(waitingToken).catch(() => undefined);
    navigate(paths.event(eventId));
  };

  return (
    <section aria-labelledby="queue-heading" className="waiting-room">
      {view.phase === "ready" ? (
        <YourTurn place={place} />
      ) : view.phase === "closed" ? (
        <LineClosed />
      ) : view.phase === "ended" ? (
        <SaleEnded />
      ) : (
        <>
          <h2 id="queue-heading">You're in the queue</h2>
          <QueueState view={view} place={place} />
          {(view.phase === "waiting" || view.phase === "connecting") && (
            <button type="button" className="button button--quiet" onClick={leave}>
              Leave the queue
            </button>
          )}
        </>
      )}
    </section>
  );
}

function QueueState({ view, place }: { view: QueueView; place: StoredPlace }) {
  const rejoin = (
    <Link className="button" href={paths.event(place.eventId)}>
      Join the queue again
    </Link>
  );
  switch (view.phase) {
    case "connecting":
      return (
        <p className="notice" role="status">
          Finding your place in line…
        </p>
      );
    case "expired":
      return (
        <div className="notice notice--error" role="alert">
          <p className="notice__message">
            Your place in line expired because we lost touch with your browser for too long.
          </p>
          {rejoin}
        </div>
      );
    case "left":
      return (
        <div className="notice" role="status">
          <p className="notice__message">You left the queue.</p>
          {rejoin}
        </div>
      );
    case "failed":
      return (
        <>
          <ErrorNotice error={view.error} message="We couldn't find your place in line any more." />
          {rejoin}
        </>
      );
    case "waiting":
      return view.sale === "sold_out" ? <SoldOut view={view} /> : <Position view={view} place={place} />;
    default:
      return null;
  }
}

function Position({ view, place }: { view: Extract<QueueView, { phase: "waiting" }>; place: StoredPlace }) {
  const progress = queueProgress(place.firstPosition, view.position);
  // Before the opening the wait counts down to it (docs/spec.md, "Scheduled sales"): a clock
  // set from it each time the gateway says, ticking by itself in between.
  const opensAt = useMemo(
    () =>
      view.position === null && view.etaSec !== null
        ? new Date(Date.now() + view.etaSec * 1000).toISOString()
        : undefined,
    [view.position, view.etaSec],
  );
  return (
    <div className="queue-card">
      {opensAt && <SaleCountdown opensAt={opensAt} />}
      <p className="queue-card__position" data-testid="queue-position">
        {view.position === null ? (
          "The sale hasn't opened yet: places are drawn fairly when it does."
        ) : (
          <>
            You're number <strong>{view.position.toLocaleString()}</strong> in line
          </>
        )}
      </p>
      <p>
        Estimated wait: <strong data-testid="queue-eta">{formatEta(view.etaSec)}</strong>
      </p>
      <progress
        className="queue-card__progress"
        max={100}
        value={Math.round(progress * 100)}
        aria-label="Progress"
      >
        {Math.round(progress * 100)}%
      </progress>
      <p className="queue-card__channel" data-testid="queue-channel" data-channel={view.channel}>
        {view.channel === "live"
          ? "● Live: this page updates by itself."
          : "Live updates are reconnecting; checking your place every few seconds."}
      </p>
      {view.troubled && (
        <p className="notice notice--warning" role="status">
          We're having trouble reaching the queue. Keep this page open: your place is safe and we keep trying.
        </p>
      )}
      <p className="hint">Keep this page open. You won't lose your place if you reload it.</p>
    </div>
  );
}

/** No seat is available, some are held: the buyer keeps their place and decides whether to wait. */
function SoldOut({ view }: { view: Extract<QueueView, { phase: "waiting" }> }) {
  const held = view.seatsHeld === 1 ? "1 seat is" : `${view.seatsHeld.toLocaleString()} seats are`;
  return (
    <div className="notice notice--warning" role="status" data-testid="sold-out">
      <p className="notice__message">
        <strong>Sold out</strong> — {held} still held and may come back. You can stay in line or leave.
      </p>
      {view.position !== null && (
        <p>
          You keep your place: number <strong>{view.position.toLocaleString()}</strong> in line. If seats come
          back, the line moves again by itself.
        </p>
      )}
    </div>
  );
}

/** Every seat is sold: the line is closed for good. */
function LineClosed() {
  return (
    <div className="notice" role="alert" data-testid="line-closed">
      <h2 id="queue-heading">Sold out</h2>
      <p className="notice__message">Every seat has been sold, so the line for this event is closed.</p>
      <Link className="button" href={paths.events()}>
        See other events
      </Link>
    </div>
  );
}

/** The event's sale window closed while the buyer waited: nobody more is admitted. */
function SaleEnded() {
  return (
    <div className="notice" role="alert" data-testid="sale-ended">
      <h2 id="queue-heading">The sale has ended</h2>
      <p className="notice__message">
        The sale for this event closed before your turn came, so the line is closed.
      </p>
      <Link className="button" href={paths.events()}>
        See other events
      </Link>
    </div>
  );
}

function YourTurn({ place }: { place: StoredPlace }) {
  const { session } = useAuth();
  const { busy, error, run } = useAction();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);

  const enter = async () => {
    if (!session) return;
    await run(async () => {
      const answer = await enterQueue(place.waitingToken, { token: session.token });
      new AdmissionStore(sessionStorage).save(place.eventId, place.userId, answer, Date.now());
      navigate(paths.seats(place.eventId));
    }, true);
  };
  return (
    <div className="your-turn" role="alert">
      <h2 id="queue-heading">It's your turn!</h2>
      <p>Choose your seats now. Seats you pick are held for you while you pay.</p>
      <button ref={button} type="button" className="button button--big" onClick={enter} disabled={busy}>
        {busy ? "Entering…" : "Enter and choose seats"}
      </button>
      {error !== undefined && <ErrorNotice error={error} onRetry={enter} />}
    </div>
  );
}
