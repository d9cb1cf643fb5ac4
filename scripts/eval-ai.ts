/**
 * `npm run eval:ai`: the AI evaluation. Sends every request of eval/ai/requests.yaml to the model configured by
 * KINTENT_LLM (+ its key), applies the answer exactly as `kintent ask` does (gate, compile, validate, repair), and
 * checks the resulting intent against the expected outcome. Prints the pass rate, tokens and cost.
 *
 * - Without a configured model it says so and exits 0 (CI has no paid key).
 * - `--replay` replays each case's reference answer through a local wire-protocol server: a self-check of
 *   the suite (every reference must pass its own expectations), free and deterministic.
 * - `--only <id>` runs one case; `--json` prints the results as JSON.
 *
 * Cost: list prices per million tokens below (override with KINTENT_EVAL_PRICE=<input>,<output>).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import { ask } from "../src/ai/ask.js";
import type { AskResult } from "../src/ai/ask.js";
import { findInstructionFiles } from "../src/ai/lock.js";
import { createProvider, LlmError, resolveProviderConfig } from "../src/ai/provider.js";
import type { Provider } from "../src/ai/provider.js";
import { parsePointer } from "../src/core/json-pointer.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SUITE = join(ROOT, "eval/ai/requests.yaml");

export interface EvalCase {
  id: string;
  fixture: string;
  request?: string;
  lock?: boolean;
  env?: string;
  /** `ok` (default), `not-ok` (refused or blocked: nothing written), `any`. */
  status?: "ok" | "not-ok" | "any";
  expect: {
    equals?: Record<string, unknown>;
    absent?: string[];
    contains?: Record<string, unknown>;
    extra?: string[];
    notContains?: string;
    noExtra?: boolean;
  };
  reference: {
    explanation?: string;
    app?: string;
    operations: unknown[];
    extra?: { name: string; why: string; manifests?: string; manifestsFile?: string };
    refusal?: string;
  };
}

export function loadSuite(file = SUITE): EvalCase[] {
  return parse(readFileSync(file, "utf8")) as EvalCase[];
}

/** A case's reference answer, in the answer schema (manifest files inlined). */
export function referenceAnswer(c: EvalCase): Record<string, unknown> {
  const r = c.reference;
  const extra = r.extra
    ? {
        name: r.extra.name,
        why: r.extra.why,
        manifests: r.extra.manifests ?? readFileSync(join(ROOT, r.extra.manifestsFile ?? ""), "utf8"),
      }
    : undefined;
  return {
    explanation: r.explanation ?? `Reference answer for ${c.id}.`,
    ...(r.app ? { app: r.app } : {}),
    operations: r.operations,
    ...(extra ? { extra } : {}),
    ...(r.refusal ? { refusal: r.refusal } : {}),
  };
}

export interface CaseResult {
  id: string;
  pass: boolean;
  status: AskResult["status"] | "error";
  failures: string[];
  rounds: number;
  input: number;
  output: number;
  estimated: boolean;
}

function valueAt(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let node = doc;
  for (const seg of parsePointer(pointer)) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (typeof node === "object" && node !== null && seg in node)
      node = (node as Record<string, unknown>)[seg];
    else return { found: false };
    if (node === undefined) return { found: false };
  }
  return { found: true, value: node };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function subset(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== "object" || expected === null) return same(actual, expected);
  if (typeof actual !== "object" || actual === null) return false;
  return Object.entries(expected).every(([k, v]) => subset((actual as Record<string, unknown>)[k], v));
}

/** The App after the change: the written file, else the fixture's. */
function resultingApp(dir: string, result: AskResult): unknown {
  const texts = [...result.writes].filter(([f]) => !relative(dir, f).startsWith("extra/")).map(([, t]) => t);
  const candidates =
    texts.length > 0
      ? texts
      : existsSync(join(dir, "kintent.yaml"))
        ? [readFileSync(join(dir, "kintent.yaml"), "utf8")]
        : [];
  for (const t of candidates) {
    for (const d of parseAllDocuments(t) as unknown as { toJS(): unknown }[]) {
      const v = d.toJS() as { kind?: unknown } | null;
      if (v && v.kind === "App") return v;
    }
  }
  return undefined;
}

function extraObjects(dir: string, result: AskResult): string[] {
  const out: string[] = [];
  for (const [f, t] of result.writes) {
    if (!relative(dir, f).startsWith("extra/")) continue;
    for (const d of parseAllDocuments(t) as unknown as { toJS(): unknown }[]) {
      const v = d.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      if (v?.kind) out.push(`${v.kind}/${v.metadata?.name ?? ""}`);
    }
  }
  return out;
}

/** Check a result against a case's expectations; an empty list means it passes. */
export function check(c: EvalCase, dir: string, result: AskResult): string[] {
  const failures: string[] = [];
  const want = c.status ?? "ok";
  if (want === "ok" && result.status !== "ok")
    failures.push(
      `status ${result.status}: ${[...result.problems, ...result.blocked, result.refusal ?? ""].filter(Boolean).slice(0, 3).join("; ")}`,
    );
  if (want === "not-ok" && (result.status === "ok" || result.writes.size > 0))
    failures.push(`expected a refusal or a block, got ${result.status}`);
  const app = resultingApp(dir, result);
  const e = c.expect;
  for (const [p, v] of Object.entries(e.equals ?? {})) {
    const got = valueAt(app, p);
    if (!got.found || !same(got.value, v))
      failures.push(
        `${p}: expected ${JSON.stringify(v)}, got ${got.found ? JSON.stringify(got.value) : "nothing"}`,
      );
  }
  for (const p of e.absent ?? []) if (valueAt(app, p).found) failures.push(`${p}: expected absent`);
  for (const [p, v] of Object.entries(e.contains ?? {})) {
    const got = valueAt(app, p);
    const ok =
      got.found &&
      (typeof got.value === "string"
        ? typeof v === "string" && got.value.includes(v)
        : Array.isArray(got.value) && got.value.some((x) => subset(x, v)));
    if (!ok)
      failures.push(
        `${p}: expected to contain ${JSON.stringify(v)}, got ${got.found ? JSON.stringify(got.value) : "nothing"}`,
      );
  }
  const extra = extraObjects(dir, result);
  for (const x of e.extra ?? [])
    if (!extra.includes(x)) failures.push(`extra: expected ${x} (got ${extra.join(", ") || "none"})`);
  if (e.noExtra && extra.length > 0) failures.push(`extra: expected none, got ${extra.join(", ")}`);
  if (e.notContains !== undefined && [...result.writes.values()].some((t) => t.includes(e.notContains ?? "")))
    failures.push(`a written file contains ${JSON.stringify(e.notContains)}`);
  return failures;
}

/** Run one case in a temporary copy of its fixture. */
export async function runCase(c: EvalCase, provider: Provider): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), `kintent-eval-${c.id}-`));
  cpSync(join(ROOT, c.fixture), dir, { recursive: true });
  try {
    const instructions = c.lock ? findInstructionFiles(dir).files[0] : undefined;
    const request = instructions?.instructions ?? c.request ?? "";
    const result = await ask({
      request,
      dir,
      cwd: dir,
      provider,
      ...(c.env ? { env: c.env } : {}),
      ...(instructions ? { instructions } : {}),
    });
    const failures = check(c, dir, result);
    return {
      id: c.id,
      pass: failures.length === 0,
      status: result.status,
      failures,
      rounds: result.rounds,
      input: result.usage.input,
      output: result.usage.output,
      estimated: result.usage.estimated ?? false,
    };
  } catch (e) {
    const message = e instanceof LlmError ? `${e.kind}: ${e.message}` : (e as Error).message;
    return {
      id: c.id,
      pass: false,
      status: "error",
      failures: [message],
      rounds: 0,
      input: 0,
      output: 0,
      estimated: false,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** USD per million tokens (input, output), by model name prefix; list prices. */
const PRICES: [RegExp, number, number][] = [
  [/claude-opus-4/, 15, 75],
  [/claude-sonnet-4|claude-3-7-sonnet|claude-3-5-sonnet/, 3, 15],
  [/claude-haiku-4/, 1, 5],
  [/claude-3-5-haiku/, 0.8, 4],
  [/gpt-4o-mini/, 0.15, 0.6],
  [/gpt-4o/, 2.5, 10],
  [/gpt-4\.1-mini/, 0.4, 1.6],
  [/gpt-4\.1-nano/, 0.1, 0.4],
  [/gpt-4\.1/, 2, 8],
  [/gpt-5-mini/, 0.25, 2],
  [/gpt-5/, 1.25, 10],
];

export function priceFor(model: string, env: NodeJS.ProcessEnv): [number, number] | undefined {
  const override = env.KINTENT_EVAL_PRICE?.split(",").map(Number);
  if (override?.length === 2 && override.every((n) => Number.isFinite(n)))
    return [override[0] ?? 0, override[1] ?? 0];
  const hit = PRICES.find(([re]) => re.test(model));
  return hit ? [hit[1], hit[2]] : undefined;
}

export function summarize(results: readonly CaseResult[], model: string, env: NodeJS.ProcessEnv): string {
  const lines = [
    "| case | result | status | calls | tokens in | tokens out |",
    "|---|---|---|---:|---:|---:|",
  ];
  for (const r of results)
    lines.push(
      `| ${r.id} | ${r.pass ? "pass" : "FAIL"} | ${r.status} | ${r.rounds} | ${r.input} | ${r.output} |`,
    );
  const passed = results.filter((r) => r.pass).length;
  const input = results.reduce((n, r) => n + r.input, 0);
  const output = results.reduce((n, r) => n + r.output, 0);
  const price = priceFor(model, env);
  const cost = price
    ? `$${((input * price[0] + output * price[1]) / 1e6).toFixed(4)}`
    : "n/a (unknown price; set KINTENT_EVAL_PRICE=<in>,<out> per Mtok)";
  lines.push(
    "",
    `${model}: ${passed}/${results.length} passed (${((100 * passed) / Math.max(1, results.length)).toFixed(1)}%), ` +
      `${input} input + ${output} output tokens${results.some((r) => r.estimated) ? " (some estimated)" : ""}, cost ${cost}`,
  );
  for (const r of results.filter((x) => !x.pass)) lines.push(`  ${r.id}: ${r.failures.join("; ")}`);
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
  const suite = loadSuite().filter((c) => only === undefined || c.id === only);
  if (argv.includes("--replay")) {
    const { startScriptedServer } = await import("../test/ai/llm-server.js");
    let current: EvalCase | undefined;
    const server = await startScriptedServer(() => ({ answer: current ? referenceAnswer(current) : {} }));
    try {
      const config = resolveProviderConfig({
        KINTENT_LLM: `anthropic:replay@${server.url}`,
        ANTHROPIC_API_KEY: "replay",
      });
      if (typeof config === "string") throw new Error(config);
      const provider = createProvider(config);
      const results: CaseResult[] = [];
      for (const c of suite) {
        current = c;
        results.push(await runCase(c, provider));
      }
      print(argv, results, "replay (reference answers)");
      return results.every((r) => r.pass) ? 0 : 1;
    } finally {
      await server.close();
    }
  }
  const config = resolveProviderConfig(process.env);
  if (typeof config === "string") {
    console.log(`eval:ai skipped: ${config}`);
    return 0;
  }
  const provider = createProvider(config);
  console.log(`eval:ai: ${suite.length} requests against ${provider.id}\n`);
  const results: CaseResult[] = [];
  for (const c of suite) {
    const r = await runCase(c, provider);
    console.error(`${r.pass ? "pass" : "FAIL"} ${c.id}`);
    results.push(r);
  }
  print(argv, results, provider.id);
  return 0;
}

function print(argv: string[], results: CaseResult[], model: string): void {
  if (argv.includes("--json")) console.log(JSON.stringify({ model, results }, null, 2));
  else console.log(summarize(results, model, process.env));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
