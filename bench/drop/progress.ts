/**
 * Live progress of a drop: on a TTY a block of lines redrawn in place every second (plain ANSI:
 * cursor up + clear); otherwise (CI logs, files) one summary line every few seconds.
 */
import type { DropStats } from "./stats.ts";

/** Extra live figures the simulator knows (store seat counts, sockets). */
export type ProgressExtras = () => Record<string, string | number>;

function lines(stats: DropStats, total: number, extras: ProgressExtras): string[] {
  const st = (k: Parameters<typeof stats.states.get>[0]) => stats.states.get(k) ?? 0;
  const out = (k: Parameters<typeof stats.outcomes.get>[0]) => stats.outcomes.get(k) ?? 0;
  const elapsed = Math.round((performance.now() - stats.startedAt) / 1000);
  const errPct = stats.requests ? ((stats.errors / stats.requests) * 100).toFixed(2) : "0.00";
  const x = Object.entries(extras())
    .map(([k, v]) => `${k} ${v}`)
    .join("  ");
  return [
    `drop ${elapsed}s  buyers ${total}: arriving ${st("arriving")}  waiting ${st("waiting")}  admitted ${st("admitted")}  holding ${st("holding")}  paying ${st("paying")}  done ${st("done")}`,
    `  outcomes: confirmed ${out("confirmed")}  payment failed ${out("payment_failed")}  abandoned ${out("abandoned")}  sold out ${out("sold_out")}  lost races ${out("lost_races")}  gave up ${out("gave_up")}  error ${out("error")}`,
    `  throughput (5 s): ${stats.rate("requests")} req/s  ${stats.rate("admitted")} admitted/s  ${stats.rate("holds")} holds/s  ${stats.rate("orders")} orders/s   errors ${stats.errors} (${errPct} %)  races lost ${stats.expected}`,
    `  latency p50/p95 (last 500): join ${stats.recent("join", 50)}/${stats.recent("join", 95)} ms  hold ${stats.recent("hold", 50)}/${stats.recent("hold", 95)} ms  availability ${stats.recent("availability", 50)}/${stats.recent("availability", 95)} ms  confirm ${stats.recent("paid_to_final", 50)}/${stats.recent("paid_to_final", 95)} ms`,
    `  ${x}`,
  ];
}

/** Starts printing progress; `stop()` prints the last state and stops. */
export function showProgress(stats: DropStats, total: number, extras: ProgressExtras) {
  const tty = process.stdout.isTTY === true;
  let drawn = 0;
  const draw = () => {
    const block = lines(stats, total, extras);
    if (tty) {
      // Move up over the previous block and clear to the end of the screen before redrawing.
      const up = drawn ? `\x1b[${drawn}A\x1b[J` : "";
      process.stdout.write(`${up}${block.join("\n")}\n`);
      drawn = block.length;
    } else process.stdout.write(`${block.join(" |")}\n`.replace(/\s{2,}/g, " "));
  };
  const timer = setInterval(draw, tty ? 1000 : 5000);
  return {
    stop() {
      clearInterval(timer);
      draw();
    },
  };
}
