/**
 * What a buyer sees while the event's join challenge is solved (docs/spec.md, "Bot protection"):
 * a few seconds at most on a phone, so it says what is happening and how far along it is.
 */
export function ChallengeProgress({ percent }: { percent: number }) {
  return (
    <div className="notice" role="status" data-testid="challenge-progress">
      <p>Checking you're not a bot… {percent} %</p>
      <progress max={100} value={percent} aria-label="Checking you're not a bot" />
    </div>
  );
}
