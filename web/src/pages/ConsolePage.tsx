import { type FormEvent, useCallback, useState } from "react";
import {
  type AdminQueueView,
  changeQueue,
  getLive,
  getQueue,
  type LiveView,
  setPaused,
} from "../admin-api.ts";
import { useAction, useAuth } from "../auth.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { Link } from "../components/Link.tsx";
import { SaleFunnel } from "../components/SaleFunnel.tsx";
import { SignInPrompt } from "../components/SignInPrompt.tsx";
import { type ControlValues, changeFrom, controlsOf, milliseconds, perSecond } from "../console/controls.ts";
import { usePoll, useTitle } from "../hooks.ts";
import { paths } from "../router.ts";
import { isOperator } from "../session.ts";
import type { SaleState } from "../types.ts";

/** How often the figures are read (the live route is made for one read a second). */
const LIVE_EVERY_MS = 1000;
/** The settings are re-read less often: they change when an operator changes them. */
const SETTINGS_EVERY_MS = 5000;

/** The operator console of one event: live figures of its sale, and the admission controls. */
export function ConsolePage({ eventId }: { eventId: string }) {
  const { session } = useAuth();
  useTitle("Operator console");
  if (!session) return <SignInPrompt reason="Please sign in as an operator to open the console." />;
  if (!isOperator(session)) {
    return (
      <div className="notice notice--error" role="alert">
        <p className="notice__message">
          The console is for operators. Sign out and sign in again as an operator (admin role).
        </p>
      </div>
    );
  }
  return <Console eventId={eventId} token={session.token} />;
}

function Console({ eventId, token }: { eventId: string; token: string }) {
  const { noteError } = useAuth();
  const [live, setLive] = useState<LiveView>();
  const [liveError, setLiveError] = useState<unknown>();
  const [queue, setQueue] = useState<AdminQueueView>();

  usePoll(async (signal) => {
    try {
      setLive(await getLive(eventId, { token, signal }));
      setLiveError(undefined);
    } catch (error) {
      if (signal.aborted) return;
      noteError(error);
      setLiveError(error);
    }
  }, LIVE_EVERY_MS);
  usePoll(async (signal) => {
    setQueue(await getQueue(eventId, { token, signal }));
  }, SETTINGS_EVERY_MS);
  // A control's answer is the new settings: show them at once, not at the next read.
  const onView = useCallback((view: AdminQueueView) => {
    setQueue(view);
    setLive(
      (l) => l && { ...l, settings: { ...l.settings, rate: view.rate, cap: view.cap, paused: view.paused } },
    );
  }, []);

  return (
    <section aria-labelledby="console-heading" className="console">
      <p className="breadcrumbs">
        <Link href={paths.event(eventId)}>Event page</Link>
      </p>
      <h2 id="console-heading">Operator console</h2>
      <p className="muted">
        <code>{eventId}</code> ·{" "}
        {live ? (
          <span data-testid="console-as-of">
            updated every second, last at {new Date(live.as_of).toLocaleTimeString()}
          </span>
        ) : (
          "connecting…"
        )}
      </p>
      {liveError !== undefined && (
        <ErrorNotice error={liveError} message="The live figures could not be read; retrying every second." />
      )}
      {live && <Figures live={live} />}
      <SaleFunnel eventId={eventId} token={token} />
      {queue && live && (
        <Controls
          eventId={eventId}
          token={token}
          view={queue}
          paused={live.settings.paused}
          onView={onView}
        />
      )}
    </section>
  );
}

const SALE_LABEL: Record<SaleState, string> = {
  on_sale: "On sale",
  sold_out: "Sold out (seats held may come back)",
  closed: "Closed: every seat sold",
  ended: "Ended: the sale window has closed",
};

function Figures({ live }: { live: LiveView }) {
  const figures: Array<[id: string, label: string, value: string]> = [
    ["waiting", "In line", live.waiting.toLocaleString()],
    ["admitted-per-sec", "Admitted / s", perSecond(live.admitted_per_sec)],
    ["active-buyers", "Active buyers", live.active_buyers.toLocaleString()],
    ["available", "Seats available", live.seats?.available.toLocaleString() ?? "—"],
    ["held", "Seats held", live.seats?.held.toLocaleString() ?? "—"],
    ["sold", "Seats sold", live.seats?.sold.toLocaleString() ?? "—"],
    ["sold-per-sec", "Seats sold / s", perSecond(live.sold_per_sec)],
    ["hold-p95", "Hold p95", milliseconds(live.hold_p95_ms)],
  ];
  return (
    <>
      <p data-testid="console-sale" data-sale={live.sale ?? "unknown"}>
        Sale: <strong>{live.sale ? SALE_LABEL[live.sale] : "unknown (inventory not answering)"}</strong> ·
        Admission:{" "}
        <strong data-testid="console-admission">{live.settings.paused ? "paused" : "running"}</strong> at{" "}
        {perSecond(live.settings.rate)}/s, cap {live.settings.cap.toLocaleString()}
      </p>
      <dl className="console-figures" aria-live="off">
        {figures.map(([id, label, value]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd data-testid={`figure-${id}`}>{value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

interface ControlsProps {
  eventId: string;
  token: string;
  view: AdminQueueView;
  /** From the live figures (read every second), so the button follows another operator too. */
  paused: boolean;
  onView: (view: AdminQueueView) => void;
}

function Controls({ eventId, token, view, paused, onView }: ControlsProps) {
  // The form keeps what the operator typed until applied; untouched, it follows the settings.
  const [edited, setEdited] = useState<ControlValues>();
  const values = edited ?? controlsOf(view);
  const { busy, error, run } = useAction();
  const [problem, setProblem] = useState<string>();

  const act = (action: () => Promise<AdminQueueView>) =>
    run(async () => {
      onView(await action());
      setEdited(undefined);
    });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const change = changeFrom(values);
    if ("problem" in change) {
      setProblem(change.problem);
      return;
    }
    setProblem(undefined);
    void act(() => changeQueue(eventId, change, { token }));
  };
  const edit = (patch: Partial<ControlValues>) => setEdited({ ...values, ...patch });

  return (
    <div className="panel console-controls">
      <h3>Admission</h3>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void act(() => setPaused(eventId, !paused, { token }))}
        >
          {paused ? "Resume admission" : "Pause admission"}
        </button>
      </div>
      <form onSubmit={apply} noValidate>
        {values.admission !== undefined && (
          <div className="form-row">
            <label htmlFor="console-admission-mode">Pacing</label>
            <select
              id="console-admission-mode"
              value={values.admission}
              onChange={(e) => edit({ admission: e.target.value === "auto" ? "auto" : "fixed" })}
            >
              <option value="fixed">Fixed rate</option>
              <option value="auto">Automatic (follows the back end's health)</option>
            </select>
          </div>
        )}
        <NumberField
          id="console-rate"
          label="Rate (admissions per second)"
          value={values.rate}
          onChange={(rate) => edit({ rate })}
        />
        {values.rateMin !== undefined && (
          <NumberField
            id="console-rate-min"
            label="Lowest automatic rate"
            value={values.rateMin}
            onChange={(rateMin) => edit({ rateMin })}
          />
        )}
        {values.rateMax !== undefined && (
          <NumberField
            id="console-rate-max"
            label="Highest automatic rate"
            value={values.rateMax}
            onChange={(rateMax) => edit({ rateMax })}
          />
        )}
        <NumberField
          id="console-cap"
          label="Cap (active buyers at once)"
          value={values.cap}
          onChange={(cap) => edit({ cap })}
        />
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        {error !== undefined && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Applying…" : "Apply"}
        </button>
      </form>
    </div>
  );
}

function NumberField(props: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="form-row">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="decimal"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
