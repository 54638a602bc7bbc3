import { useEffect, useRef, useState } from "react";
import { RequestKeys } from "../admission.ts";
import { ApiError } from "../api.ts";
import { useAuth, useSignedInLoad } from "../auth.tsx";
import { cancelReservation, getEvent, getReservation, paymentStatus, startPayment } from "../buyer-api.ts";
import { HoldCountdown } from "../components/Countdown.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { LoadNotice } from "../components/LoadNotice.tsx";
import { OutcomeNotice } from "../components/OutcomeNotice.tsx";
import { PaymentForm } from "../components/PaymentForm.tsx";
import { SignInPrompt } from "../components/SignInPrompt.tsx";
import { formatMoney } from "../format.ts";
import { usePoll, useTitle } from "../hooks.ts";
import { type Outcome, outcomeOf, wasDeclined } from "../outcome.ts";
import { PlaceStore } from "../queue/place-store.ts";
import { WatchTokens, watchPurchase } from "../queue/purchase-push.ts";
import { queueSocketUrl } from "../queue/socket-url.ts";
import { navigate, paths } from "../router.ts";
import { describeSeat } from "../seats.ts";
import type { PaymentScenario, Reservation, Section } from "../types.ts";

/** How often a payment in progress (or a hold that just ran out) is checked. */
export const PAYMENT_POLL_MS = 1_000;
/**
 * How often it is checked all the same while the push channel is live: pub/sub keeps nothing, so
 * an outcome published while the gateway's Redis subscription was coming back is never pushed.
 */
const SILENT_PUSH_POLL_MS = 5_000;
/** After this long without an answer the buyer is told it is slow (we keep checking). */
const SLOW_PAYMENT_MS = 30_000;

/** The hold: seats, live countdown, the payment step, then the outcome. */
export function ReservationPage({ reservationId }: { reservationId: string }) {
  const { session } = useAuth();
  useTitle("Your seats");
  const token = session?.token;
  const { state, retry } = useSignedInLoad(
    async (token, signal) => {
      const reservation = await getReservation(reservationId, { token, signal });
      // Only for section names; the page works without them.
      const event = await getEvent(reservation.event_id, { signal }).catch(() => undefined);
      return { reservation, sections: event?.sections ?? [] };
    },
    [reservationId],
  );
  if (!session || !token) return <SignInPrompt reason="Please sign in to see your reservation." />;
  if (state.status !== "ready")
    return <LoadNotice state={state} loading="Loading your reservation…" onRetry={retry} />;
  if (!state.value) return null;
  return <Hold initial={state.value.reservation} sections={state.value.sections} token={token} />;
}

function Hold({ initial, sections, token }: { initial: Reservation; sections: Section[]; token: string }) {
  const { noteError } = useAuth();
  const [reservation, setReservation] = useState(initial);
  const [intentId, setIntentId] = useState(initial.payment_intent_id ?? undefined);
  const [paidAt, setPaidAt] = useState<number>();
  const [ranOut, setRanOut] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>(() => outcomeOf(initial));
  // Declined payments so far: the hold stands and the form comes back for another card.
  const [declines, setDeclines] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const keys = useRef(new RequestKeys());
  const id = reservation.reservation_id;
  const processing = intentId !== undefined && outcome === undefined;

  // The outcome is pushed on the live-queue socket; the page polls only while that is not live.
  const [live, setLive] = useState(false);
  const [pushed, setPushed] = useState(0);
  const userId = useAuth().session?.userId;
  useEffect(() => {
    const place = userId ? new PlaceStore(localStorage).get(reservation.event_id, userId) : undefined;
    const watchToken = new WatchTokens(sessionStorage).get(id);
    if (!place || !watchToken || outcome !== undefined) return;
    return watchPurchase({
      socketUrl: queueSocketUrl(place.waitingToken, location.href),
      reservationId: id,
      watchToken,
      onLive: setLive,
      onOutcome: () => setPushed((n) => n + 1),
    });
  }, [id, reservation.event_id, userId, outcome]);

  // While paying, or once the clock ran out, ask the platform until it says how it ended: every
  // second while the push channel is down, else once when the outcome is pushed.
  const settle = async (signal: AbortSignal) => {
    const [fresh, payment] = await Promise.all([
      getReservation(id, { token, signal }),
      intentId ? paymentStatus(intentId, { token, signal }).catch(() => undefined) : undefined,
    ]);
    setReservation(fresh);
    if (fresh.status === "CONFIRMED" && fresh.order_id) {
      navigate(paths.order(fresh.order_id), { replace: true });
      return;
    }
    const next = outcomeOf(fresh);
    if (next) setOutcome(next);
    else if (wasDeclined(fresh, payment?.status) && payment?.payment_intent_id === intentId) {
      setIntentId(undefined);
      setDeclines((n) => n + 1);
    }
  };
  const settleRef = useRef(settle);
  settleRef.current = settle;
  // Once per pushed outcome.
  useEffect(() => {
    if (pushed === 0) return;
    const controller = new AbortController();
    void settleRef.current(controller.signal).catch(() => undefined);
    return () => controller.abort();
  }, [pushed]);
  usePoll(settle, PAYMENT_POLL_MS, outcome === undefined && (processing || ranOut) && !live);
  usePoll(settle, SILENT_PUSH_POLL_MS, outcome === undefined && processing && live, SILENT_PUSH_POLL_MS);

  const pay = async (scenario: PaymentScenario) => {
    setBusy(true);
    setError(undefined);
    try {
      // A new key per attempt after a decline: the retry is a new payment, not a repeat.
      const key = keys.current.keyFor(`${id}:${scenario}:${declines}`);
      const intent = await startPayment(reservation, scenario, key, { token });
      setIntentId(intent.payment_intent_id);
      setPaidAt(Date.now());
    } catch (e) {
      noteError(e);
      if (e instanceof ApiError && e.code === "RESERVATION_EXPIRED") setOutcome("expired");
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const release = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await cancelReservation(id, { token });
      setOutcome("cancelled");
    } catch (e) {
      noteError(e);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="hold-heading" className="hold-page">
      <h2 id="hold-heading">{outcome ? "Your reservation" : "Your seats are on hold"}</h2>
      <div className="panel">
        <ul className="selection-list" aria-label="Seats">
          {reservation.seat_ids.map((s) => (
            <li key={s}>{describeSeat(s, sections)}</li>
          ))}
        </ul>
        <p className="total">
          Total: <strong>{formatMoney(reservation.total_amount, reservation.currency)}</strong>
        </p>
      </div>
      {outcome ? (
        <OutcomeNotice
          outcome={outcome}
          eventId={reservation.event_id}
          orderId={reservation.order_id}
          paid={intentId !== undefined}
        />
      ) : (
        <>
          {!ranOut && (
            <HoldCountdown
              expiresAt={reservation.hold_expires_at}
              // With no payment under way the hold is simply over; with one, the platform decides
              // whether it was approved in time, so ask it.
              onExpire={() => (intentId ? setRanOut(true) : setOutcome("expired"))}
            />
          )}
          {ranOut && (
            <p className="notice" role="status">
              Time's up — checking what happened to your hold…
            </p>
          )}
          {error !== undefined && <ErrorNotice error={error} />}
          {declines > 0 && !processing && !ranOut && (
            <div className="notice notice--error" role="alert" data-testid="declined">
              <p className="notice__message">
                Your payment was declined. You have not been charged, and your seats are still held until the
                timer runs out: try another card.
              </p>
            </div>
          )}
          {processing ? (
            <div className="notice" role="status" aria-live="polite">
              <p className="notice__message">Processing your payment… please keep this page open.</p>
              {paidAt !== undefined && Date.now() - paidAt > SLOW_PAYMENT_MS && (
                <p>This is taking longer than usual. You can also find the result under My reservations.</p>
              )}
            </div>
          ) : (
            !ranOut && (
              <>
                <PaymentForm
                  amount={reservation.total_amount}
                  currency={reservation.currency}
                  busy={busy}
                  onPay={pay}
                />
                <button type="button" className="button button--quiet" onClick={release} disabled={busy}>
                  Release these seats
                </button>
              </>
            )
          )}
        </>
      )}
    </section>
  );
}
