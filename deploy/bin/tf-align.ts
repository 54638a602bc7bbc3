// Aligns `=` in .tf files the way `terraform fmt` does (the binary is not installable on the
// dev machines). Usage: bun deploy/bin/tf-align.ts [--check] <files...>
import { readFileSync, writeFileSync } from "node:fs";
import { alignAssignments, formatIssues } from "../test/support/hcl-format.ts";

const args = process.argv.slice(2);
const check = args.includes("--check");
let bad = 0;
for (const file of args.filter((a) => a !== "--check")) {
  const text = readFileSync(file, "utf8");
  if (!check) writeFileSync(file, alignAssignments(text));
  for (const issue of formatIssues(check ? text : alignAssignments(text))) {
    bad++;
    process.stderr.write(`${file}:${issue.line}: ${issue.message}\n`);
  }
}
process.exit(bad > 0 ? 1 : 0);
