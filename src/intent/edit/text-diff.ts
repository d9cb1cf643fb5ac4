/**
 * Line diffs of small texts (intent files): an edit script, a unified diff for humans, and a merge that
 * keeps the original formatting of every line an edit did not touch. Pure.
 */

export type LineEdit =
  { op: "equal"; a: number; b: number } | { op: "delete"; a: number } | { op: "insert"; b: number };

/** Longest-common-subsequence edit script from `a` to `b` (common prefix and suffix trimmed first). */
export function diffLines(a: readonly string[], b: readonly string[]): LineEdit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j]: LCS length of a[start+i..endA) and b[start+j..endB), as a flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[start + i] === b[start + j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const edits: LineEdit[] = [];
  for (let k = 0; k < start; k++) edits.push({ op: "equal", a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      edits.push({ op: "equal", a: start + i, b: start + j });
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i * width + j + 1] ?? 0) >= (lcs[(i + 1) * width + j] ?? 0))) {
      edits.push({ op: "insert", b: start + j });
      j++;
    } else {
      edits.push({ op: "delete", a: start + i });
      i++;
    }
  }
  // Deletions before insertions within each changed run reads better ("- old / + new").
  const ordered: LineEdit[] = [];
  let run: LineEdit[] = [];
  const flush = () => {
    ordered.push(...run.filter((e) => e.op === "delete"), ...run.filter((e) => e.op === "insert"));
    run = [];
  };
  for (const e of edits) {
    if (e.op === "equal") {
      flush();
      ordered.push(e);
    } else run.push(e);
  }
  flush();
  for (let k = 0; k < a.length - endA; k++) ordered.push({ op: "equal", a: endA + k, b: endB + k });
  return ordered;
}

export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** A unified diff (`---`/`+++`/`@@` hunks with `context` lines), or "" when the texts are equal. */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = diffLines(a, b);
  const changedAt = edits.flatMap((e, k) => (e.op === "equal" ? [] : [k]));
  const groups: [number, number][] = [];
  for (const k of changedAt) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] <= 2 * context + 1) last[1] = k;
    else groups.push([k, k]);
  }
  const out: string[] = [`--- a/${file}`, `+++ b/${file}`];
  for (const [first, last] of groups) {
    const from = Math.max(0, first - context);
    const to = Math.min(edits.length, last + 1 + context);
    const hunk = edits.slice(from, to);
    const aStart = firstLine(edits, from, "a");
    const bStart = firstLine(edits, from, "b");
    const aLen = hunk.filter((e) => e.op !== "insert").length;
    const bLen = hunk.filter((e) => e.op !== "delete").length;
    out.push(
      `@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`,
    );
    for (const e of hunk) {
      if (e.op === "equal") out.push(` ${a[e.a] ?? ""}`);
      else if (e.op === "delete") out.push(`-${a[e.a] ?? ""}`);
      else out.push(`+${b[e.b] ?? ""}`);
    }
  }
  return out.join("\n") + "\n";
}

/** 0-based line number in side `side` where the edit at `index` starts. */
function firstLine(edits: readonly LineEdit[], index: number, side: "a" | "b"): number {
  let n = 0;
  for (let k = 0; k < index; k++) {
    const e = edits[k];
    if (!e) continue;
    if (side === "a" ? e.op !== "insert" : e.op !== "delete") n++;
  }
  return n;
}

/** Column where a trailing `# comment` starts on a YAML line (outside quotes), or -1. */
export function trailingCommentColumn(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#" && i > 0 && /\s/.test(line[i - 1] ?? "")) {
      return line.slice(0, i).trim() === "" ? -1 : i;
    }
  }
  return -1;
}

/**
 * Carry an edit made on a normalized rendering back onto the original text: lines the edit did not
 * touch keep their original bytes (comment alignment, flow style, quoting); a replaced line keeps the
 * column of its trailing comment. Returns undefined when the normalized rendering does not line up with
 * the original (the caller then uses the normalized text).
 */
export function mergeNormalizedEdit(
  original: string,
  normalizedBefore: string,
  normalizedAfter: string,
): string | undefined {
  const o = splitLines(original);
  const nb = splitLines(normalizedBefore);
  const na = splitLines(normalizedAfter);
  if (o.length !== nb.length) return undefined;
  const out: string[] = [];
  const edits = diffLines(nb, na);
  let pendingDeleted: number[] = [];
  for (const e of edits) {
    if (e.op === "equal") {
      pendingDeleted = [];
      out.push(o[e.a] ?? "");
    } else if (e.op === "delete") {
      pendingDeleted.push(e.a);
    } else {
      let line = na[e.b] ?? "";
      const replaced = pendingDeleted.shift();
      if (replaced !== undefined) {
        const col = trailingCommentColumn(o[replaced] ?? "");
        const now = trailingCommentColumn(line);
        if (col > 0 && now > 0 && now < col) {
          line = line.slice(0, now).trimEnd().padEnd(col, " ") + line.slice(now);
        }
      }
      out.push(line);
    }
  }
  return out.join("\n") + (original.endsWith("\n") || original === "" ? "\n" : "");
}
