/**
 * Agreement of kintent's checks with kube-linter's `tests/checks` fixtures and kube-score's `score/testdata`,
 * read where `fetch` left the upstream repositories (never copied into this repository):
 *
 * - kube-linter: `KINTENT_KUBE_LINTER_DIR` (a checkout or a bare git directory), by default
 *   `../.mirror/stackrox+kube-linter/repo`. Which fixture exercises which check comes from its e2e suite
 *   (`e2etests/bats-tests.sh`: `tmp="tests/checks/<file>"` + `--include <check>`); which objects of the fixture
 *   must fail comes from running the real kube-linter (scripts/tools.sh builds it) exactly as that suite does, so
 *   the comparison is per object.
 * - kube-score: `KINTENT_KUBE_SCORE_DIR`, by default `../.mirror/zegl+kube-score/repo`. Expected outcomes come
 *   from its Go tests (`score/*_test.go`: `testExpectedScore(t, "<file>", "<check>", scorecard.Grade<X>)`):
 *   Critical/Warning means "fires", AllOK means "quiet"; skipped grades and tests that switch a check off or
 *   ignore limits are left out. The comparison is per test case (a file can fire through any of its objects).
 *
 * A bare git directory is extracted to a temporary directory with `git archive`; an absent one is skipped.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifests } from "../src/validate/load.js";
import { validateObjects } from "../src/validate/index.js";
import type { ManifestInput } from "../src/validate/index.js";
import type { CheckSetting } from "../src/validate/checks/run.js";
import { asObj, asStr, containersOf, isObj, podSpecOf } from "../src/validate/objects.js";
import type { Obj } from "../src/validate/objects.js";
import { findTool } from "../test/harness/tools.js";

const ROOT = join(import.meta.dirname, "..");

export type Tool = "kube-linter" | "kube-score";

export interface LinterMapping {
  tool: Tool;
  /** kube-linter check name or kube-score check name ("Container Resources"). */
  theirs: string;
  ours: string[];
  /** Only findings whose message matches (for checks of ours that cover several of theirs). */
  message?: RegExp;
  /** Params for the comparison when ours is context-dependent (e.g. production-only). */
  settings?: Record<string, CheckSetting>;
  /** Run schema validation too (ours is a schema-stage finding such as `removed-api`). */
  schemas?: boolean;
  note?: string;
}

const everywhere: Record<string, CheckSetting> = {
  "pdb-required": { params: { productionOnly: false } },
  "single-replica-production": { params: { min: 2, productionOnly: false } },
};
/** The schema stage's `removed-api` finding. */
const REMOVED = /was removed in Kubernetes/;
const PRODUCTION_ONLY = "ours is production-only by default; compared with productionOnly: false";

/** Their check → our check ids. Checks of theirs with no counterpart here are not listed. */
export const LINTER_MAPPINGS: LinterMapping[] = [
  { tool: "kube-linter", theirs: "dangling-horizontalpodautoscaler", ours: ["dangling-target"] },
  { tool: "kube-linter", theirs: "dangling-ingress", ours: ["route-backends"] },
  { tool: "kube-linter", theirs: "dangling-networkpolicypeer-podselector", ours: ["network-policy-peer"] },
  {
    tool: "kube-linter",
    theirs: "dangling-networkpolicy",
    ours: ["dangling-target"],
    message: /podSelector/,
  },
  { tool: "kube-linter", theirs: "dangling-service", ours: ["service-selector"] },
  { tool: "kube-linter", theirs: "docker-sock", ours: ["host-path-volumes"] },
  { tool: "kube-linter", theirs: "drop-net-raw-capability", ours: ["drop-all-capabilities"] },
  { tool: "kube-linter", theirs: "duplicate-env-var", ours: ["duplicate-env"] },
  {
    tool: "kube-linter",
    theirs: "env-value-from",
    ours: ["missing-configmap", "missing-secret", "missing-key"],
  },
  { tool: "kube-linter", theirs: "env-var-secret", ours: ["literal-secret-env"] },
  { tool: "kube-linter", theirs: "host-ipc", ours: ["host-namespaces"], message: /hostIPC/ },
  { tool: "kube-linter", theirs: "host-network", ours: ["host-namespaces"], message: /hostNetwork/ },
  { tool: "kube-linter", theirs: "host-pid", ours: ["host-namespaces"], message: /hostPID/ },
  { tool: "kube-linter", theirs: "latest-tag", ours: ["latest-tag"] },
  { tool: "kube-linter", theirs: "liveness-port", ours: ["probe-port"], message: /liveness/i },
  { tool: "kube-linter", theirs: "mismatching-selector", ours: ["selector-matches-template"] },
  {
    tool: "kube-linter",
    theirs: "minimum-three-replicas",
    ours: ["single-replica-production"],
    settings: { "single-replica-production": { params: { min: 3, productionOnly: false } } },
    note: "ours is production-only with min 2 by default; compared with min: 3, productionOnly: false",
  },
  { tool: "kube-linter", theirs: "no-extensions-v1beta", ours: ["schema"], message: REMOVED, schemas: true },
  { tool: "kube-linter", theirs: "no-liveness-probe", ours: ["liveness-probe"] },
  { tool: "kube-linter", theirs: "no-read-only-root-fs", ours: ["read-only-root-filesystem"] },
  { tool: "kube-linter", theirs: "no-readiness-probe", ours: ["readiness-probe"] },
  { tool: "kube-linter", theirs: "non-existent-service-account", ours: ["service-account-exists"] },
  { tool: "kube-linter", theirs: "pdb-max-unavailable", ours: ["pdb-blocks-evictions"] },
  { tool: "kube-linter", theirs: "pdb-min-available", ours: ["pdb-blocks-evictions"] },
  { tool: "kube-linter", theirs: "privilege-escalation-container", ours: ["privilege-escalation"] },
  { tool: "kube-linter", theirs: "privileged-container", ours: ["privileged-container"] },
  { tool: "kube-linter", theirs: "readiness-port", ours: ["probe-port"], message: /readiness/i },
  { tool: "kube-linter", theirs: "run-as-non-root", ours: ["run-as-non-root"] },
  { tool: "kube-linter", theirs: "sensitive-host-mounts", ours: ["host-path-volumes"] },
  { tool: "kube-linter", theirs: "startup-port", ours: ["probe-port"], message: /startup/i },
  { tool: "kube-linter", theirs: "unsafe-proc-mount", ours: ["proc-mount-sysctls"], message: /procMount/ },
  { tool: "kube-linter", theirs: "unsafe-sysctls", ours: ["proc-mount-sysctls"], message: /sysctl/i },
  { tool: "kube-linter", theirs: "unset-cpu-requirements", ours: ["resource-requests"], message: /cpu/i },
  {
    tool: "kube-linter",
    theirs: "unset-memory-requirements",
    ours: ["resource-requests", "memory-limit"],
    message: /memory/i,
  },
  { tool: "kube-linter", theirs: "writable-host-mount", ours: ["host-path-volumes"] },
  {
    tool: "kube-score",
    theirs: "Container Resources",
    ours: ["resource-requests", "cpu-limit", "memory-limit"],
  },
  { tool: "kube-score", theirs: "Container Image Tag", ours: ["latest-tag"] },
  { tool: "kube-score", theirs: "Container Image Pull Policy", ours: ["image-pull-policy"] },
  { tool: "kube-score", theirs: "Container Seccomp Profile", ours: ["seccomp-profile"] },
  {
    tool: "kube-score",
    theirs: "Container Security Context Privileged",
    ours: ["privileged-container"],
  },
  {
    tool: "kube-score",
    theirs: "Container Security Context ReadOnlyRootFilesystem",
    ours: ["read-only-root-filesystem"],
  },
  { tool: "kube-score", theirs: "Pod Probes", ours: ["readiness-probe", "liveness-probe"] },
  { tool: "kube-score", theirs: "NetworkPolicy targets Pod", ours: ["dangling-target"] },
  { tool: "kube-score", theirs: "Environment Variable Key Duplication", ours: ["duplicate-env"] },
  {
    tool: "kube-score",
    theirs: "Deployment has PodDisruptionBudget",
    ours: ["pdb-required"],
    settings: everywhere,
    note: PRODUCTION_ONLY,
  },
  {
    tool: "kube-score",
    theirs: "StatefulSet has PodDisruptionBudget",
    ours: ["pdb-required"],
    settings: everywhere,
    note: PRODUCTION_ONLY,
  },
  {
    tool: "kube-score",
    theirs: "Deployment Replicas",
    ours: ["single-replica-production"],
    settings: everywhere,
    note: PRODUCTION_ONLY,
  },
  {
    tool: "kube-score",
    theirs: "Deployment targeted by HPA does not have replicas configured",
    ours: ["hpa-replicas-conflict"],
  },
  { tool: "kube-score", theirs: "HorizontalPodAutoscaler has target", ours: ["dangling-target"] },
  { tool: "kube-score", theirs: "Ingress targets Service", ours: ["route-backends"] },
  { tool: "kube-score", theirs: "Service Targets Pod", ours: ["service-selector"] },
  {
    tool: "kube-score",
    theirs: "StatefulSet Pod Selector labels match template metadata labels",
    ours: ["selector-matches-template"],
  },
  { tool: "kube-score", theirs: "Stable version", ours: ["schema"], message: REMOVED, schemas: true },
];

/** One compared unit: an object of a kube-linter fixture, or a kube-score test case. */
export interface Case {
  /** `<fixture file>#<Kind>/<name>` or `<test file>: <check> on <fixture file(s)>`. */
  id: string;
  expected: "fire" | "quiet";
  fired: boolean;
  agrees: boolean;
}

export interface LinterMappingResult {
  mapping: LinterMapping;
  /** Where the expected verdicts came from when not from running kube-linter. */
  oracle?: string;
  cases: Case[];
  agree: number;
  total: number;
}

export interface LinterAgreement {
  /** Why a tool was not measured (mirror or binary absent), by tool. */
  skipped: Partial<Record<Tool, string>>;
  /** Upstream commits measured, by tool. */
  commits: Partial<Record<Tool, string>>;
  results: LinterMappingResult[];
}

function git(gitDir: string, args: string[]): string | undefined {
  const r = spawnSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return r.status === 0 ? r.stdout : undefined;
}

/**
 * A directory holding `paths` of the upstream repository: the checkout itself, or the bare git directory's HEAD
 * extracted to a temporary directory (returned in `cleanup`).
 */
function materialise(
  dir: string,
  paths: string[],
): { root: string; commit: string; cleanup?: () => void } | string {
  if (!existsSync(dir)) return `${dir} does not exist`;
  if (paths.every((p) => existsSync(join(dir, p)))) {
    const head = spawnSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" });
    return { root: dir, commit: head.status === 0 ? head.stdout.trim() : "working tree" };
  }
  const commit = git(dir, ["rev-parse", "HEAD"])?.trim();
  if (!commit) return `${dir} is neither a checkout holding ${paths.join(", ")} nor a git directory`;
  const root = mkdtempSync(join(tmpdir(), "kintent-fixtures-"));
  const archive = join(root, "head.tar");
  const a = spawnSync("git", ["--git-dir", dir, "archive", "-o", archive, "HEAD", ...paths]);
  const x = a.status === 0 ? spawnSync("tar", ["-xf", archive, "-C", root]) : a;
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  if (x.status !== 0) {
    cleanup();
    return `cannot extract ${paths.join(", ")} from ${dir}: ${String(x.stderr)}`;
  }
  return { root, commit, cleanup };
}

function mirrorDir(env: string, name: string): string {
  return process.env[env] ?? join(ROOT, "..", ".mirror", name, "repo");
}

function ourFindings(inputs: ManifestInput[], mapping: LinterMapping) {
  const r = validateObjects(inputs, {
    skipSchemas: !mapping.schemas,
    ...(mapping.settings ? { settings: mapping.settings } : {}),
  });
  return r.findings.filter(
    (f) => mapping.ours.includes(f.checkId) && (!mapping.message || mapping.message.test(f.message)),
  );
}

interface KubeLinterReport {
  Check: string;
  Object: { K8sObject: { Name: string; GroupVersionKind: { Kind: string } } };
}

/** kube-linter: (check, fixture) pairs of its e2e suite, then per-object agreement. */
function kubeLinter(root: string, binary: string): LinterMappingResult[] {
  const suite = e2eSuite(readFileSync(join(root, "e2etests", "bats-tests.sh"), "utf8"));
  return LINTER_MAPPINGS.filter((m) => m.tool === "kube-linter").map((mapping) => {
    const test = suite.get(mapping.theirs);
    const fixture = test?.fixture;
    const cases: Case[] = [];
    let oracle: string | undefined;
    if (test && fixture && existsSync(join(root, fixture))) {
      const run = spawnSync(
        binary,
        ["lint", "--include", mapping.theirs, "--do-not-auto-add-defaults", "--format", "json", fixture],
        { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 },
      );
      const reports = (JSON.parse(run.stdout || "{}") as { Reports?: KubeLinterReport[] }).Reports ?? [];
      let theirs = new Set(
        reports.map((r) => `${r.Object.K8sObject.GroupVersionKind.Kind}/${r.Object.K8sObject.Name}`),
      );
      const { inputs } = parseManifests(readFileSync(join(root, fixture), "utf8"), fixture);
      if (test.count !== undefined && test.count !== reports.length) {
        // The binary predates the fixture's expectations (e.g. run-as-non-root learnt runAsGroup 0 later): the
        // e2e suite's messages are the truth. Each names a kind and a container or object; a message one of the
        // binary's reports already accounts for is consumed, the others add the objects they name.
        const expected = new Set(theirs);
        for (const m of test.messages) {
          const named = objectsNamed(inputs, m.kind, m.names);
          if (!named.some((k) => theirs.has(k))) for (const k of named) expected.add(k);
        }
        theirs = expected;
        oracle = `e2e messages (kube-linter ${reports.length} reports, the suite expects ${test.count})`;
      }
      const ours = new Set(
        ourFindings(inputs, mapping).flatMap((f) => (f.object ? [`${f.object.kind}/${f.object.name}`] : [])),
      );
      // Objects of a kind the check is about in this fixture (either tool reports that kind): a Service in a
      // probe fixture is quiet for both and would only pad the score.
      const kinds = new Set([...theirs, ...ours].map((k) => k.split("/")[0]));
      const seen = new Set<string>();
      for (const input of inputs) {
        const o = input.object as { kind?: unknown; metadata?: { name?: unknown } } | null;
        if (!o || typeof o.kind !== "string" || !kinds.has(o.kind)) continue;
        const key = `${o.kind}/${typeof o.metadata?.name === "string" ? o.metadata.name : ""}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const expected = theirs.has(key) ? "fire" : "quiet";
        const fired = ours.has(key);
        cases.push({
          id: `${fixture.split("/").pop() ?? fixture}#${key}`,
          expected,
          fired,
          agrees: (expected === "fire") === fired,
        });
      }
    }
    return {
      mapping,
      cases,
      agree: cases.filter((c) => c.agrees).length,
      total: cases.length,
      ...(oracle ? { oracle } : {}),
    };
  });
}

interface E2eTest {
  fixture: string;
  /** `[[ "${count}" == "N" ]]`, when the test asserts it. */
  count?: number;
  /** `[[ "${messageN}" == "<Kind>: <text>" ]]`, with the quoted names in the text. */
  messages: { kind: string; names: string[] }[];
}

/** The e2e suite's tests by the check they include (the first test of a check wins). */
function e2eSuite(bats: string): Map<string, E2eTest> {
  const out = new Map<string, E2eTest>();
  for (const block of bats.split(/\n@test /)) {
    const m = /tmp="(tests\/checks\/[^"]+)"\s*\n\s*cmd="[^"\n]*--include ([\w-]+)/.exec(block);
    if (!m?.[1] || !m[2] || out.has(m[2])) continue;
    const count = /\[\[ "\$\{count\}" == "(\d+)" \]\]/.exec(block)?.[1];
    const messages = [...block.matchAll(/\[\[ "\$\{message\d+\}" == "(\w+): (.*)" \]\]/g)].map((x) => ({
      kind: x[1] ?? "",
      names: [...(x[2] ?? "").matchAll(/\\"([^"\\]+)\\"/g)].flatMap((n) => (n[1] ? [n[1]] : [])),
    }));
    out.set(m[2], { fixture: m[1], ...(count !== undefined ? { count: Number(count) } : {}), messages });
  }
  return out;
}

/** `Kind/name` of the objects of `kind` called one of `names`, or with a container called one of them. */
function objectsNamed(inputs: readonly ManifestInput[], kind: string, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    const o = input.object as Obj;
    if (!isObj(o) || o.kind !== kind) continue;
    const name = asStr(asObj(o.metadata).name) ?? "";
    const pod = podSpecOf(o);
    const containers = pod ? containersOf(pod).map((c) => c.name) : [];
    if (names.includes(name) || containers.some((c) => names.includes(c))) out.push(`${kind}/${name}`);
  }
  return out;
}

/** kube-score: `testExpectedScore[WithConfig]` calls of its Go tests, per test case. */
function kubeScore(root: string): LinterMappingResult[] {
  const scoreDir = join(root, "score");
  const calls: { test: string; files: string[]; check: string; grade: string }[] = [];
  for (const name of readdirSync(scoreDir).sort()) {
    if (!name.endsWith("_test.go")) continue;
    const go = readFileSync(join(scoreDir, name), "utf8");
    for (const m of go.matchAll(/testExpectedScore\(t, "([^"]+)", "([^"]+)", (?:scorecard\.Grade(\w+)|0)\)/g))
      if (m[1] && m[2] && m[3]) calls.push({ test: name, files: [m[1]], check: m[2], grade: m[3] });
    for (const m of go.matchAll(
      /testExpectedScoreWithConfig\(t, \[\]ks\.NamedReader\{([^}]*)\}, nil, &config\.RunConfiguration\{([\s\S]*?)\}, "([^"]+)", scorecard\.Grade(\w+)\)/g,
    )) {
      const [, readers = "", config = "", check = "", grade = ""] = m;
      // Left out: configurations that switch checks or limits off, or ask for a non-default replica count.
      if (/Ignore\w*:\s*true|IgnoredTests|UseIgnoreChecksAnnotation|MinReplicas\w*:\s*(?!2\b)\d/.test(config))
        continue;
      const files = [...readers.matchAll(/testFile\("([^"]+)"\)/g)].flatMap((f) => (f[1] ? [f[1]] : []));
      if (files.length > 0) calls.push({ test: name, files, check, grade });
    }
  }
  return LINTER_MAPPINGS.filter((m) => m.tool === "kube-score").map((mapping) => {
    const cases: Case[] = [];
    const seen = new Set<string>();
    for (const call of calls) {
      if (call.check !== mapping.theirs) continue;
      const id = `${call.files.join("+")}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const inputs = call.files.flatMap(
        (f) => parseManifests(readFileSync(join(scoreDir, "testdata", f), "utf8"), f).inputs,
      );
      const expected = call.grade === "AllOK" ? "quiet" : "fire";
      const fired = ourFindings(inputs, mapping).length > 0;
      cases.push({ id, expected, fired, agrees: (expected === "fire") === fired });
    }
    return { mapping, cases, agree: cases.filter((c) => c.agrees).length, total: cases.length };
  });
}

export function evaluateLinters(): LinterAgreement {
  const out: LinterAgreement = { skipped: {}, commits: {}, results: [] };
  const binary = process.env.KINTENT_KUBE_LINTER_BIN ?? findTool("kube-linter");
  const kl = materialise(mirrorDir("KINTENT_KUBE_LINTER_DIR", "stackrox+kube-linter"), [
    "tests/checks",
    "e2etests/bats-tests.sh",
  ]);
  if (typeof kl === "string") out.skipped["kube-linter"] = `${kl} (set KINTENT_KUBE_LINTER_DIR)`;
  else if (!binary) {
    out.skipped["kube-linter"] = "kube-linter is not built: run scripts/tools.sh";
    kl.cleanup?.();
  } else {
    try {
      out.commits["kube-linter"] = kl.commit;
      out.results.push(...kubeLinter(kl.root, binary));
    } finally {
      kl.cleanup?.();
    }
  }
  const ks = materialise(mirrorDir("KINTENT_KUBE_SCORE_DIR", "zegl+kube-score"), ["score"]);
  if (typeof ks === "string") out.skipped["kube-score"] = `${ks} (set KINTENT_KUBE_SCORE_DIR)`;
  else {
    try {
      out.commits["kube-score"] = ks.commit;
      out.results.push(...kubeScore(ks.root));
    } finally {
      ks.cleanup?.();
    }
  }
  return out;
}
