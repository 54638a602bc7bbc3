/**
 * A checker for the layout `terraform fmt` produces, since the binary cannot be installed here.
 * It follows hclwrite's rules: indent two spaces per open bracket carried over from earlier
 * lines, and align the `=` of consecutive single-line attributes (a chain ends at any line that
 * is not one: a blank line, a comment, a block header, a multi-line value or a closing bracket).
 * Heredocs and trailing comments are refused, so those rules never come into play.
 */

/** One layout problem: 1-based line and what is wrong. */
export interface FormatIssue {
  line: number;
  message: string;
}

interface Line {
  text: string;
  /** The line with string contents blanked and any comment removed (same columns). */
  code: string;
  isComment: boolean;
}

const OPEN = new Set(["{", "[", "("]);
const CLOSE = new Set(["}", "]", ")"]);

/** Blanks the inside of string literals (interpolations included) so brackets and `=` in them don't count. */
function codeOf(text: string): { code: string; comment: boolean } {
  let out = "";
  let inString = false;
  let depth = 0; // nesting of ${ } inside the current string
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (!inString) {
      if (c === "#" || (c === "/" && text[i + 1] === "/")) {
        return { code: out, comment: true };
      }
      if (c === '"') inString = true;
      out += c;
      continue;
    }
    if (c === "\\") {
      out += "  ";
      i++;
    } else if (c === "$" && text[i + 1] === "{") {
      depth++;
      out += "  ";
      i++;
    } else if (depth > 0 && c === "}") {
      depth--;
      out += " ";
    } else if (depth === 0 && c === '"') {
      inString = false;
      out += c;
    } else {
      out += " ";
    }
  }
  return { code: out, comment: false };
}

function netBrackets(code: string): number {
  let net = 0;
  for (const c of code) {
    if (OPEN.has(c)) net++;
    else if (CLOSE.has(c)) net--;
  }
  return net;
}

/** Index of the attribute's `=` when the line is a complete single-line assignment, else -1. */
function assignIndex(code: string): number {
  for (let i = 0; i < code.length; i++) {
    if (code[i] !== "=") continue;
    const before = code[i - 1] ?? "";
    const after = code[i + 1] ?? "";
    if ("=!<>".includes(before) || after === "=" || after === ">") continue;
    if (code.slice(0, i).trim() === "") return -1;
    return netBrackets(code.slice(i)) === 0 ? i : -1;
  }
  return -1;
}

/** Every place where `text` differs from what `terraform fmt` would write. */
export function formatIssues(text: string): FormatIssue[] {
  const issues: FormatIssue[] = [];
  if (!text.endsWith("\n") || text.endsWith("\n\n"))
    issues.push({ line: 1, message: "file must end with one newline" });
  const raw = text.replace(/\n$/, "").split("\n");
  const lines: Line[] = raw.map((t) => {
    const { code, comment } = codeOf(t);
    return { text: t, code, isComment: comment && code.trim() === "" };
  });

  const indents: number[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.text.includes("\t")) issues.push({ line: n, message: "tab character" });
    if (/\s$/.test(line.text)) issues.push({ line: n, message: "trailing whitespace" });
    if (line.code.includes("<<"))
      issues.push({ line: n, message: "heredoc (not supported by this checker)" });
    if (!line.isComment && line.code.length < line.text.length && line.code.trim() !== "") {
      issues.push({ line: n, message: "trailing comment (put it on its own line)" });
    }
    if (line.text.trim() === "") return;
    const net = netBrackets(line.code);
    let expected: number;
    if (net > 0) {
      expected = 2 * indents.length;
      indents.push(net);
    } else {
      let closed = -net;
      while (closed > 0 && indents.length > 0) {
        const top = indents[indents.length - 1] as number;
        if (closed >= top) {
          closed -= top;
          indents.pop();
        } else {
          indents[indents.length - 1] = top - closed;
          closed = 0;
        }
      }
      expected = 2 * indents.length;
    }
    const actual = line.text.length - line.text.trimStart().length;
    if (actual !== expected)
      issues.push({ line: n, message: `indent ${actual}, terraform fmt writes ${expected}` });
  });

  // Alignment chains of `=`.
  let chain: { line: number; lead: number; eq: number; code: string }[] = [];
  const close = () => {
    const width = Math.max(...chain.map((c) => c.lead));
    for (const c of chain) {
      if (c.eq !== width + 1) {
        issues.push({
          line: c.line,
          message: `"=" at column ${c.eq + 1}, terraform fmt aligns it at ${width + 2}`,
        });
      }
      if (!/^= \S/.test(c.code.slice(c.eq))) issues.push({ line: c.line, message: 'one space after "="' });
    }
    chain = [];
  };
  lines.forEach((line, i) => {
    const eq = line.isComment ? -1 : assignIndex(line.code);
    if (eq < 0) {
      if (chain.length > 0) close();
      return;
    }
    chain.push({ line: i + 1, lead: line.code.slice(0, eq).trimEnd().length, eq, code: line.code });
  });
  if (chain.length > 0) close();
  return issues;
}

/** Rewrites the `=` alignment of every chain (what `terraform fmt` would change), leaving the rest. */
export function alignAssignments(text: string): string {
  const raw = text.split("\n");
  const eqs = raw.map((t) => {
    const { code, comment } = codeOf(t);
    return comment && code.trim() === "" ? -1 : assignIndex(code);
  });
  let start = -1;
  const flush = (end: number) => {
    const group = raw.slice(start, end);
    const leads = group.map((t, k) => t.slice(0, eqs[start + k]).trimEnd());
    const width = Math.max(...leads.map((l) => l.length));
    group.forEach((t, k) => {
      const rest = t.slice(eqs[start + k]).replace(/^=\s*/, "= ");
      raw[start + k] = `${(leads[k] as string).padEnd(width)} ${rest}`;
    });
    start = -1;
  };
  eqs.forEach((eq, i) => {
    if (eq < 0 && start >= 0) flush(i);
    if (eq >= 0 && start < 0) start = i;
  });
  if (start >= 0) flush(raw.length);
  return raw.join("\n");
}
