import { newJti, type ReservationGrant, signReservationToken } from "@tt/kit";

/**
 * Signs the reservation tokens admitted waiters get (the kit's format, which the reservation
 * service verifies and spends with the reservation it creates). Apart from the waiting room's
 * Redis adapter so that the secret is held in one place and signing needs no Redis to test.
 */
export class PassSigner {
  constructor(
    private readonly secret: string,
    /** How long a token is good for. */
    readonly ttlSec: number,
    private readonly now: () => number,
  ) {}

  /** A new token id; enter-5.lua records it as the buyer's current pass before the token is signed. */
  newId(): string {
    return newJti();
  }

  /** How long Redis keeps the current pass: a little past the token's own end (reservation refuses an expired token by itself). */
  get recordTtlMs(): number {
    return this.ttlSec * 1000 + 5000;
  }

  /** The signed token of pass `jti` for `userId` at the event, good for `ttlSec` from now. */
  sign(eventId: string, userId: string, jti: string): string {
    const grant: ReservationGrant = {
      eventId,
      userId,
      jti,
      exp: Math.floor(this.now() / 1000) + this.ttlSec,
    };
    return signReservationToken(grant, this.secret);
  }
}
