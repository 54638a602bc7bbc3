import { useEffect, useRef, useState } from "react";
import { remainingMs, startCountdown } from "../countdown.ts";
import { formatUntil } from "../sale-status.ts";

/** Props for {@link SaleCountdown}. */
export interface SaleCountdownProps {
  /** When the sale opens (ISO). */
  opensAt: string;
  /** Called once when the opening is reached. */
  onOpen?: () => void;
}

/**
 * "Sale opens in 1:02:03", live to the second. It re-reads the clock on each tick (countdown.ts),
 * so a throttled background tab is right again the moment it wakes.
 */
export function SaleCountdown({ opensAt, onOpen }: SaleCountdownProps) {
  const [left, setLeft] = useState(() => remainingMs(opensAt, Date.now()));
  const open = useRef(onOpen);
  open.current = onOpen;
  useEffect(
    () => startCountdown({ expiresAt: opensAt, onTick: setLeft, onExpire: () => open.current?.() }),
    [opensAt],
  );
  return (
    <p className="sale-countdown">
      <span id="sale-countdown-label">Sale opens in </span>
      <strong role="timer" aria-labelledby="sale-countdown-label" data-testid="sale-countdown">
        {formatUntil(left)}
      </strong>
    </p>
  );
}
