/** The drop's knobs: command-line flags (or env) with defaults sized for 5,000 buyers on 2 cores. */
import { EVENTS_QUEUE } from "@tt/kit";
import { type Args, boolFlag, type CommandSpec, numberFlag, stringFlag } from "../lib/args.ts";
import { readJwts } from "../lib/load-test-identity.ts";

/** The drop's flags and what `--help` prints. */
export const DROP_COMMAND: CommandSpec = {
  usage: `bun run --cwd bench drop [flags]   the ticket-drop simulator (bench/README.md)
  --buyers 5000 --seats 1000 --arrival 20      who comes, and over how many seconds
  --admit-rate 10 --admit-cap 400              admission per second and admitted-at-once cap
  --admit-rate auto [--auto-min 10 --auto-max 200]   self-tuning admission within bounds (starts at the floor)
  --sold-out-rate 200                          admission once every seat is SOLD (the "operator")
  --no-operator                                no operator: the line itself tells buyers it is sold out
  --hold 20 --grace 5                          hold seconds; lateness allowed by the expiry checks
                                               (--chaos adds a visibility timeout per worker kill
                                               from one long poll before a hold's expiry to its
                                               release)
  --mix approve=0.8,fail=0.1,abandon=0.1       what buyers do once holding
  --retry-declined 0.5                         share of declined buyers who pay again within the hold
  --self-confirm 0.5 --max-seats 2 --max-races 5 --patience 120
  --think-min 300 --think-max 1500 --poll 500 --timeout 10000
  --warmup 400                                 buyers of a small sale first, to warm the fresh platform (0: none)
  --challenge 0                                a proof-of-work challenge on join at this difficulty (0–28; 0: none)
  --env K=V,K=V                                extra platform settings
  --chaos [--chaos-kills 2 --chaos-start 3 --chaos-window 40]   kill -9 services and Redis meanwhile
  --url U --dynamodb E --stage S               an existing platform instead of a private one
  --jwts FILE                                  buyers as load-test JWTs, one per line (a staging stage:
                                               bun run --cwd bench mint-jwts; admin calls: BENCH_ADMIN_JWT)`,
  flags: [
    "buyers",
    "seats",
    "arrival",
    "admit-rate",
    "admit-cap",
    "sold-out-rate",
    "auto-min",
    "auto-max",
    "no-operator",
    "hold",
    "grace",
    "mix",
    "retry-declined",
    "self-confirm",
    "max-seats",
    "think-min",
    "think-max",
    "max-races",
    "patience",
    "poll",
    "timeout",
    "env",
    "warmup",
    "challenge",
    "url",
    "jwts",
    "dynamodb",
    "stage",
    "chaos",
    "chaos-kills",
    "chaos-start",
    "chaos-window",
  ],
};

/** Everything a drop run is parameterised by. */
export interface DropConfig {
  buyers: number;
  seats: number;
  /** Buyers arrive (join) spread evenly over this many seconds: a drop is a burst. */
  arrivalSec: number;
  /** Admissions per second and cap on admitted-but-unfinished buyers (set on the event via the admin API). */
  admitRate: number;
  admitCap: number;
  /** `--admit-rate auto`: the event's admission tunes itself within these (starting at `admitRate`, the floor). */
  autoAdmission?: { min: number; max: number };
  /** Once every seat is SOLD the "operator" raises admission to this, so the sold-out tail drains fast. */
  soldOutRate: number;
  /** Whether that operator acts (off: the line's own sold-out awareness is what tells buyers). */
  operator: boolean;
  holdSeconds: number;
  /** How late a hold may be released and still count as on time (the "hold + 5 s"). */
  graceSec: number;
  /** Shares of buyers who, once holding, pay and are approved / pay and are declined / walk away. */
  mix: { approve: number; fail: number; abandon: number };
  /** Share of buyers whose card was declined who pay again (approved) while the hold lasts. */
  retryDeclined: number;
  /** Share of approved buyers who confirm themselves (the rest wait for the worker). */
  selfConfirm: number;
  maxSeatsPerBuyer: number;
  thinkMs: [number, number];
  /** A buyer gives up after losing this many seat races in a row. */
  maxRaces: number;
  /** A buyer who sees only held seats waits this long for releases before giving up. */
  patienceSec: number;
  pollMs: number;
  requestTimeoutMs: number;
  /** Buyers of the warm-up sale run before the measured one (drop/warm-up.ts); 0 for none. */
  warmupBuyers: number;
  /** `--challenge`: the measured event asks joiners for a proof of work of this difficulty (0: none). */
  challengeDifficulty: number;
  /** `--chaos`: kill -9 every service (and Redis) during the drop (drop/chaos.ts). */
  chaos?: { killsPerService: number; startSec: number; windowSec: number };
  /** Extra platform settings (`--env K=V,K=V`), on top of the drop's defaults. */
  extraEnv: Record<string, string>;
  /** `--jwts`: the buyers' JWTs (buyer i signs in with the i-th, named by its sub). */
  jwts?: string[];
  /** Only for a target given by --url: where its event and stores are. */
  url?: string;
  dynamodb?: { endpoint: string; stage: string };
}

function parseMix(raw: string | undefined): DropConfig["mix"] {
  const mix = { approve: 0.8, fail: 0.1, abandon: 0.1 };
  for (const part of (raw ?? "").split(",").filter(Boolean)) {
    const [k, v] = part.split("=");
    if (k !== "approve" && k !== "fail" && k !== "abandon") throw new Error(`--mix: unknown part ${k}`);
    mix[k] = Number(v);
  }
  const total = mix.approve + mix.fail + mix.abandon;
  if (!(total > 0)) throw new Error("--mix: shares must add up to more than 0");
  return { approve: mix.approve / total, fail: mix.fail / total, abandon: mix.abandon / total };
}

/** The gateway's range for `challenge_difficulty` (docs/spec.md, "Bot protection"). */
function challengeDifficulty(d: number): number {
  if (!Number.isInteger(d) || d < 0 || d > 28)
    throw new Error(`--challenge ${d}: a whole number of bits, 0–28`);
  return d;
}

/** Reads the drop's configuration from flags and env (BENCH_*). */
export function dropConfig(args: Args): DropConfig {
  const n = (name: string, fallback: number, env?: string) => numberFlag(args, name, fallback, env);
  const url = stringFlag(args, "url", "BENCH_URL");
  const jwts = stringFlag(args, "jwts", "BENCH_JWTS");
  const ddb = stringFlag(args, "dynamodb", "BENCH_DYNAMODB");
  const stage = stringFlag(args, "stage", "BENCH_STAGE");
  const chaos = boolFlag(args, "chaos");
  const auto = stringFlag(args, "admit-rate") === "auto";
  const autoMin = n("auto-min", 10);
  return {
    buyers: n("buyers", 5000, "BENCH_BUYERS"),
    seats: n("seats", 1000, "BENCH_SEATS"),
    arrivalSec: n("arrival", 20),
    admitRate: auto ? autoMin : n("admit-rate", 10, "QUEUE_ADMIT_RATE"),
    ...(auto ? { autoAdmission: { min: autoMin, max: n("auto-max", 200) } } : {}),
    operator: !boolFlag(args, "no-operator"),
    admitCap: n("admit-cap", 400, "QUEUE_ADMIT_CAP"),
    soldOutRate: n("sold-out-rate", 200),
    holdSeconds: n("hold", 20, "HOLD_SECONDS"),
    // The base grace: a chaos drop adds one worker visibility timeout for each worker kill from
    // one long poll before a hold's expiry to its release (drop/expiry-checks.ts), not a flat
    // allowance.
    graceSec: n("grace", 5),
    mix: parseMix(stringFlag(args, "mix")),
    retryDeclined: n("retry-declined", 0.5),
    selfConfirm: n("self-confirm", 0.5),
    maxSeatsPerBuyer: n("max-seats", 2),
    thinkMs: [n("think-min", 300), n("think-max", 1500)],
    maxRaces: n("max-races", 5),
    patienceSec: n("patience", 120),
    pollMs: n("poll", 500),
    requestTimeoutMs: n("timeout", 10_000),
    warmupBuyers: n("warmup", 400),
    challengeDifficulty: challengeDifficulty(n("challenge", 0)),
    extraEnv: Object.fromEntries(
      (stringFlag(args, "env") ?? "")
        .split(",")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    ),
    ...(chaos
      ? {
          chaos: {
            killsPerService: n("chaos-kills", 2),
            startSec: n("chaos-start", 3),
            windowSec: n("chaos-window", 40),
          },
        }
      : {}),
    ...(url ? { url } : {}),
    ...(jwts ? { jwts: readJwts(jwts) } : {}),
    ...(ddb && stage ? { dynamodb: { endpoint: ddb, stage } } : {}),
  };
}

/**
 * The worker's visibility timeout in a chaos drop: shorter than the queue's 10 s so that a killed
 * worker's expiry timers are taken over within seconds; the worker's heartbeat renews it every
 * third (1.7 s) while a handler runs, so slow handlers under drop load are not redelivered.
 */
export const CHAOS_VISIBILITY_SEC = 5;

/**
 * The worker's long poll in a chaos drop: short, because a killed worker's open poll can still be
 * handed the messages that become visible during its wait, which then wait out the visibility
 * timeout (drop/expiry-checks.ts); a short wait keeps that window, and the grace it earns, small.
 */
export const CHAOS_WAIT_SEC = 2;

/** The worker's long-poll wait in this drop (seconds; the worker's default is 20). */
export function workerWaitSec(c: DropConfig): number {
  // 20: the worker's own default (WORKER_WAIT_SECONDS), the longest SQS allows.
  return Number(platformEnv(c).WORKER_WAIT_SECONDS ?? 20);
}

/** The worker's visibility timeout in this drop (seconds): what one worker kill can delay a message. */
export function workerVisibilitySec(c: DropConfig): number {
  const set = platformEnv(c).WORKER_VISIBILITY_TIMEOUT_SEC;
  return set ? Number(set) : EVENTS_QUEUE.visibilityTimeoutSeconds;
}

/** Settings the platform gets for a drop started by the simulator. */
export function platformEnv(c: DropConfig): Record<string, string> {
  return {
    HOLD_SECONDS: String(c.holdSeconds),
    QUEUE_ADMIT_RATE: String(c.admitRate),
    QUEUE_ADMIT_CAP: String(c.admitCap),
    // DynamoDB Local answers a seat transaction in 50–300 ms under load, seconds in a burst
    // (real DynamoDB: ~10 ms): give every inventory call the whole budget its caller has.
    INVENTORY_TIMEOUT_MS: "2000",
    // Each worker event waits on DynamoDB Local for ~1 s under drop load, so 8 in flight let
    // expiry and payment events queue up for tens of seconds (measured: releases 47 s late).
    WORKER_CONCURRENCY: "32",
    // A killed worker's messages wait out the visibility timeout before another takes them.
    ...(c.chaos
      ? {
          WORKER_VISIBILITY_TIMEOUT_SEC: String(CHAOS_VISIBILITY_SEC),
          WORKER_WAIT_SECONDS: String(CHAOS_WAIT_SEC),
        }
      : {}),
    ...c.extraEnv,
  };
}
