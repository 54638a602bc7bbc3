/** Command-line flags shared by the bench commands: `--name value`, or a bare `--name` for true. */

/** Parsed flags by name (without the leading dashes), plus positional words. */
export interface Args {
  flags: Map<string, string>;
  positional: string[];
}

/** Parses `argv` (default: this process's arguments after the script). */
export function parseArgs(argv: string[] = process.argv.slice(2)): Args {
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
  return { flags, positional };
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
