/**
 * `kintent diagnose --explain`: the model reads the report a person reads — through the one redactor, events
 * included — and its answer is printed after the diagnoses, marked as a model's, never instead of them. The real
 * SDKs talk to the local wire-protocol server (test/ai/llm-server.ts), which records every byte they send.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Redactor } from "../../src/core/redact.js";
import { createProvider, LlmError, resolveProviderConfig } from "../../src/ai/provider.js";
import { EXPLAIN_TOOL, explainDiagnoses, MAX_REPORT_CHARS } from "../../src/ai/explain-diagnoses.js";
import { formatReport, reportJson } from "../../src/cluster/format.js";
import type { DiagnoseReport } from "../../src/cluster/format.js";
import type { Diagnosis } from "../../src/cluster/diagnosis.js";
import { runCli } from "../helpers.js";
import { llmEnv, startScriptedServer } from "./llm-server.js";
import type { Protocol, ScriptedServer } from "./llm-server.js";

/** Secrets as they show up in cluster evidence: kubelet's pull errors, env values in status messages. */
const PLANTED = {
  "github token in an event": "ghp_PlantedEventToken0123456789abcdefABCD",
  "url password in a status message": "Pl4nted-Registry-Pw",
  "password in an event": "Winter2024!planted-event",
  "configured pattern": "ACME-739184",
};

function diagnosis(over: Partial<Diagnosis> = {}): Diagnosis {
  const pod = { apiVersion: "v1", kind: "Pod", name: "shop-7d9f-abcde", namespace: "prod" };
  return {
    analyzer: "image-pull",
    variant: "unauthorized",
    severity: "error",
    object: pod,
    owner: { apiVersion: "apps/v1", kind: "Deployment", name: "shop", namespace: "prod" },
    objects: [pod],
    container: "app",
    cause: "The image registry.acme.io/shop:2.0 cannot be pulled: the registry refused the credentials.",
    fields: [
      {
        object: pod,
        path: "status.containerStatuses[app].state.waiting",
        value: {
          reason: "ImagePullBackOff",
          message: `Back-off pulling image "https://robot:${PLANTED["url password in a status message"]}@registry.acme.io/shop:2.0"`,
        },
      },
    ],
    events: [
      {
        reason: "Failed",
        message: `Failed to pull image "registry.acme.io/shop:2.0": unauthorized (token ${PLANTED["github token in an event"]}, password=${PLANTED["password in an event"]}, ticket ${PLANTED["configured pattern"]})`,
        count: 7,
        type: "Warning",
        source: "kubelet",
        lastTime: "2026-12-04T10:00:00Z",
        firstTime: "2026-12-04T09:50:00Z",
        object: pod,
      },
    ],
    facts: { image: "registry.acme.io/shop:2.0" },
    fingerprint: "image-pull/prod/Deployment/shop",
    ...over,
  };
}

function report(diagnoses: Diagnosis[]): DiagnoseReport {
  return {
    cluster: "kind-test",
    namespaces: ["prod"],
    readAt: "2026-12-04T10:00:01Z",
    skipped: [],
    apiCalls: { list: 22, total: 22 },
    diagnoses,
    fixes: [],
    intent: false,
  };
}

const ANSWER = {
  summary:
    "The shop Deployment in prod cannot pull registry.acme.io/shop:2.0: the registry refuses its credentials.",
  steps: [
    "Check the pull secret the shop's ServiceAccount uses for registry.acme.io.",
    "Propose the fix through Git.",
  ],
};

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function provider(server: ScriptedServer, protocol: Protocol) {
  const config = resolveProviderConfig({ ...llmEnv(server, protocol), KINTENT_LLM_RETRIES: "0" });
  if (typeof config === "string") throw new Error(config);
  return createProvider(config);
}

describe("explainDiagnoses", () => {
  it.each(["anthropic", "openai"] as const)(
    "%s: the redacted report is sent as data, the answer comes back checked and marked",
    async (protocol) => {
      const s = await startScriptedServer([{ answer: ANSWER }]);
      servers.push(s);
      const redactor = new Redactor({ patterns: ["ACME-[0-9]{6}"] });
      const text = formatReport(report([diagnosis()]), redactor);
      const e = await explainDiagnoses(provider(s, protocol), text, redactor);

      expect(s.requests).toHaveLength(1);
      expect(s.violations).toEqual([]);
      const sent = s.allBytes();
      expect(Object.entries(PLANTED).filter(([, v]) => sent.includes(v))).toEqual([]);
      // What the model needs is there: the analyzer, the cause, the objects, the evidence (redacted), as data.
      for (const kept of [
        "image-pull",
        "registry.acme.io/shop:2.0",
        "Deployment",
        "shop",
        "ImagePullBackOff",
      ])
        expect(sent).toContain(kept);
      expect(sent).toContain("[REDACTED:");
      expect(sent).toMatch(/<<<DATA [0-9a-f]{12} DIAGNOSES/);
      expect(sent).toContain(EXPLAIN_TOOL);
      expect(e).toMatchObject({ summary: ANSWER.summary, steps: ANSWER.steps, truncated: false });
      expect(e.model).toBe(protocol === "anthropic" ? "anthropic:claude-test" : "openai:gpt-test");
    },
  );

  it("a model echoing a secret has it redacted before it is printed", async () => {
    const s = await startScriptedServer([
      {
        answer: {
          summary: `The token ${PLANTED["github token in an event"]} was refused.`,
          steps: [`Rotate password=${PLANTED["password in an event"]}`],
        },
      },
    ]);
    servers.push(s);
    const e = await explainDiagnoses(provider(s, "anthropic"), "x", new Redactor());
    expect(JSON.stringify(e)).not.toContain(PLANTED["github token in an event"]);
    expect(JSON.stringify(e)).not.toContain(PLANTED["password in an event"]);
    expect(e.summary).toContain("[REDACTED:");
  });

  it("an answer outside the schema is a bad-answer error; a huge report is cut and says so", async () => {
    const s = await startScriptedServer((_req, i) =>
      i === 0 ? { answer: { summary: "ok", steps: "not a list" } } : { answer: ANSWER },
    );
    servers.push(s);
    const p = provider(s, "openai");
    const error = await explainDiagnoses(p, "x", new Redactor()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).reason).toBe("bad-answer");

    const big = "evidence line\n".repeat(Math.ceil((MAX_REPORT_CHARS * 2) / 14));
    const e = await explainDiagnoses(p, big, new Redactor());
    expect(e.truncated).toBe(true);
    const body = s.requests[1]?.body ?? "";
    expect(body.length).toBeLessThan(MAX_REPORT_CHARS + 20_000);
    expect(body).toContain("(report cut here)");
  });
});

describe("the report with an explanation", () => {
  it("text: after the diagnoses, marked as the model's; JSON: an `explanation` field; both redacted", () => {
    const r: DiagnoseReport = {
      ...report([diagnosis()]),
      explanation: { model: "anthropic:claude-test", ...ANSWER, truncated: false },
    };
    const text = formatReport(r, new Redactor());
    const at = text.indexOf("Explained by anthropic:claude-test (a model's reading of the diagnoses above");
    expect(at).toBeGreaterThan(text.indexOf("1 diagnosis(es)"));
    expect(text).toContain(`  1. ${ANSWER.steps[0]}`);
    const json = JSON.parse(reportJson(r, new Redactor())) as { explanation?: unknown };
    expect(json.explanation).toEqual({ model: "anthropic:claude-test", ...ANSWER, truncated: false });
    expect(formatReport(report([diagnosis()]), new Redactor())).not.toContain("Explained by");
  });
});

describe("kintent diagnose --explain: the model is configured before the cluster is read", () => {
  it("no KINTENT_LLM and no --llm: a usage error (exit 2) naming what to set, without touching a cluster", async () => {
    const r = await runCli(["diagnose", "-n", "x", "--explain", "--kubeconfig", "/nonexistent/kubeconfig"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/KINTENT_LLM/);
    expect(r.stderr).not.toMatch(/kubeconfig/);
  });

  it("--llm without --explain is a usage error", async () => {
    const r = await runCli(["diagnose", "-n", "x", "--llm", "anthropic:m"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--llm goes with --explain");
  });
});
