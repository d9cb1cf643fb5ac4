/** The pure parts of `kintent propose`: remotes and forges, redaction, object diffs, layout, words. */
import type { KObject } from "../../src/core/object.js";
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { diffScopes, fieldChanges } from "../../src/core/diff.js";

const changedFields = (a: unknown, b: unknown, path?: string) => fieldChanges(a, b, path).map((f) => f.path);
import { ProposeSetupError } from "../../src/gitops/errors.js";
import { safeRepoPath } from "../../src/gitops/layout.js";
import { prepare } from "../../src/gitops/prepare.js";
import { ROOT } from "../helpers.js";
import { commitMessage, proposalTitle, pullRequestBody, targetOf } from "../../src/gitops/message.js";
import { Redactor, stripUrlCredentials } from "../../src/core/redact.js";
import { apiBaseUrl, detectForge, parseRemoteUrl, tokenFor, webBaseUrl } from "../../src/gitops/remote.js";

describe("remotes", () => {
  it.each([
    [
      "https://github.com/acme/gitops.git",
      "github",
      "acme/gitops",
      "https://github.com",
      "https://api.github.com",
    ],
    [
      "git@github.com:acme/gitops.git",
      "github",
      "acme/gitops",
      "https://github.com",
      "https://api.github.com",
    ],
    [
      "ssh://git@gitlab.com/acme/platform/gitops.git",
      "gitlab",
      "acme/platform/gitops",
      "https://gitlab.com",
      "https://gitlab.com/api/v4",
    ],
    [
      "https://codeberg.org/acme/gitops",
      "gitea",
      "acme/gitops",
      "https://codeberg.org",
      "https://codeberg.org/api/v1",
    ],
    [
      "http://gitea.acme.internal:3000/acme/gitops.git",
      "gitea",
      "acme/gitops",
      "http://gitea.acme.internal:3000",
      "http://gitea.acme.internal:3000/api/v1",
    ],
    [
      "https://github.acme.io/acme/gitops.git",
      "github",
      "acme/gitops",
      "https://github.acme.io",
      "https://github.acme.io/api/v3",
    ],
  ] as const)("%s → %s %s", (url, forge, path, web, api) => {
    const r = parseRemoteUrl(url);
    expect(r?.local).toBe(false);
    expect(r?.path).toBe(path);
    expect(r && detectForge(r)).toBe(forge);
    expect(r && webBaseUrl(r)).toBe(web);
    expect(apiBaseUrl(forge, web)).toBe(api);
  });

  it("does not guess a forge for unknown hosts and local paths, and hides credentials in URLs", () => {
    const r = parseRemoteUrl("https://x-access-token:ghp_secret123@git.acme.io/acme/gitops.git");
    expect(r && detectForge(r)).toBeUndefined();
    expect(r?.display).toBe("https://git.acme.io/acme/gitops.git");
    expect(parseRemoteUrl("/srv/git/gitops.git")).toBeUndefined();
    expect(parseRemoteUrl("./gitops")).toBeUndefined();
    expect(parseRemoteUrl("file:///srv/git/gitops.git")?.local).toBe(true);
  });

  it("reads each forge's token variable, GITEA_TOKEN or FORGEJO_TOKEN for Gitea", () => {
    const env = { GITHUB_TOKEN: "gh", GITLAB_TOKEN: "gl", FORGEJO_TOKEN: "fj" };
    expect(tokenFor("github", env)).toBe("gh");
    expect(tokenFor("gitlab", env)).toBe("gl");
    expect(tokenFor("gitea", env)).toBe("fj");
    expect(tokenFor("gitea", { ...env, GITEA_TOKEN: "gt" })).toBe("gt");
    expect(tokenFor("github", { GITHUB_TOKEN: "" })).toBeUndefined();
  });
});

describe("redaction", () => {
  it("masks tokens in plain, base64 and URL-encoded form, and credentials in URLs", () => {
    const token = "glpat-Abc/123+xyz=secret";
    const r = new Redactor({ known: [token, undefined, "ab"] });
    const basic = Buffer.from(token).toString("base64");
    const text = `fatal: auth ${token} header Basic ${basic} url https://u:${encodeURIComponent(token)}@h/x ab`;
    const out = r.redact(text);
    expect(out).not.toContain(token);
    expect(out).not.toContain(basic);
    expect(out).not.toContain(encodeURIComponent(token));
    expect(out).toContain("https://u:[REDACTED:url-password]@h/x");
    expect(out.endsWith(" ab")).toBe(true); // too short to be a secret: left alone
    expect(stripUrlCredentials("see http://a:b@host:3000/r.git now")).toBe(
      "see http://a:[REDACTED:url-password]@host:3000/r.git now",
    );
    expect(stripUrlCredentials("see https://ghp_tokenonly@host/r.git now")).toBe(
      "see https://[REDACTED:url-credential]@host/r.git now",
    );
  });
});

const deploy = (image: string, replicas = 2): KObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "shop", namespace: "prod", labels: { "app.kubernetes.io/name": "shop" } },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: "shop", image, env: [{ name: "A", value: "1" }] },
          { name: "proxy", image: "envoy:1" },
        ],
      },
    },
  },
});
const svc: KObject = { apiVersion: "v1", kind: "Service", metadata: { name: "shop", namespace: "prod" } };
const pdb: KObject = {
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "shop", namespace: "prod" },
};

describe("object changes", () => {
  it("lists removed, changed (with field paths, named list items by name) and added objects per scope", () => {
    const before = new Map([["apps/shop/prod", [deploy("shop:1"), svc]]]);
    const after = new Map([["apps/shop/prod", [deploy("shop:2", 3), pdb]]]);
    expect(diffScopes(before, after)).toEqual([
      {
        change: "removed",
        object: { apiVersion: "v1", kind: "Service", name: "shop", namespace: "prod" },
        scope: "apps/shop/prod",
        fields: [],
      },
      {
        change: "changed",
        object: { apiVersion: "apps/v1", kind: "Deployment", name: "shop", namespace: "prod" },
        scope: "apps/shop/prod",
        fields: [
          { path: "spec.replicas", before: 2, after: 3 },
          { path: "spec.template.spec.containers[shop].image", before: "shop:1", after: "shop:2" },
        ],
      },
      {
        change: "added",
        object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", name: "shop", namespace: "prod" },
        scope: "apps/shop/prod",
        fields: [],
      },
    ]);
  });

  it("treats an apiVersion bump as a change of the same object, and quotes odd keys", () => {
    const a: KObject = {
      apiVersion: "autoscaling/v1",
      kind: "X",
      metadata: { name: "a", labels: { "app.kubernetes.io/name": "a" } },
    };
    const b: KObject = {
      apiVersion: "autoscaling/v2",
      kind: "X",
      metadata: { name: "a", labels: { "app.kubernetes.io/name": "b" } },
    };
    expect(diffScopes(new Map([["s", [a]]]), new Map([["s", [b]]]))[0]?.fields.map((f) => f.path)).toEqual([
      "apiVersion",
      'metadata.labels["app.kubernetes.io/name"]',
    ]);
    expect(changedFields([1, 2], [1, 2, 3], "args")).toEqual(["args"]);
    expect(changedFields({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });

  it("scopes present on one side only are wholly added or removed", () => {
    const changes = diffScopes(new Map([["old", [svc]]]), new Map([["new", [svc]]]));
    expect(changes.map((c) => `${c.change} ${c.scope}`)).toEqual(["added new", "removed old"]);
  });
});

describe("layout paths", () => {
  it("keeps every path inside the repository", () => {
    expect(safeRepoPath("./apps/shop/prod/", "p")).toBe("apps/shop/prod");
    for (const bad of ["../x", "/etc", "apps/../../x", ".", ""])
      expect(() => safeRepoPath(bad, "GitOps path")).toThrow(ProposeSetupError);
  });
});

describe("commit message and pull request body", () => {
  const changes = diffScopes(
    new Map([["apps/shop/prod", [deploy("shop:1")]]]),
    new Map([["apps/shop/prod", [deploy("shop:2"), pdb]]]),
  );
  const text = {
    app: "shop",
    envs: ["prod", "dev"],
    why: "Ship 2.0 to production.\n\nThe 1.x line is end of life.",
    changes,
    intentHash: "sha256:" + "a".repeat(64),
    version: "0.1.0",
    proposedBy: "kintent ask (anthropic:claude-sonnet-4-5)\nextra line",
  };

  it("is a conventional commit whose last paragraph is the trailers git reads", () => {
    const m = commitMessage(text);
    const paragraphs = m.trimEnd().split("\n\n");
    expect(paragraphs[0]).toBe("chore(shop): Ship 2.0 to production.");
    expect(paragraphs[paragraphs.length - 1]).toBe(
      [
        `Intent-Hash: sha256:${"a".repeat(64)}`,
        "Kintent-Version: 0.1.0",
        "Kintent-Target: shop/dev,prod",
        "Proposed-By: kintent ask (anthropic:claude-sonnet-4-5) extra line",
      ].join("\n"),
    );
    expect(m).toContain("~ apps/shop/prod: Deployment prod/shop (spec.template.spec.containers[shop].image)");
    expect(m).toContain("+ apps/shop/prod: PodDisruptionBudget prod/shop");
    expect(commitMessage({ ...text, proposedBy: undefined } as never)).not.toContain("Proposed-By");
  });

  it("has a title within 72 characters and a default when no reason is given", () => {
    expect(proposalTitle({ app: "shop", envs: ["prod"], why: "x".repeat(200) }).length).toBeLessThanOrEqual(
      72,
    );
    expect(proposalTitle({ app: "shop", envs: ["dev", "prod"] })).toBe(
      "chore(shop): update dev, prod manifests",
    );
    expect(targetOf("shop", ["prod", "dev"])).toBe("shop/dev,prod");
  });

  it("puts the why, the change table and the validation report in the body", () => {
    const body = pullRequestBody({
      ...text,
      base: "main",
      validationReport: "### ✅ kintent validate: 0 error(s)\n",
    });
    expect(body.startsWith("<!-- kintent:proposal target=shop/dev,prod -->\n")).toBe(true);
    expect(body).toContain("### Why\n\nShip 2.0 to production.\n\nThe 1.x line is end of life.");
    expect(body).toContain("### Changes against `main`\n\n1 added, 1 changed, 0 removed.");
    expect(body).toContain(
      "| ✏️ changed | Deployment prod/shop | `apps/shop/prod` | `spec.template.spec.containers[shop].image` |",
    );
    expect(body).toContain("### ✅ kintent validate");
    expect(body).toContain("kintent never merges");
  });
});

describe("prepare", () => {
  it("proposes the extra/ manifests with the app's objects, in every environment", async () => {
    const dir = join(ROOT, "test/fixtures/extras");
    const p = await prepare({ dir, cwd: dir });
    expect(p.intentErrors).toEqual([]);
    const files = [...(p.apps[0]?.files.keys() ?? [])];
    for (const env of ["dev", "staging", "prod"])
      for (const f of [
        "statefulset-redis.yaml",
        "configmap-orders-dashboard.yaml",
        "priorityclass-orders-critical.yaml",
      ])
        expect(files).toContain(`apps/orders/${env}/${f}`);
    expect(p.apps[0]?.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
