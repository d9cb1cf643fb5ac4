/**
 * End to end on examples/traefik-canary with a metric gate: kintent steps the weighted canary through Git,
 * measuring a real Prometheus that scrapes a real instrumented HTTP service (prom-client) whose success rate
 * and traffic the test controls, and reading the environment's Argo CD Application from a real API server.
 * The Application's status is written the way Argo CD's application-controller writes it (a merge patch of
 * `status`: sync revision, health, operationState, reconciledAt) — Argo CD itself is not run here (see
 * docs/tools.md). Every change is a real commit pushed to a bare remote, or a branch proposed there.
 *
 *   - a step never happens before the sync check passes (wrong revision, unhealthy, not reconciled);
 *   - healthy metrics take it 10 → 50 → 100 → promoted, each commit carrying its measurements;
 *   - injected errors roll it back in one commit with the evidence; then it stays stopped;
 *   - no traffic waits (exit 3, nothing committed) and then fails at the deadline (NaN and empty results);
 *   - abort, history, status, --propose, and approval: every-step refusing --commit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES, runCli } from "../helpers.js";
import { createBareRepo, git } from "../gitops/servers.js";
import { parseAllDocuments } from "yaml";
import {
  crdCorpusDir,
  dryRunApply,
  installCrds,
  kubeRequest,
  skipClusterTests,
  startApiEnv,
  type ApiEnv,
  type KubeObject,
} from "../harness/index.js";
import {
  findPrometheus,
  startMetricsApp,
  startPrometheus,
  type MetricsApp,
  type PrometheusEnv,
} from "../harness/prometheus-env.js";

const havePrometheus = findPrometheus() !== undefined;
if (!havePrometheus && !skipClusterTests)
  throw new Error("prometheus is not installed: apt-get install prometheus (.ci/run installs it)");

const SEL = 'namespace="{{namespace}}",service="{{service}}"';
/** The platform's success rate over 5 s windows (the scrape runs every second), dividing safely. */
const SUCCESS_QUERY = `sum(rate(http_requests_total{${SEL},code!~"5.."}[5s])) / (sum(rate(http_requests_total{${SEL}}[5s])) > 0)`;
/** A custom query that divides unsafely: 0/0 = NaN without traffic. */
const ERROR_RATIO = `sum(rate(http_requests_total{${SEL},code=~"5.."}[5s])) / sum(rate(http_requests_total{${SEL}}[5s]))`;

describe.skipIf(skipClusterTests)(
  "kintent rollout on traefik-canary with a gate (real Prometheus, real git)",
  () => {
    let api: ApiEnv;
    let prom: PrometheusEnv;
    let app: MetricsApp;
    let work: string;
    let bare: string;
    let clone: string;
    let intent: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), "kintent-rollout-"));
      app = await startMetricsApp();
      app.drive(50);
      [api, prom] = await Promise.all([
        startApiEnv({ installCrds: false }),
        startPrometheus([
          { address: app.address, labels: { namespace: "web-canary", service: "web-canary" } },
        ]),
      ]);
      await installCrds(api.kubeConfig, join(crdCorpusDir(), "argo-cd"));
      await kubeRequest(api.kubeConfig, "/api/v1/namespaces", {
        method: "POST",
        body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "argocd" } },
      });
      await prom.waitForTargets();

      // The GitOps repository holds the intent at deploy/web (Argo CD serves it through the kintent plugin).
      bare = createBareRepo(work, "acme", "gitops");
      clone = join(work, "clone");
      git(work, ["clone", "-q", bare, clone]);
      git(clone, ["config", "user.name", "Dana Ops"]);
      git(clone, ["config", "user.email", "dana@acme.io"]);
      intent = join(clone, "deploy", "web");
      cpSync(join(EXAMPLES, "traefik-canary"), intent, { recursive: true });
      const platform = readFileSync(join(intent, "platform.yaml"), "utf8")
        .replace(
          "  progressiveDelivery: traefik-weighted\n",
          [
            "  progressiveDelivery: traefik-weighted",
            "  metrics:",
            `    prometheus: ${prom.url}`,
            `    successRateQuery: '${SUCCESS_QUERY}'`,
            "    noData: wait",
            "    noDataDeadline: 12s",
            "",
          ].join("\n"),
        )
        .replace("      sync: auto\n", "      sync: auto\n      approval: start-only\n");
      writeFileSync(join(intent, "platform.yaml"), platform);
      // First the stable app alone (what Argo CD runs before the canary), then a person starts the canary at 10%.
      const appText = readFileSync(join(intent, "kintent.yaml"), "utf8");
      const withGate = appText.replace(
        "      weight: 10\n",
        [
          "      weight: 10",
          "      gate:",
          '        successRate: ">= 95%"',
          "        queries:",
          `          - {name: error-ratio, query: '${ERROR_RATIO}', pass: "<= 0.05"}`,
          "        interval: 2s",
          "        count: 3",
          "        failureLimit: 0",
          "",
        ].join("\n"),
      );
      expect(withGate).not.toBe(appText);
      const stableOnly = withGate
        .replace(
          / {6}image: docker\.io\/nginxinc\/nginx-unprivileged:1\.27\.4\n {6}replicas: 2\n/,
          "      replicas: 2\n",
        )
        .replace("      weight: 10\n", "");
      writeFileSync(join(intent, "kintent.yaml"), stableOnly);
      git(clone, ["add", "-A"]);
      git(clone, ["commit", "-q", "-m", "web: stable 1.27.3"]);
      writeFileSync(join(intent, "kintent.yaml"), withGate);
      git(clone, ["commit", "-qam", "web: start the 1.27.4 canary at 10%"]);
      git(clone, ["push", "-q", "origin", "main"]);
      env = { ...process.env, HOME: work, GIT_CONFIG_NOSYSTEM: "1", TMPDIR: work };

      await kubeRequest(api.kubeConfig, "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications", {
        method: "POST",
        body: {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Application",
          metadata: { name: "web-prod", namespace: "argocd" },
          spec: {
            project: "default",
            source: {
              repoURL: bare,
              path: "deploy/web",
              targetRevision: "main",
              plugin: { name: "kintent" },
            },
            destination: { server: "https://kubernetes.default.svc", namespace: "web" },
          },
        },
      });
    }, 180_000);

    afterAll(async () => {
      await app?.stop();
      await prom?.stop();
      await api?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    const head = () => git(clone, ["rev-parse", "HEAD"]);
    const remoteHead = () => git(work, ["--git-dir", bare, "rev-parse", "main"]);
    const message = (rev = "HEAD") => git(clone, ["log", "-1", "--format=%B", rev]);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const rollout = (...args: string[]) =>
      runCli(["rollout", ...args, "deploy/web", "--env", "prod", "--kubeconfig", api.kubeconfigPath], {
        cwd: clone,
        env,
      });

    /**
     * What Argo CD's application-controller writes after syncing `revision` (controller/appcontroller.go
     * persistAppStatus / setOperationState: merge patches of status).
     */
    async function argoSync(
      revision: string,
      opts: { health?: string; reconciledLag?: number; finishedAt?: Date } = {},
    ): Promise<Date> {
      const finished = opts.finishedAt ?? new Date();
      const started = new Date(finished.getTime() - 1000);
      const reconciled = new Date(finished.getTime() + (opts.reconciledLag ?? 1) * 1000);
      const source = {
        repoURL: bare,
        path: "deploy/web",
        targetRevision: "main",
        plugin: { name: "kintent" },
      };
      const r = await kubeRequest(
        api.kubeConfig,
        "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/web-prod",
        {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: {
            status: {
              sync: {
                status: "Synced",
                revision,
                comparedTo: {
                  source,
                  destination: { server: "https://kubernetes.default.svc", namespace: "web" },
                },
              },
              health: {
                status: opts.health ?? "Healthy",
                lastTransitionTime: finished.toISOString().replace(/\.\d+Z$/, "Z"),
              },
              reconciledAt: reconciled.toISOString().replace(/\.\d+Z$/, "Z"),
              sourceType: "Plugin",
              operationState: {
                operation: { sync: { revision }, initiatedBy: { automated: true } },
                phase: "Succeeded",
                message: "successfully synced (all tasks run)",
                startedAt: started.toISOString().replace(/\.\d+Z$/, "Z"),
                finishedAt: finished.toISOString().replace(/\.\d+Z$/, "Z"),
                syncResult: { revision, source, resources: [] },
              },
            },
          },
        },
      );
      expect(r.status, r.text).toBe(200);
      // Argo CD's timestamps have second precision: the soak counts from the truncated finishedAt.
      return new Date(Math.floor(finished.getTime() / 1000) * 1000);
    }

    it("never steps before the sync check passes", async () => {
      const start = head();
      const stable = git(clone, ["rev-parse", "HEAD~1"]);
      // Argo CD still runs the stable app: the commit that set 10% is not deployed.
      await argoSync(stable);
      let r = await rollout("step", "--commit");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(
        `which does not contain ${start.slice(0, 12)} (the commit that set the weight)`,
      );
      // Deployed but not Healthy yet.
      await argoSync(start, { health: "Progressing" });
      r = await rollout("step", "--commit");
      expect(r.code).toBe(3);
      expect(r.stdout).toContain("is Progressing, not Healthy");
      // Healthy, but the health was read before the sync finished.
      await argoSync(start, { reconciledLag: -5 });
      r = await rollout("step", "--commit");
      expect(r.code).toBe(3);
      expect(r.stdout).toContain("has not been reconciled since its sync finished");
      // Synced, Healthy, reconciled: now the gate needs 3 measurements 2 s apart after the sync landed.
      await argoSync(start);
      r = await rollout("step", "--commit");
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/the gate needs 3 measurement\(s\) 2s apart after the weight landed/);
      expect(head()).toBe(start);
      expect(remoteHead()).toBe(start);
    }, 60_000);

    it("healthy metrics take it 10 → 50 → 100 → promoted, each commit carrying its measurements", async () => {
      app.errorRate = 0;
      const weights: string[] = [];
      for (const [from, to] of [
        ["10", "50"],
        ["50", "100"],
      ] as const) {
        await sleep(4_500);
        const r = await rollout("step", "--commit");
        expect(r.stderr).not.toContain("error");
        expect(r.code, r.stdout).toBe(0);
        const msg = message();
        expect(msg).toMatch(new RegExp(`^chore\\(web\\): rollout prod: ${from}% → ${to}% \\(gate passed\\)`));
        expect(msg).toContain(`Rollout-Step: web/prod ${from}% -> ${to}%`);
        expect(msg).toContain("Rollout-Decision: pass");
        expect(msg).toContain("Kintent-Target: web/prod");
        // The evidence: the query as sent, the measurements with their times, values and verdicts.
        expect(msg).toContain(`${prom.url}/api/v1/query`);
        expect(msg).toContain("success-rate >= 95%: Successful");
        expect(msg).toContain(
          'code!~"5.."}[5s])) / (sum(rate(http_requests_total{namespace="web-canary",service="web-canary"}[5s])) > 0)',
        );
        expect(msg.match(/^ {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}100% +Successful$/gm)?.length).toBe(
          3,
        );
        expect(msg).toContain("error-ratio <= 0.05: Successful");
        expect(remoteHead()).toBe(head());
        const text = readFileSync(join(intent, "kintent.yaml"), "utf8");
        expect(text).toContain(`      weight: ${to}\n`);
        weights.push(to);
        // Only the intent file changed, and its comments are kept.
        expect(git(clone, ["show", "--name-only", "--format=", "HEAD"])).toBe("deploy/web/kintent.yaml");
        expect(text).toContain("# The conversational GitOps canary");
        await argoSync(head());
      }
      await sleep(4_500);
      const r = await rollout("step", "--commit");
      expect(r.code, r.stdout).toBe(0);
      expect(message()).toMatch(/^chore\(web\): rollout prod: 100% → stable \(gate passed, promoted\)/);
      expect(message()).toContain("Rollout-Decision: pass");
      const text = readFileSync(join(intent, "kintent.yaml"), "utf8");
      expect(text).toContain("  image: docker.io/nginxinc/nginx-unprivileged:1.27.4\n");
      expect(text).not.toContain("weight:");
      expect(weights).toEqual(["50", "100"]);
      // Nothing left to step.
      await argoSync(head());
      const again = await rollout("step", "--commit");
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("stopped — no canary is running in prod");
    }, 90_000);

    it("injected errors roll it back in one commit with the evidence, and it stays stopped", async () => {
      // A person starts the next canary at 10%.
      const text = readFileSync(join(intent, "kintent.yaml"), "utf8").replace(
        "      replicas: 2\n",
        "      image: docker.io/nginxinc/nginx-unprivileged:1.27.5\n      replicas: 2\n      weight: 10\n",
      );
      writeFileSync(join(intent, "kintent.yaml"), text);
      git(clone, ["commit", "-qam", "web: canary 1.27.5 at 10%"]);
      git(clone, ["push", "-q", "origin", "main"]);
      await argoSync(head());
      app.errorRate = 0.5;
      await sleep(5_000);
      const before = head();
      const r = await rollout("step", "--commit");
      expect(r.code, r.stdout).toBe(1);
      expect(git(clone, ["rev-list", "--count", `${before}..HEAD`])).toBe("1");
      const msg = message();
      expect(msg).toMatch(/^chore\(web\): rollout prod: 10% → 0% \(gate failed, rolled back\)/);
      expect(msg).toContain("Rollout-Step: web/prod 10% -> 0%");
      expect(msg).toContain("Rollout-Decision: fail");
      expect(msg).toMatch(/success-rate >= 95%: Failed — failed \(\d\) > failureLimit \(0\)/);
      expect(msg).toMatch(/^ {2}\S+Z {2}\d+(\.\d+)?% +Failed$/m);
      const after = readFileSync(join(intent, "kintent.yaml"), "utf8");
      expect(after).toContain("      weight: 0\n");
      expect(after).toContain("image: docker.io/nginxinc/nginx-unprivileged:1.27.5"); // canary kept for debugging
      expect(remoteHead()).toBe(head());
      await argoSync(head());
      const again = await rollout("step", "--commit");
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("stopped — rolled back to weight 0");
      expect(head()).toBe(remoteHead());
    }, 60_000);

    it("abort removes the rolled-back canary; no traffic then waits, and fails at the deadline", async () => {
      const abort = await rollout("abort", "--commit");
      expect(abort.code, abort.stdout + abort.stderr).toBe(0);
      expect(message()).toContain("Rollout-Decision: abort");
      expect(readFileSync(join(intent, "kintent.yaml"), "utf8")).not.toContain("1.27.5");
      // A new canary, and no traffic at all.
      const text = readFileSync(join(intent, "kintent.yaml"), "utf8").replace(
        "      replicas: 2\n",
        "      image: docker.io/nginxinc/nginx-unprivileged:1.27.6\n      replicas: 2\n      weight: 10\n",
      );
      writeFileSync(join(intent, "kintent.yaml"), text);
      git(clone, ["commit", "-qam", "web: canary 1.27.6 at 10%"]);
      git(clone, ["push", "-q", "origin", "main"]);
      app.quiet();
      await sleep(6_000); // the 5 s rate windows drain
      const landed = await argoSync(head());
      await sleep(4_500);
      const start = head();
      const waiting = await rollout("step", "--commit");
      expect(waiting.code, waiting.stdout).toBe(3);
      expect(waiting.stdout).toContain("no data");
      expect(waiting.stdout).toContain(
        `noData: wait until ${new Date(landed.getTime() + 12_000).toISOString()}`,
      );
      expect(waiting.stdout).toContain("(empty result)"); // the safe division
      expect(waiting.stdout).toContain("(NaN (no traffic to divide by))"); // 0/0 in the custom query
      expect(head()).toBe(start);
      await sleep(Math.max(0, landed.getTime() + 12_500 - Date.now()));
      const failed = await rollout("step", "--commit");
      expect(failed.code, failed.stdout).toBe(1);
      expect(message()).toContain("no data until the deadline (12s after the weight landed");
      expect(message()).toContain("Rollout-Decision: fail");
      expect(readFileSync(join(intent, "kintent.yaml"), "utf8")).toContain("      weight: 0\n");
    }, 60_000);

    it("history and status come from Git", async () => {
      const h = await rollout("history");
      expect(h.code).toBe(0);
      const lines = h.stdout.split("\n").filter((l) => /^\d{4}-/.test(l));
      expect(lines.map((l) => l.replace(/^\S+ {2}\S+ {2}/, ""))).toEqual([
        "weight 10% → 0%  [fail]",
        "canary docker.io/nginxinc/nginx-unprivileged:1.27.6 started at 10%  [by hand]",
        "canary docker.io/nginxinc/nginx-unprivileged:1.27.5 stopped  [abort]",
        "weight 10% → 0%  [fail]",
        "canary docker.io/nginxinc/nginx-unprivileged:1.27.5 started at 10%  [by hand]",
        "canary docker.io/nginxinc/nginx-unprivileged:1.27.4 stopped; stable image docker.io/nginxinc/nginx-unprivileged:1.27.3 → docker.io/nginxinc/nginx-unprivileged:1.27.4  [pass]",
        "weight 50% → 100%  [pass]",
        "weight 10% → 50%  [pass]",
        "canary docker.io/nginxinc/nginx-unprivileged:1.27.4 started at 10%  [by hand]",
      ]);
      await argoSync(head());
      const s = await rollout("status", "--output", "json");
      expect(s.code).toBe(0);
      const status = JSON.parse(s.stdout) as {
        plan: string;
        state: { weight: number };
        next: { outcome: string };
      };
      expect(status.plan).toBe("10% → 50% → 100%");
      expect(status.state.weight).toBe(0);
      expect(status.next.outcome).toBe("stopped");
    }, 30_000);

    it("kintent rollout manifests: the in-cluster evaluator the API server accepts, with read-only RBAC", async () => {
      const r = await runCli(
        [
          "rollout",
          "manifests",
          "deploy/web",
          "--env",
          "prod",
          "--repo",
          "https://git.acme.io/platform/gitops.git",
        ],
        { cwd: clone, env },
      );
      expect(r.code, r.stderr).toBe(0);
      const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as KubeObject);
      expect(objects.map((o) => o.kind)).toEqual(["ServiceAccount", "Role", "RoleBinding", "CronJob"]);
      expect(r.stdout).toContain("value: deploy/web"); // the intent's path in its repository
      // prod says approval: start-only here: the evaluator commits its gated steps.
      expect(r.stdout).toMatch(/rollout run .* --commit --for 4m/);
      expect(r.stdout).not.toContain("--propose");
      const results = await dryRunApply(api, objects);
      expect(results.map((x) => [x.object.kind, x.ok, x.message ?? ""])).toEqual(
        objects.map((o) => [o.kind, true, ""]),
      );
    }, 30_000);

    it("--propose pushes a branch with the evidence; approval: every-step refuses --commit", async () => {
      const text = readFileSync(join(intent, "kintent.yaml"), "utf8")
        .replace("1.27.6", "1.27.7")
        .replace("      weight: 0\n", "      weight: 10\n");
      writeFileSync(join(intent, "kintent.yaml"), text);
      git(clone, ["commit", "-qam", "web: canary 1.27.7 at 10%"]);
      git(clone, ["push", "-q", "origin", "main"]);
      await argoSync(head());
      app.errorRate = 0;
      app.drive(50);
      await sleep(7_000);
      const r = await rollout("step", "--propose");
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const branches = git(work, [
        "--git-dir",
        bare,
        "for-each-ref",
        "--format=%(refname:short)",
        "refs/heads/kintent/",
      ]);
      expect(branches).toMatch(/^kintent\/web\//);
      const branch = branches.split("\n")[0] ?? "";
      const proposed = git(work, ["--git-dir", bare, "log", "-1", "--format=%B", branch]);
      expect(proposed).toContain("Rollout-Step: web/prod 10% -> 50%");
      expect(proposed).toContain("success-rate >= 95%: Successful");
      expect(proposed).toContain("Proposed-By: kintent rollout");
      const file = git(work, ["--git-dir", bare, "show", `${branch}:deploy/web/kintent.yaml`]);
      expect(file).toContain("      weight: 50\n");
      expect(remoteHead()).toBe(head()); // main untouched until a person merges

      // The MCP server's rollout tools read the same state and propose the same step, through the same code.
      const { connectHttp, startHttp, structured } = await import("../mcp/helpers.js");
      const mcp = await startHttp({
        root: clone,
        env,
        cluster: { kubeconfig: api.kubeconfigPath },
        allowWrite: true,
      });
      const client = await connectHttp(mcp.server.url, "modern");
      try {
        const st = structured(await client.call("rollout_status", { path: "deploy/web", env: "prod" })) as {
          engine: string;
          approval: string;
          canary: { weight?: number };
          next?: { outcome: string; evidence: string[] };
        };
        expect(st).toMatchObject({
          engine: "traefik-weighted",
          approval: "start-only",
          canary: { weight: 10 },
        });
        expect(st.next?.outcome).toBe("advance");
        expect(st.next?.evidence.join("\n")).toContain("success-rate >= 95%: Successful");
        const step = structured(await client.call("rollout_step", { path: "deploy/web", env: "prod" })) as {
          decision: { outcome: string; from?: number; to?: number };
          delivered?: { mode: string; branch?: string; intentDiff: string };
        };
        expect(step.decision).toMatchObject({ outcome: "advance", from: 10, to: 50 });
        expect(step.delivered?.mode).toBe("propose");
        expect(step.delivered?.branch).toMatch(/^kintent\/web\//);
        expect(step.delivered?.intentDiff).toContain("+      weight: 50");
        const onBranch = git(work, [
          "--git-dir",
          bare,
          "show",
          `${step.delivered?.branch ?? ""}:deploy/web/kintent.yaml`,
        ]);
        expect(onBranch).toContain("      weight: 50\n");
        expect(remoteHead()).toBe(head());

        writeFileSync(
          join(intent, "platform.yaml"),
          readFileSync(join(intent, "platform.yaml"), "utf8").replace(
            "approval: start-only",
            "approval: every-step",
          ),
        );
        git(clone, ["commit", "-qam", "prod: every step is approved"]);
        const refused = await rollout("step", "--commit", "--no-push");
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain("prod has approval: every-step");
        // Through MCP too, even on a server that may write.
        const mcpRefused = await client.call("rollout_step", {
          path: "deploy/web",
          env: "prod",
          mode: "commit",
        });
        expect(mcpRefused.isError).toBe(true);
        expect(mcpRefused.content[0]?.text).toContain("prod has approval: every-step");
      } finally {
        await client.close();
        await mcp.server.close();
      }
    }, 90_000);

    it("kintent rollout run steps until promoted, bounded, reading everything from Git each round", async () => {
      writeFileSync(
        join(intent, "platform.yaml"),
        readFileSync(join(intent, "platform.yaml"), "utf8").replace(
          "approval: every-step",
          "approval: start-only",
        ),
      );
      git(clone, ["commit", "-qam", "prod: the evaluator may commit steps"]);
      git(clone, ["push", "-q", "origin", "main"]);
      const before = head();
      // Without cluster access: the soak and the gate's window count from each step's commit.
      const r = await rollout(
        "run",
        "--commit",
        "--skip-sync-check",
        "--for",
        "90s",
        "--poll",
        "1s",
        "--output",
        "json",
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as {
        end: string;
        steps: { outcome: string; from: number; to: number }[];
      };
      expect(result.end).toBe("promoted");
      expect(result.steps.map((x) => `${x.outcome} ${x.from}→${x.to}`)).toEqual([
        "advance 10→50",
        "advance 50→100",
        "promote 100→100",
      ]);
      const subjects = git(clone, ["log", "--format=%s", `${before}..HEAD`]).split("\n");
      expect(subjects).toEqual([
        "chore(web): rollout prod: 100% → stable (gate passed, promoted)",
        "chore(web): rollout prod: 50% → 100% (gate passed)",
        "chore(web): rollout prod: 10% → 50% (gate passed)",
      ]);
      expect(remoteHead()).toBe(head());
      expect(readFileSync(join(intent, "kintent.yaml"), "utf8")).toContain(
        "  image: docker.io/nginxinc/nginx-unprivileged:1.27.7\n",
      );
    }, 120_000);
  },
);
