import { constants } from "node:os";
import type { Subprocess } from "bun";
import { backoffDelay } from "../retry.ts";
import { type LineSink, stdoutSink } from "./log.ts";

/** What to run and how to label its output. */
export interface ChildSpec {
  name: string;
  cmd: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Higher tiers stop first (services before the databases they use). Default 0. */
  tier?: number;
  /**
   * Whether the child may be started again after it dies on its own, once restarts are on
   * (default true). False for a child whose state would not survive it (an in-memory database).
   */
  restart?: boolean;
}

/** A running child as the supervisor sees it. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly tier: number;
  /** Resolves with the exit code (or 128 + signal number) when the process ends. */
  readonly exited: Promise<number>;
  /** True until the process has exited. */
  running(): boolean;
  /** The last lines the child printed, for error messages. */
  tail(): string[];
}

/** Called when a child ends while the supervisor is not stopping (and will not restart it). */
export type UnexpectedExitHandler = (child: Child, code: number) => void;

/** Called when a child that died on its own is about to be started again in `delayMs`. */
export type RestartHandler = (child: Child, code: number, delayMs: number, restarts: number) => void;

/** Supervisor settings. */
export interface SupervisorOptions {
  /** Where prefixed child output goes (default stdout). */
  sink?: LineSink;
  /** Colour the name prefixes (default: when stdout is a TTY and NO_COLOR is unset). */
  color?: boolean;
  /** How long a child gets after SIGTERM before SIGKILL (default 8000 ms). */
  stopGraceMs?: number;
  onUnexpectedExit?: UnexpectedExitHandler;
  onRestart?: RestartHandler;
  /** Called after each child starts (the stack logs its pid). */
  onSpawn?: (child: Child) => void;
}

const COLORS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];
// Restart backoff, as Kubernetes' CrashLoopBackOff but scaled to a laptop: the first restart is
// quick, a child that keeps dying waits twice as long each time, and one that stayed up a while
// starts over from the short delay.
const RESTART_BACKOFF = { baseMs: 500, maxMs: 10_000, jitter: 0 };
const RESTART_STABLE_MS = 30_000;
const TAIL_LINES = 30;
const GROUP_EXIT_WAIT_MS = 500;

async function pipeLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  if (buffered) onLine(buffered);
}

/** Signals a child's whole process group (it may have children of its own, e.g. `bun run` → vite). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** True while any process (a zombie included) is left in the group. */
function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts child processes with labelled output and stops them — and only them — together.
 * Each child leads its own process group, so stopping it also reaches anything it spawned,
 * while nothing outside those groups is ever signalled.
 */
export class Supervisor {
  private readonly children: Child[] = [];
  private readonly sink: LineSink;
  private readonly color: boolean;
  private readonly stopGraceMs: number;
  private stopping: Promise<void> | undefined;
  private restarting = false;
  private readonly pendingRestarts = new Set<ReturnType<typeof setTimeout>>();
  private readonly killOnExit = () => this.killAllNow();

  constructor(private readonly options: SupervisorOptions = {}) {
    this.sink = options.sink ?? stdoutSink;
    this.color = options.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
    this.stopGraceMs = options.stopGraceMs ?? 8_000;
    // Last resort: if the launcher exits without stop() (uncaught error, process.exit), leave nothing behind.
    process.on("exit", this.killOnExit);
  }

  /** Starts a child; throws once stop() has begun. */
  spawn(spec: ChildSpec): Child {
    if (this.stopping) throw new Error(`not starting ${spec.name}: the stack is stopping`);
    return this.launch(spec, this.label(spec.name), 0);
  }

  /**
   * From now on a child that dies on its own is started again after a backoff, as Kubernetes
   * restarts a crashed container, instead of being reported as unexpected — unless its spec
   * says it cannot come back. Until then (while a stack boots) every death is reported.
   */
  restartOnExit(): void {
    this.restarting = true;
  }

  private launch(spec: ChildSpec, label: string, restarts: number): Child {
    const lines: string[] = [];
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      this.sink(`${label} ${line}`);
    };
    const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn({
      cmd: spec.cmd,
      env: spec.env ?? process.env,
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
    const startedAt = Date.now();
    let alive = true;
    const output = Promise.all([pipeLines(proc.stdout, onLine), pipeLines(proc.stderr, onLine)]);
    const exited = proc.exited.then(async (code) => {
      alive = false;
      await output.catch(() => undefined);
      return proc.signalCode
        ? 128 + ((constants.signals as Record<string, number>)[proc.signalCode] ?? 0)
        : code;
    });
    const child: Child = {
      name: spec.name,
      pid: proc.pid,
      tier: spec.tier ?? 0,
      exited,
      running: () => alive,
      tail: () => [...lines],
    };
    this.children.push(child);
    this.options.onSpawn?.(child);
    void exited.then((code) => {
      if (this.stopping) return;
      if (!this.restarting || spec.restart === false) {
        this.options.onUnexpectedExit?.(child, code);
        return;
      }
      const streak = Date.now() - startedAt >= RESTART_STABLE_MS ? 0 : restarts;
      const delayMs = backoffDelay(streak, RESTART_BACKOFF);
      this.options.onRestart?.(child, code, delayMs, streak + 1);
      const timer = setTimeout(() => {
        this.pendingRestarts.delete(timer);
        if (!this.stopping) this.launch(spec, label, streak + 1);
      }, delayMs);
      this.pendingRestarts.add(timer);
    });
    return child;
  }

  /** Pids of every child started so far (running or not, restarted ones included). */
  pids(): number[] {
    return this.children.map((c) => c.pid);
  }

  /** The pid of the latest start of the child named `name`, if any. */
  pidOf(name: string): number | undefined {
    return this.children.findLast((c) => c.name === name)?.pid;
  }

  /** Children that are still running. */
  running(): Child[] {
    return this.children.filter((c) => c.running());
  }

  /** True once stop() has been called. */
  isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Stops every child, highest tier first: SIGTERM, then SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void> {
    for (const timer of this.pendingRestarts) clearTimeout(timer);
    this.pendingRestarts.clear();
    this.stopping ??= this.stopTiers().finally(() => process.off("exit", this.killOnExit));
    return this.stopping;
  }

  private async stopTiers(): Promise<void> {
    const tiers = [...new Set(this.children.map((c) => c.tier))].sort((a, b) => b - a);
    for (const tier of tiers) {
      await Promise.all(this.children.filter((c) => c.tier === tier).map((c) => this.stopChild(c)));
    }
  }

  private async stopChild(child: Child): Promise<void> {
    if (child.running()) {
      signalGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), this.stopGraceMs);
      await child.exited;
      clearTimeout(timer);
    }
    // The leader is gone; anything it spawned into its group goes too. Signals land
    // asynchronously, so give the group a moment to empty before calling the child stopped.
    signalGroup(child.pid, "SIGKILL");
    const deadline = Date.now() + GROUP_EXIT_WAIT_MS;
    while (groupExists(child.pid) && Date.now() < deadline) await Bun.sleep(20);
  }

  /** Synchronous kill for process exit, when there is no time to wait. */
  private killAllNow(): void {
    for (const c of this.children) if (c.running()) signalGroup(c.pid, "SIGKILL");
  }

  private label(name: string): string {
    const width = Math.max(11, name.length);
    const text = `${name.padEnd(width)} |`;
    if (!this.color) return text;
    const code = COLORS[this.children.length % COLORS.length];
    return `\x1b[${code}m${text}\x1b[0m`;
  }
}
