/**
 * The AI evaluation suite proves itself: every case's reference answer, replayed through the real SDK and the
 * local wire-protocol server, passes its own expectations. `npm run eval:ai` without a model is skipped, exit 0.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, loadSuite, referenceAnswer, runCase } from "../../scripts/eval-ai.js";
import type { EvalCase } from "../../scripts/eval-ai.js";
import { createProvider, resolveProviderConfig } from "../../src/ai/provider.js";
import type { Provider } from "../../src/ai/provider.js";
import { ROOT } from "../helpers.js";
import { startScriptedServer } from "./llm-server.js";
import type { ScriptedServer } from "./llm-server.js";

const suite = loadSuite();
let current: EvalCase | undefined;
let server: ScriptedServer;
let provider: Provider;

beforeAll(async () => {
  server = await startScriptedServer(() => ({ answer: current ? referenceAnswer(current) : {} }));
  const config = resolveProviderConfig({
    KINTENT_LLM: `openai:replay@${server.url}/v1`,
    OPENAI_API_KEY: "replay",
  });
  if (typeof config === "string") throw new Error(config);
  provider = createProvider(config);
});
afterAll(async () => server.close());

describe("eval/ai/requests.yaml", () => {
  it("has at least 25 realistic requests with expected outcomes and unique ids", () => {
    expect(suite.length).toBeGreaterThanOrEqual(25);
    expect(new Set(suite.map((c) => c.id)).size).toBe(suite.length);
    for (const c of suite) expect(Object.keys(c.expect).length, c.id).toBeGreaterThan(0);
  });

  it.each(suite.map((c) => [c.id, c] as const))("%s: the reference answer passes", async (_id, c) => {
    current = c;
    const r = await runCase(c, provider);
    expect(r.failures).toEqual([]);
    expect(r.pass).toBe(true);
  });

  it("the checker fails a wrong answer", () => {
    const c = suite.find((x) => x.id === "scale-prod")!;
    const failures = check(c, "/nonexistent", {
      status: "ok",
      explanation: "",
      ops: [],
      writes: new Map([
        [
          "/nonexistent/kintent.yaml",
          "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: shop}\nspec: {image: a:1, replicas: 5}\n",
        ],
      ]),
      intentDiff: "",
      problems: [],
      blocked: [],
      rounds: 1,
      usage: { input: 0, output: 0 },
      model: "x",
      requestHash: "",
      redactions: {},
      notes: [],
    });
    expect(failures).toEqual([
      "/spec/environments/prod/replicas: expected 5, got nothing",
      "/spec/replicas: expected absent",
    ]);
  });

  it("npm run eval:ai without a configured model says it is skipped and exits 0", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts/eval-ai.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("eval:ai skipped: no model configured");
  });
});
