/** Milliseconds since the epoch; injected so tests can move time instead of waiting for it. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();
