/**
 * Stops what a bench started when the bench itself is told to stop: SIGINT (Ctrl-C), SIGTERM
 * (`kill`, `timeout`) or SIGHUP, then exits 130; a second signal exits at once. Without it a
 * killed bench leaves its platform running — the children outlive their parent — and every run
 * after it measures a machine that platform is still loading (bench/README.md, "Eighth session").
 */
export function stopOnSignals(stop: () => Promise<unknown>): void {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write(`bench: ${signal}: stopping what it started\n`);
      void stop().finally(() => process.exit(130));
    });
  }
}
