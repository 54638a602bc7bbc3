// Every shell script of the repository passes shellcheck (Debian's package; scripts/bootstrap.sh
// installs it): the CI entry point, the bootstrap and the deploy helpers.
import { expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { REPO } from "./support/terraform.ts";

/** Tracked files that are shell scripts: *.sh, or a bash/sh shebang. */
function shellScripts(): string[] {
  const tracked = Bun.spawnSync(["git", "ls-files"], { cwd: REPO }).stdout.toString().split("\n");
  const firstLine = (f: string) => readFileSync(join(REPO, f), "utf8").split("\n")[0] ?? "";
  return tracked
    .filter((f) => f !== "" && existsSync(join(REPO, f)) && statSync(join(REPO, f)).isFile())
    .filter(
      (f) => f.endsWith(".sh") || (!basename(f).includes(".") && /^#!.*\b(bash|sh)\b/.test(firstLine(f))),
    );
}

test("every shell script passes shellcheck", () => {
  const scripts = shellScripts();
  expect(scripts).toContain(".ci/run");
  expect(scripts).toContain("scripts/bootstrap.sh");
  const run = Bun.spawnSync(["shellcheck", "--format=gcc", ...scripts], { cwd: REPO });
  expect(run.stdout.toString() + run.stderr.toString()).toBe("");
  expect(run.exitCode).toBe(0);
});

test("shellcheck is really checking (an unquoted expansion is reported)", () => {
  const run = Bun.spawnSync(["shellcheck", "-s", "bash", "-"], { stdin: Buffer.from("rm $1\n") });
  expect(run.stdout.toString()).toContain("SC2086");
});
