/**
 * `npm run bench -- ai`: what a model must *write* per change. For every request of the AI evaluation suite
 * (eval/ai/requests.yaml), the reference answer's intent operations (+ extra manifests, as JSON, exactly the
 * tool input kintent requires) against the full manifest YAML a claudernetes-style tool regenerates for the
 * same result: every object of the app in the changed environment, compiled by kintent from the reference
 * result (no `# why:` comments, extras included).
 *
 * Tokens are estimated two ways, the same way on both sides:
 * - `chars/4`: characters ÷ 4, rounded up (the usual rule of thumb for English/code with BPE tokenizers);
 * - `lexemes`: runs of letters, runs of digits, each other non-space character, and each run of whitespace
 *   (a stricter count for YAML, whose indentation and punctuation tokenize poorly).
 * Goal: ≥ 10× fewer output tokens per change.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ask } from "../src/ai/ask.js";
import { findInstructionFiles } from "../src/ai/lock.js";
import { createProvider, resolveProviderConfig } from "../src/ai/provider.js";
import { openProject } from "../src/project/index.js";
import { environmentNames } from "../src/intent/resolve.js";
import { loadIntent } from "../src/intent/load.js";
import { toYamlStream } from "../src/render/yaml.js";
import { loadSuite, referenceAnswer, ROOT } from "../scripts/eval-ai.js";
import type { EvalCase } from "../scripts/eval-ai.js";
import { startScriptedServer } from "../test/ai/llm-server.js";

export function charsTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function lexemeTokens(text: string): number {
  return (text.match(/[A-Za-z]+|[0-9]+|\s+|[^\sA-Za-z0-9]/g) ?? []).length;
}

interface Row {
  id: string;
  env: string;
  opsBytes: number;
  opsTokens: number;
  opsLexemes: number;
  yamlBytes: number;
  yamlTokens: number;
  yamlLexemes: number;
}

/** The environment a case changes: the one its operations name, else the platform's first. */
function targetEnv(c: EvalCase, dir: string): string {
  const named = c.reference.operations
    .map((o) => (o as { env?: unknown }).env)
    .find((e): e is string => typeof e === "string");
  const li = loadIntent(dir, { cwd: dir });
  return named ?? environmentNames(li.intent?.platform)[0] ?? "default";
}

async function measure(): Promise<Row[]> {
  let current: EvalCase | undefined;
  const server = await startScriptedServer(() => ({ answer: current ? referenceAnswer(current) : {} }));
  const rows: Row[] = [];
  try {
    const config = resolveProviderConfig({
      KINTENT_LLM: `anthropic:bench@${server.url}`,
      ANTHROPIC_API_KEY: "bench",
    });
    if (typeof config === "string") throw new Error(config);
    const provider = createProvider(config);
    for (const c of loadSuite()) {
      if ((c.status ?? "ok") !== "ok") continue; // refusals change nothing: no manifests to compare
      current = c;
      const dir = mkdtempSync(join(tmpdir(), `kintent-bench-ai-${c.id}-`));
      cpSync(join(ROOT, c.fixture), dir, { recursive: true });
      try {
        const instructions = c.lock ? findInstructionFiles(dir).files[0] : undefined;
        const result = await ask({
          request: instructions?.instructions ?? c.request ?? "",
          dir,
          cwd: dir,
          provider,
          maxRepairs: 0,
          ...(instructions ? { instructions } : {}),
        });
        if (result.status !== "ok") throw new Error(`${c.id}: reference answer is ${result.status}`);
        const env = targetEnv(c, dir);
        const b = (await openProject(dir, { cwd: dir, overlay: result.writes })).build(env, {
          validate: false,
        });
        if (b.errors.length > 0) throw new Error(`${c.id}: does not build`);
        const yaml = toYamlStream(b.objects);
        const answer = referenceAnswer(c);
        // What the model writes for the change: operations and extra manifests (the explanation is prose both
        // kinds of tool may add, so it is left out on both sides).
        const ops = JSON.stringify({
          operations: answer.operations,
          ...(answer.extra ? { extra: answer.extra } : {}),
        });
        rows.push({
          id: c.id,
          env,
          opsBytes: Buffer.byteLength(ops),
          opsTokens: charsTokens(ops),
          opsLexemes: lexemeTokens(ops),
          yamlBytes: Buffer.byteLength(yaml),
          yamlTokens: charsTokens(yaml),
          yamlLexemes: lexemeTokens(yaml),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

const rows = await measure();
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
console.log(
  "| request | env | ops bytes | ops tokens | manifest bytes | manifest tokens | fewer tokens (chars/4) | fewer (lexemes) |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.id} | ${r.env} | ${r.opsBytes} | ${r.opsTokens} | ${r.yamlBytes} | ${r.yamlTokens} | ${ratio(r.yamlTokens, r.opsTokens).toFixed(1)}× | ${ratio(r.yamlLexemes, r.opsLexemes).toFixed(1)}× |`,
  );
}
const sum = (k: keyof Row) => rows.reduce((n, r) => n + (r[k] as number), 0);
const perCase = rows.map((r) => ratio(r.yamlTokens, r.opsTokens));
const perCaseLex = rows.map((r) => ratio(r.yamlLexemes, r.opsLexemes));
console.log(
  `\n${rows.length} changes: ${sum("opsTokens")} output tokens as intent operations vs ${sum("yamlTokens")} as full manifests ` +
    `(chars/4) — ${ratio(sum("yamlTokens"), sum("opsTokens")).toFixed(1)}× fewer in total, median ${median(perCase).toFixed(1)}×, ` +
    `minimum ${Math.min(...perCase).toFixed(1)}× (lexemes: ${ratio(sum("yamlLexemes"), sum("opsLexemes")).toFixed(1)}× total, median ${median(perCaseLex).toFixed(1)}×, minimum ${Math.min(...perCaseLex).toFixed(1)}×).`,
);
const goal = median(perCase) >= 10;
console.log(`goal (≥ 10× fewer output tokens per change, median): ${goal ? "met" : "NOT met"}`);
