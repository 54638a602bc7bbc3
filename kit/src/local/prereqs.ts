/** A program the local stack needs, and the command that installs it on Debian/Ubuntu. */
export interface Prerequisite {
  binary: string;
  why: string;
  install: string;
}

/** Java runs DynamoDB Local. */
export const JAVA: Prerequisite = {
  binary: "java",
  why: "DynamoDB Local",
  install: "sudo apt-get install -y openjdk-17-jre-headless",
};

/** redis-server backs the private Redis (skipped when REDIS_URL is given). */
export const REDIS_SERVER: Prerequisite = {
  binary: "redis-server",
  why: "the local Redis",
  install: "sudo apt-get install -y redis-server",
};

/** A missing program; the message is one line with the install command. */
export class MissingPrerequisiteError extends Error {
  override name = "MissingPrerequisiteError";
  constructor(readonly prerequisite: Prerequisite) {
    super(
      `${prerequisite.binary} not found on PATH (needed for ${prerequisite.why}) — install it with: ${prerequisite.install}`,
    );
  }
}

/** Throws MissingPrerequisiteError for the first program not on PATH. */
export function assertPrerequisites(needed: readonly Prerequisite[], path = process.env.PATH ?? ""): void {
  for (const p of needed) {
    if (!Bun.which(p.binary, { PATH: path })) throw new MissingPrerequisiteError(p);
  }
}
