/**
 * Side-by-side: kintent's policy engine and the real Kyverno CLI (`kubectl-kyverno test`) on the Kyverno
 * policy library corpus. Reports agreement (row by row: same verdict for the same policy/rule/resource)
 * and wall time. Run with `npm run bench:kyverno`.
 *
 * KYVERNO_CORPUS (default ../shared/corpora/kyverno-policies) and KYVERNO_BIN (default
 * ~/.cache/kintent-tools/bin/kubectl-kyverno). Without the binary only kintent's side runs.
 * KYVERNO_RESULTS=<dir> reuses saved `kubectl-kyverno test <suite> -o json` outputs, one file per suite named
 * after its directory relative to the corpus with `/` replaced by `_` (`<id>.json`).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { findTestFiles, loadTest, ratio, runTest, summarize } from "../../src/policy/index.js";
import type { TestReport } from "../../src/policy/index.js";

const corpus = resolve(
  process.env.KYVERNO_CORPUS ?? join(process.cwd(), "../shared/corpora/kyverno-policies"),
);
const bin = process.env.KYVERNO_BIN ?? join(homedir(), ".cache/kintent-tools/bin/kubectl-kyverno");

interface KyvernoRow {
  POLICY: string;
  RULE: string;
  RESOURCE: string;
  RESULT: string;
  REASON: string;
}

function parseRows(stdout: string): KyvernoRow[] | undefined {
  const start = stdout.indexOf("\n[");
  if (start < 0) return undefined;
  const end = stdout.indexOf("\n]", start);
  return JSON.parse(stdout.slice(start + 1, end + 2)) as KyvernoRow[];
}

function runKyverno(dir: string): Promise<{ rows: KyvernoRow[] | undefined; ms: number; error?: string }> {
  const saved = process.env.KYVERNO_RESULTS;
  if (saved) {
    const file = join(saved, `${relative(corpus, dir).split("/").join("_")}.json`);
    return Promise.resolve({
      rows: existsSync(file) ? parseRows(readFileSync(file, "utf8")) : undefined,
      ms: 0,
    });
  }
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      bin,
      ["test", dir, "-o", "json", "--remove-color"],
      { timeout: 300_000, maxBuffer: 64 << 20 },
      (err, stdout) => {
        const ms = Date.now() - started;
        try {
          const rows = parseRows(stdout);
          if (rows) done({ rows, ms });
          else
            done({
              rows: undefined,
              ms,
              error: err ? (err.message.split("\n")[0] ?? "error") : "no JSON output",
            });
        } catch (e) {
          done({ rows: undefined, ms, error: (e as Error).message });
        }
      },
    );
  });
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

function key(policy: string, rule: string, resource: string): string {
  return `${policy}|${rule}|${resource}`;
}

async function main(): Promise<void> {
  const files = findTestFiles(corpus);
  const t0 = Date.now();
  const reports: TestReport[] = [];
  for (const f of files) for (const t of loadTest(f)) reports.push(runTest(t));
  const oursMs = Date.now() - t0;
  const summary = summarize(reports, corpus);
  console.log(
    `kintent: ${files.length} suites in ${(oursMs / 1000).toFixed(1)} s; conformance ${(ratio(summary.total) * 100).toFixed(2)}%`,
  );
  if (!existsSync(bin) && !process.env.KYVERNO_RESULTS) {
    console.log(`no Kyverno CLI at ${bin}: skipping the side-by-side run`);
    return;
  }
  const t1 = Date.now();
  const kyverno = await pool(files, Math.max(1, cpus().length), (f) => runKyverno(dirname(f)));
  const kyvernoMs = Date.now() - t1;
  let compared = 0;
  let agree = 0;
  let kyvernoErrors = 0;
  const disagreements: string[] = [];
  files.forEach((f, i) => {
    const k = kyverno[i];
    const ours = reports.filter((r) => r.path === f);
    if (!k?.rows) {
      kyvernoErrors++;
      return;
    }
    const ourRows = new Map<string, boolean>();
    for (const r of ours)
      for (const row of r.rows) ourRows.set(key(row.policy, row.rule, row.resource), row.ok);
    for (const row of k.rows) {
      const mine = ourRows.get(key(row.POLICY, row.RULE, row.RESOURCE));
      if (mine === undefined) continue;
      compared++;
      const theirs = row.RESULT === "Pass";
      if (mine === theirs) agree++;
      else
        disagreements.push(
          `${relative(corpus, dirname(dirname(f)))}: ${row.POLICY}/${row.RULE} ${row.RESOURCE}: kyverno ${row.RESULT} (${row.REASON}), kintent ${mine ? "Pass" : "Fail"}`,
        );
    }
  });
  console.log(
    `kyverno: ${files.length} suites in ${(kyvernoMs / 1000).toFixed(1)} s (${kyvernoErrors} suites did not run)`,
  );
  console.log(
    `agreement: ${agree}/${compared} rows (${((agree / Math.max(1, compared)) * 100).toFixed(2)}%)`,
  );
  for (const d of disagreements) console.log(`  - ${d}`);
}

await main();
