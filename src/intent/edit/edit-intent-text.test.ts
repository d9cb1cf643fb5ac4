import { describe, expect, it } from "vitest";
import { editIntentText } from "./edit-intent-text.js";
import type { ApplyContext } from "./operation.js";
import { parseOps } from "./parse-ops.js";

const APP = `# header comment
apiVersion: kintent.dev/v1alpha1
kind: App
metadata:
  name: shop   # the name
  labels: {team: web}
spec:
  image: ghcr.io/acme/shop:1.4.2   # CI bumps this
  port: 8080
  probe: /healthz
  resources: small          # why small
  autoscaling: {min: 2, max: 10, cpu: 70%}
  env:
    LOG_LEVEL: info
    DB_URL: {secret: shop-db, key: url}   # reference
  rollout:
    canary: [20%, 2m, 100%]
  why: "the storefront"
`;

const WEIGHTED = `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: web}
spec:
  image: nginx:1.27.3
  expose: {host: web.acme.io}
  rollout:
    canary:
      steps: [10%, 50%, 100%]   # the plan
`;

const ARGO: ApplyContext = { environments: ["dev", "prod"], engine: "argo-rollouts" };
const TRAEFIK: ApplyContext = { environments: ["prod"], engine: "traefik-weighted" };

function edit(text: string, ops: unknown[], ctx: ApplyContext = ARGO) {
  const parsed = parseOps(ops);
  expect(parsed.errors).toEqual([]);
  return editIntentText(text, "kintent.yaml", parsed.ops, ctx);
}

/** The lines that changed: removed lines with -, added with +. */
function changed(diff: string): string[] {
  return diff.split("\n").filter((l) => /^[-+][^-+]/.test(l) || l === "+" || l === "-");
}

describe("editIntentText: each operation, comments and formatting kept", () => {
  it.each<[string, unknown[], string, string[]]>([
    [
      "image tag",
      [{ op: "image", tag: "1.5.0" }],
      APP,
      [
        "-  image: ghcr.io/acme/shop:1.4.2   # CI bumps this",
        "+  image: ghcr.io/acme/shop:1.5.0   # CI bumps this",
      ],
    ],
    [
      "image per environment",
      [{ op: "image", image: "ghcr.io/acme/shop:1.5.0-rc1", env: "dev" }],
      APP,
      ["+  environments:", "+    dev:", "+      image: ghcr.io/acme/shop:1.5.0-rc1"],
    ],
    [
      "autoscaling in a flow map",
      [{ op: "autoscaling", min: 3, max: 12 }],
      APP,
      ["-  autoscaling: {min: 2, max: 10, cpu: 70%}", "+  autoscaling: {min: 3, max: 12, cpu: 70%}"],
    ],
    [
      "autoscaling off for one environment",
      [{ op: "autoscaling-off", env: "dev" }],
      APP,
      ["+  environments:", "+    dev:", "+      autoscaling: false"],
    ],
    [
      "env literal, quoted when ambiguous",
      [{ op: "env", name: "FEATURE", value: "yes" }],
      APP,
      ['+    FEATURE: "yes"'],
    ],
    [
      "env from a secret",
      [{ op: "env", name: "API_KEY", fromSecret: { name: "shop-api", key: "key" } }],
      APP,
      ["+    API_KEY:", "+      secret: shop-api", "+      key: key"],
    ],
    ["unset env", [{ op: "unset-env", name: "LOG_LEVEL" }], APP, ["-    LOG_LEVEL: info"]],
    [
      "resources override keeps the comment on the key",
      [{ op: "resources", limits: { memory: "1Gi" } }],
      APP,
      [
        "-  resources: small          # why small",
        "+  resources:                # why small",
        "+    profile: small",
        "+    limits:",
        "+      memory: 1Gi",
      ],
    ],
    [
      "rollout steps keep the list form",
      [{ op: "rollout-steps", steps: ["10%", "5m", "100%"] }],
      APP,
      ["-    canary: [20%, 2m, 100%]", "+    canary: [10%, 5m, 100%]"],
    ],
    ["gate", [{ op: "gate", successRate: ">= 99%" }], APP, ["+    gate:", '+      successRate: ">= 99%"']],
    ["expose", [{ op: "expose", host: "shop.acme.io" }], APP, ["+  expose:", "+    host: shop.acme.io"]],
    [
      "probe on a port",
      [{ op: "probe", path: "/ready", port: 9090 }],
      APP,
      ["-  probe: /healthz", "+  probe:", "+    path: /ready", "+    port: 9090"],
    ],
    [
      "label",
      [{ op: "label", key: "cost-center", value: "cc-1" }],
      APP,
      ["-  labels: {team: web}", "+  labels: {team: web, cost-center: cc-1}"],
    ],
    [
      "why turns a string into a map",
      [{ op: "why", key: "rollout", text: "slow ramp" }],
      APP,
      ['-  why: "the storefront"', "+  why:", '+    app: "the storefront"', "+    rollout: slow ramp"],
    ],
    [
      "storage",
      [{ op: "storage", name: "data", path: "/data", size: "10Gi" }],
      APP,
      ["+  storage:", "+    - name: data", "+      path: /data", "+      size: 10Gi"],
    ],
    [
      "file, as a literal block",
      [{ op: "file", path: "/etc/app/app.conf", content: "a = 1\nb = 2\n" }],
      APP,
      ["+  files:", "+    /etc/app/app.conf: |", "+      a = 1", "+      b = 2"],
    ],
    [
      "allow-from",
      [{ op: "allow-from", app: "checkout" }],
      APP,
      ["+  network:", "+    allowFrom:", "+      - app: checkout"],
    ],
    [
      "security writable paths",
      [{ op: "security", writablePaths: ["/tmp", "/cache"] }],
      APP,
      ["+  security:", "+    writablePaths:", "+      - /tmp", "+      - /cache"],
    ],
  ])("%s", (_name, ops, text, lines) => {
    const r = edit(text, ops);
    expect(r.errors).toEqual([]);
    expect(changed(r.diff)).toEqual(lines);
    // Everything else is byte for byte the same.
    expect(
      r.text
        .split("\n")
        .filter((l) => !lines.some((x) => x.slice(1) === l))
        .join("\n"),
    ).toBe(
      text
        .split("\n")
        .filter((l) => !lines.some((x) => x.slice(1) === l))
        .join("\n"),
    );
  });

  it("weighted canaries: start, weigh, promote; the list-of-steps form becomes a map", () => {
    const start = edit(
      WEIGHTED,
      [
        { op: "canary-image", tag: "1.27.4" },
        { op: "canary-weight", weight: 10 },
      ],
      TRAEFIK,
    );
    expect(changed(start.diff)).toEqual(["+      image: nginx:1.27.4", "+      weight: 10"]);
    expect(start.text).toContain("steps: [10%, 50%, 100%]   # the plan");
    const promote = edit(start.text, [{ op: "canary-promote" }], TRAEFIK);
    expect(changed(promote.diff)).toEqual([
      "-  image: nginx:1.27.3",
      "+  image: nginx:1.27.4",
      "-      image: nginx:1.27.4",
      "-      weight: 10",
    ]);
    const list = WEIGHTED.replace("      steps: [10%, 50%, 100%]   # the plan\n", "").replace(
      "    canary:\n",
      "    canary: [10%, 100%]\n",
    );
    expect(edit(list, [{ op: "canary-image", image: "nginx:1.27.4" }], TRAEFIK).text).toContain(
      "    canary:\n      steps:\n        - 10%\n        - 100%\n      image: nginx:1.27.4\n",
    );
  });

  it("a per-environment canary image is the only line written: the app's rollout is not copied", () => {
    const r = edit(WEIGHTED, [{ op: "canary-image", tag: "1.27.4", env: "prod" }], TRAEFIK);
    expect(r.errors).toEqual([]);
    expect(changed(r.diff)).toEqual([
      "+  environments:",
      "+    prod:",
      "+      rollout:",
      "+        canary:",
      "+          image: nginx:1.27.4",
    ]);
  });

  it("removing the last key of an override removes the override", () => {
    const withEnv = edit(APP, [{ op: "env", name: "X", value: "1", env: "dev" }]).text;
    const back = edit(withEnv, [{ op: "unset-env", name: "X", env: "dev" }]);
    expect(back.text).toBe(APP);
  });

  it.each<[string, unknown[], ApplyContext, string]>([
    [
      "unknown environment",
      [{ op: "replicas", replicas: 2, env: "qa" }],
      ARGO,
      "unknown environment `qa` (the platform defines dev, prod)",
    ],
    [
      "field that cannot differ per environment",
      [{ op: "storage", name: "d", path: "/d", size: "1Gi" }].map((o) => ({ ...o })),
      ARGO,
      "",
    ],
    [
      "replicas while autoscaling",
      [{ op: "replicas", replicas: 5 }],
      ARGO,
      "replicas: autoscaling is on, so a fixed count would be ignored",
    ],
    [
      "credential literal",
      [{ op: "env", name: "GH_TOKEN", value: "ghp_0123456789abcdefghijABCDEFGHIJ012345" }],
      ARGO,
      "refusing a literal that looks like a credential",
    ],
    [
      "two env sources",
      [{ op: "env", name: "A", value: "1", fromConfigMap: { name: "c", key: "k" } }],
      ARGO,
      "give exactly one of value, fromSecret, fromConfigMap",
    ],
    [
      "weight without a weighted engine",
      [{ op: "canary-weight", weight: 10 }],
      ARGO,
      "the platform's progressive delivery is argo-rollouts",
    ],
    [
      "weight without a running canary",
      [{ op: "canary-weight", weight: 10 }],
      TRAEFIK,
      "no canary is running",
    ],
    [
      "unset a variable set for every environment in one",
      [{ op: "unset-env", name: "LOG_LEVEL", env: "dev" }],
      ARGO,
      "env LOG_LEVEL is set for every environment",
    ],
    ["min above max", [{ op: "autoscaling", min: 5, max: 2 }], ARGO, "min (5) is greater than max (2)"],
    ["bad tag", [{ op: "image", tag: "not a tag" }], ARGO, "is not a valid tag"],
    [
      "a private key in a file",
      [{ op: "file", path: "/k", content: "-----BEGIN RSA PRIVATE KEY-----\nabc\n" }],
      ARGO,
      "looks like a credential",
    ],
  ])("refuses %s, naming it, and changes nothing", (name, ops, ctx, message) => {
    const text = name.startsWith("weight") ? WEIGHTED : APP;
    const r = edit(text, ops, ctx);
    if (message === "") {
      expect(r.errors).toEqual([]);
      return;
    }
    expect(r.errors.map((e) => e.message).join("; ")).toContain(message);
    expect(r.text).toBe(text);
    expect(r.diff).toBe("");
  });

  it("ref renames a ConfigMap everywhere the app references it, comments kept; an unreferenced name fails", () => {
    const text = `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: web}
spec:
  image: nginx:1.27.3
  env:
    MODE: {config: web-settings, key: mode}   # from the settings
  files:
    /usr/share/nginx/html/index.html: {configMap: nginx-canary-html, key: index.html}
  rollout:
    canary:
      image: nginx:1.27.4
      files:
        /usr/share/nginx/html/index.html: {configMap: nginx-canary-html, key: index.html}
`;
    const r = edit(
      text,
      [{ op: "ref", kind: "configMap", from: "nginx-canary-html", to: "nginx-canary-config" }],
      TRAEFIK,
    );
    expect(r.errors).toEqual([]);
    expect(changed(r.diff)).toEqual([
      "-    /usr/share/nginx/html/index.html: {configMap: nginx-canary-html, key: index.html}",
      "+    /usr/share/nginx/html/index.html: {configMap: nginx-canary-config, key: index.html}",
      "-        /usr/share/nginx/html/index.html: {configMap: nginx-canary-html, key: index.html}",
      "+        /usr/share/nginx/html/index.html: {configMap: nginx-canary-config, key: index.html}",
    ]);
    expect(r.text).toContain("MODE: {config: web-settings, key: mode}   # from the settings");
    const none = edit(text, [{ op: "ref", kind: "secret", from: "nginx-canary-html", to: "x" }], TRAEFIK);
    expect(none.errors.map((e) => e.message).join()).toContain(
      "the app references no Secret `nginx-canary-html`",
    );
  });

  it("checks the result against the App schema", () => {
    const r = edit(APP, [{ op: "gate", successRate: "95" }]);
    expect(r.errors.map((e) => e.message).join()).toContain(
      "the result is not a valid App: spec.rollout.gate.successRate: must look like `>= 95%`",
    );
  });

  it("edits the App document of a multi-document file", () => {
    const text = `apiVersion: kintent.dev/v1alpha1\nkind: Platform\nmetadata: {name: p}\nspec: {environments: {dev: {cluster: x}}}\n---\n${APP}`;
    const parsed = parseOps([{ op: "port", port: 9090 }]);
    const r = editIntentText(text, "all.yaml", parsed.ops, ARGO, 1);
    expect(r.errors).toEqual([]);
    expect(changed(r.diff)).toEqual(["-  port: 8080", "+  port: 9090"]);
    expect(r.text.startsWith("apiVersion: kintent.dev/v1alpha1\nkind: Platform\n")).toBe(true);
  });
});

/** A weighted canary of 1.27.4 at 10%, declared for every environment. */
const RUNNING = WEIGHTED + "      image: nginx:1.27.4\n      weight: 10\n";
/** The app's canary has no image; prod runs its own canary. */
const PROD_ONLY = `${WEIGHTED}  environments:
    prod:
      rollout:
        canary: {image: nginx:1.27.4, weight: 30}
`;
const ENVS: ApplyContext = { environments: ["staging", "prod"], engine: "traefik-weighted" };
const ENV_CANARY = ["+  environments:", "+    prod:", "+      rollout:", "+        canary:"];

describe("per-environment rollout operations write only what they change", () => {
  it.each<[string, string, unknown[], ApplyContext, string[]]>([
    [
      "canary-weight",
      RUNNING,
      [{ op: "canary-weight", weight: 50, env: "prod" }],
      ENVS,
      [...ENV_CANARY, "+          weight: 50"],
    ],
    [
      "canary-image by tag, relative to the canary prod runs (the app's)",
      RUNNING,
      [{ op: "canary-image", tag: "1.27.5", env: "prod" }],
      ENVS,
      [...ENV_CANARY, "+          image: nginx:1.27.5"],
    ],
    [
      "canary-promote of the app's canary: prod's image, and no canary traffic in prod",
      RUNNING,
      [{ op: "canary-promote", env: "prod" }],
      ENVS,
      [
        "+  environments:",
        "+    prod:",
        "+      image: nginx:1.27.4",
        "+      rollout:",
        "+        canary:",
        "+          weight: 0",
      ],
    ],
    [
      "canary-abort of the app's canary: weight 0 in prod",
      RUNNING,
      [{ op: "canary-abort", env: "prod" }],
      ENVS,
      [...ENV_CANARY, "+          weight: 0"],
    ],
    [
      "canary-promote of prod's own canary: its image becomes prod's, its canary override goes",
      PROD_ONLY,
      [{ op: "canary-promote", env: "prod" }],
      ENVS,
      ["-      rollout:", "-        canary: {image: nginx:1.27.4, weight: 30}", "+      image: nginx:1.27.4"],
    ],
    [
      "canary-abort of prod's own canary: the override goes",
      PROD_ONLY,
      [{ op: "canary-abort", env: "prod" }],
      ENVS,
      [
        "-  environments:",
        "-    prod:",
        "-      rollout:",
        "-        canary: {image: nginx:1.27.4, weight: 30}",
      ],
    ],
    [
      "canary-weight over prod's own weight: one line",
      PROD_ONLY,
      [{ op: "canary-weight", weight: 60, env: "prod" }],
      ENVS,
      [
        "-        canary: {image: nginx:1.27.4, weight: 30}",
        "+        canary: {image: nginx:1.27.4, weight: 60}",
      ],
    ],
    [
      "rollout-steps",
      RUNNING,
      [{ op: "rollout-steps", steps: ["50%", "100%"], env: "prod" }],
      ENVS,
      [...ENV_CANARY, "+          steps:", "+            - 50%", "+            - 100%"],
    ],
    [
      "gate (Argo Rollouts)",
      APP,
      [{ op: "gate", p99: "< 300ms", env: "prod" }],
      ARGO,
      ["+  environments:", "+    prod:", "+      rollout:", "+        gate:", "+          p99: < 300ms"],
    ],
  ])("%s", (_name, text, ops, ctx, lines) => {
    const r = edit(text, ops, ctx);
    expect(r.errors).toEqual([]);
    expect(changed(r.diff)).toEqual(lines);
  });

  it("an aborted environment says so once: aborting again changes nothing", () => {
    const aborted = edit(RUNNING, [{ op: "canary-abort", env: "prod" }], ENVS).text;
    expect(edit(aborted, [{ op: "canary-abort", env: "prod" }], ENVS).text).toBe(aborted);
    // and canary-weight brings the traffic back, on the same line
    expect(changed(edit(aborted, [{ op: "canary-weight", weight: 20, env: "prod" }], ENVS).diff)).toEqual([
      "-          weight: 0",
      "+          weight: 20",
    ]);
  });

  it.each<[string, string, unknown[], string]>([
    [
      "weight without a canary in prod",
      WEIGHTED,
      [{ op: "canary-weight", weight: 10, env: "prod" }],
      "canary-weight: no canary is running in prod (start one with canary-image first)",
    ],
    [
      "promote without a canary in prod",
      WEIGHTED,
      [{ op: "canary-promote", env: "prod" }],
      "canary-promote: no canary is running in prod",
    ],
    [
      "abort without a canary in prod",
      WEIGHTED,
      [{ op: "canary-abort", env: "prod" }],
      "canary-abort: no canary is running in prod",
    ],
  ])("refuses %s", (_name, text, ops, message) => {
    const r = edit(text, ops, ENVS);
    expect(r.errors.map((e) => e.message)).toEqual([message]);
    expect(r.text).toBe(text);
  });
});
