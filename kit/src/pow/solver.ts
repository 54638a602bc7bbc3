import { sha256 } from "@noble/hashes/sha2.js";

// The client's half of the join challenge (docs/spec.md, "Bot protection"): find a solution whose
// SHA-256, taken over `<challenge>:<solution>`, starts with `difficulty` zero bits. Browser-safe
// (no Node modules): the web app runs it in a Web Worker, the drop simulator and the benchmark in
// Bun. Pure JavaScript SHA-256 (noble), not WebCrypto: `crypto.subtle.digest` is one promise per
// try, and measured 0.41 M tries/s in Bun against noble's 1.04 M with the prefix hashed once.

/** How many leading zero bits `bytes` has (0–256 for a SHA-256). */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/** Tries one solution is expected to take at a difficulty (2^difficulty). */
export function expectedTries(difficulty: number): number {
  return 2 ** difficulty;
}

const encoder = new TextEncoder();

/**
 * Solves a challenge step by step: yields the number of tries made so far every `batch` tries
 * (so a worker can report progress and a caller can stop), and returns the solution. Solutions
 * are base-36 counters from 0: the challenge's own nonce makes every search different.
 */
export function* solveSteps(
  challenge: string,
  difficulty: number,
  batch = 16_384,
): Generator<number, string> {
  // The challenge is the same for every try: hash it once and copy the state per try.
  const prefix = sha256.create().update(encoder.encode(`${challenge}:`));
  for (let tried = 0; ; tried++) {
    const solution = tried.toString(36);
    if (leadingZeroBits(prefix.clone().update(encoder.encode(solution)).digest()) >= difficulty) {
      return solution;
    }
    if ((tried + 1) % batch === 0) yield tried + 1;
  }
}

/** Solves a challenge in one go (the drop simulator and the benchmark); returns the solution and its tries. */
export function solveChallenge(challenge: string, difficulty: number): { solution: string; tries: number } {
  const steps = solveSteps(challenge, difficulty);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return { solution: step.value, tries: Number.parseInt(step.value, 36) + 1 };
  }
}
