import { useEffect, useRef, useState } from "react";
import { formatClock, remainingMs, startCountdown, URGENT_BELOW_MS } from "../countdown.ts";

/** Props for {@link HoldCountdown}. */
export interface HoldCountdownProps {
  expiresAt: string | null;
  /** Called once when the hold runs out. */
  onExpire: () => void;
}

/** The live "time left to pay" clock; turns urgent in the last seconds and says so once, politely. */
export function HoldCountdown({ expiresAt, onExpire }: HoldCountdownProps) {
  const [left, setLeft] = useState(() => remainingMs(expiresAt, Date.now()));
  const expire = useRef(onExpire);
  expire.current = onExpire;
  useEffect(
    () => startCountdown({ expiresAt, onTick: setLeft, onExpire: () => expire.current() }),
    [expiresAt],
  );
  const urgent = left > 0 && left <= URGENT_BELOW_MS;
  return (
    <div className={urgent ? "countdown countdown--urgent" : "countdown"}>
      <p className="countdown__label" id="countdown-label">
        Seats held for you for
      </p>
      <p
        className="countdown__clock"
        role="timer"
        aria-labelledby="countdown-label"
        data-testid="hold-countdown"
      >
        {formatClock(left)}
      </p>
      {/* Announced once when it appears, not every second (role=timer is not live). */}
      <p className="sr-only" aria-live="polite">
        {urgent ? "Less than 15 seconds left to pay." : ""}
      </p>
    </div>
  );
}
