/** Command-line flags shared by the bench commands: `--name value`, or a bare `--name` for true. */

/** Parsed flags by name (without the leading dashes), plus positional words. */
export interface Args {
  flags: Map<string, string>;
  positional: string[];
}

/** What a command accepts: its usage text (printed by `--help`) and the names of its flags. */
export interface CommandSpec {
  usage: string;
  flags: readonly string[];
}

/** `--help`, or a flag the command does not know: what to print, and the exit code. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    readonly exitCode: 0 | 2,
  ) {
    super(message);
  }
}

/**
 * Parses `argv` against the command's spec: `--help` and any flag the command does not know throw
 * UsageError (a mistyped flag used to be ignored silently, and the run measured something else).
 */
export function parseArgs(argv: string[], spec: CommandSpec): Args {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (!word.startsWith("--")) {
      positional.push(word);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) flags.set(word.slice(2), "true");
    else {
      flags.set(word.slice(2), next);
      i++;
    }
  }
  if (flags.has("help") || positional.includes("help")) throw new UsageError(spec.usage, 0);
  const unknown = [...flags.keys()].filter((f) => !spec.flags.includes(f));
  if (unknown.length > 0) {
    const known = spec.flags.map((f) => `--${f}`).join(" ") || "none";
    throw new UsageError(
      `unknown flag ${unknown.map((f) => `--${f}`).join(" ")} (known: ${known})\n\n${spec.usage}`,
      2,
    );
  }
  return { flags, positional };
}

/** This process's arguments, parsed; prints the usage or the error and exits on UsageError. */
export function commandArgs(spec: CommandSpec): Args {
  try {
    return parseArgs(process.argv.slice(2), spec);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    (error.exitCode === 0 ? process.stdout : process.stderr).write(`${error.message.trim()}\n`);
    process.exit(error.exitCode);
  }
}

/** A flag given without a value (or as `true`). */
export function boolFlag(args: Args, name: string): boolean {
  return args.flags.get(name) === "true";
}

/** A numeric flag, else the environment variable, else `fallback`; refuses non-numbers loudly. */
export function numberFlag(args: Args, name: string, fallback: number, envVar?: string): number {
  const raw = args.flags.get(name) ?? (envVar ? process.env[envVar] : undefined);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} ${JSON.stringify(raw)} is not a number`);
  return value;
}

/** A string flag, else the environment variable, else undefined. */
export function stringFlag(args: Args, name: string, envVar?: string): string | undefined {
  return args.flags.get(name) ?? (envVar ? process.env[envVar] || undefined : undefined);
}
