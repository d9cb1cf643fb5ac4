/**
 * Regression tests for the review gaps of issue #16 that had none in `npm test`: removed built-in API versions
 * are errors naming the replacement (not "no schema — add its CRD"), a Kyverno `foreach` whose context needs
 * cluster data is a located skip with the reason (not a silent pass), and the did-you-means the seeds needed
 * (`imagePullPolcy`, the conversational canary's `nginx-canary-html`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "kintent-gaps-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Report {
  findings: { checkId: string; severity: string; message: string; loc?: { line: number; column: number } }[];
}

async function validate(
  files: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; report: Report }> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
  const r = await runCli(
    ["validate", ...Object.keys(files).filter((f) => !f.startsWith("policy")), ...args, "-f", "json"],
    {
      cwd: work,
    },
  );
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const INGRESS = `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  rules:
    - host: shop.acme.io
      http:
        paths:
          - path: /
            backend:
              serviceName: web
              servicePort: 80
`;

const CRONJOB = `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: report
  namespace: shop
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox:1.36}]
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: c
      image: nginx:1.27
      imagePullPolcy: Always
      volumeMounts: [{name: html, mountPath: /usr/share/nginx/html}]
  volumes:
    - name: html
      configMap: {name: nginx-canary-html}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-canary-config
  namespace: shop
data: {index.html: hello}
`;

/** A policy from the shape of Kyverno's library: every container's registry against a list read by apiCall. */
const FOREACH_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: allowed-registries
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: registry-allowed
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        foreach:
          - list: "request.object.spec.containers"
            context:
              - name: allowed
                apiCall:
                  urlPath: "/api/v1/namespaces/kyverno/configmaps/allowed-registries"
                  jmesPath: "data.registries"
            deny:
              conditions:
                any:
                  - key: "{{ element.image }}"
                    operator: AnyNotIn
                    value: "{{ allowed }}"
`;

describe("removed built-in API versions", () => {
  it.each([
    ["Ingress extensions/v1beta1", INGRESS, "Kubernetes 1.22", "networking.k8s.io/v1"],
    ["CronJob batch/v1beta1", CRONJOB, "Kubernetes 1.25", "batch/v1"],
  ])(
    "%s: an error at the apiVersion naming the release and the replacement",
    async (what, text, release, use) => {
      const { code, report } = await validate({ "removed.yaml": text });
      expect(code).toBe(1);
      const removed = report.findings.find((f) => f.message.startsWith(`${what} was removed`));
      expect(removed).toMatchObject({ severity: "error", loc: { line: 1, column: 1 } });
      expect(removed?.message).toContain(release);
      expect(removed?.message).toContain(`use apiVersion \`${use}\``);
      expect(report.findings.some((f) => /no schema/.test(f.message))).toBe(false);
    },
  );
});

describe("did-you-mean on the seeds' mistakes", () => {
  it("imagePullPolcy → imagePullPolicy; nginx-canary-html → nginx-canary-config", async () => {
    const { report } = await validate({ "pod.yaml": POD });
    const typo = report.findings.find((f) => f.message.includes("`imagePullPolcy`"));
    expect(typo?.message).toContain("did you mean `imagePullPolicy`?");
    expect(typo?.loc).toMatchObject({ line: 10, column: 7 });
    const cm = report.findings.find((f) => f.checkId === "missing-configmap");
    expect(cm?.message).toContain("`nginx-canary-html`");
    expect(cm?.message).toContain("did you mean `nginx-canary-config`?");
  });
});

describe("Kyverno foreach with a context only a cluster has", () => {
  it("is an info finding saying the rule was skipped offline and why, never a silent pass", async () => {
    const { code, report } = await validate(
      { "pod-ok.yaml": POD.split("---")[0] ?? "", "policy-registries.yaml": FOREACH_POLICY },
      "--policy",
      "policy-registries.yaml",
    );
    const policy = report.findings.filter((f) => f.checkId.startsWith("policy:"));
    expect(policy).toHaveLength(1);
    expect(policy[0]).toMatchObject({
      checkId: "policy:allowed-registries/registry-allowed",
      severity: "info",
    });
    expect(policy[0]?.message).toMatch(
      /context entry 'allowed' needs apiCall data, which is not available offline/,
    );
    // Info does not fail the run; the pod's own errors do (the policy added none).
    expect(code).toBe(1);
  });
});
