/** `kintent set`: deterministic intent edits from the command line, end to end. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openProject } from "../../src/project/index.js";
import { getAt } from "../../src/core/json-pointer.js";
import { find, runCli } from "../helpers.js";
import { cleanupDirs, ORIGINAL_SHOP, SHOP, snapshot, tempIntent } from "./fixtures.js";

afterEach(cleanupDirs);

async function set(dir: string, ...args: string[]) {
  return runCli(["set", ...args], { cwd: dir });
}
const read = (dir: string) => readFileSync(join(dir, "kintent.yaml"), "utf8");

describe("kintent set", () => {
  it("replicas per environment: one line changes, its comment stays; the manifest diff is shown", async () => {
    const dir = tempIntent();
    const r = await set(dir, "replicas", "5", "--env", "prod");
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toBe(
      ORIGINAL_SHOP.replace(
        "replicas: 3                  # three zones",
        "replicas: 5                  # three zones",
      ),
    );
    expect(r.stdout).toContain(
      "# manifests, environment prod: 0 added, 1 changed, 0 removed\n  ~ Deployment shop/shop\n      spec.replicas: 3 → 5\n",
    );
    expect(r.stdout).toContain("# manifests, environment staging: 0 added, 0 changed, 0 removed");
    expect(r.stderr).toContain("kintent: wrote kintent.yaml");
  });

  it("image tag only, keeping the registry and the trailing comment", async () => {
    const dir = tempIntent();
    const r = await set(dir, "image", ":1.5.0", "-m", "release 1.5.0");
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain("  image: ghcr.io/acme/shop:1.5.0   # bumped by CI on every release\n");
    expect(read(dir)).toContain("    image: release 1.5.0\n");
    expect(r.stdout).toContain(
      "spec.template.spec.containers[shop].image: ghcr.io/acme/shop:1.4.2 → ghcr.io/acme/shop:1.5.0",
    );
  });

  it("the diffs leave through the redactor: the project's KINTENT_REDACT patterns are masked in text and JSON", async () => {
    const dir = tempIntent();
    const env = { KINTENT_REDACT: "ACME-[0-9]{6}" };
    const text = await runCli(["set", "image", ":ACME-739184", "--dry-run"], { cwd: dir, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("[REDACTED:configured-pattern]");
    expect(text.stdout).not.toContain("ACME-739184");
    const json = await runCli(["set", "image", ":ACME-739184", "--dry-run", "--output", "json"], {
      cwd: dir,
      env,
    });
    expect(json.stdout).toContain("[REDACTED:configured-pattern]");
    expect(json.stdout).not.toContain("ACME-739184");
    // Without the pattern the same change is shown as is (the redactor is what masks it).
    const plain = await runCli(["set", "image", ":ACME-739184", "--dry-run"], { cwd: dir });
    expect(plain.stdout).toContain("ACME-739184");
  });

  it("env: literals, removal, references; a credential-looking literal is refused", async () => {
    const dir = tempIntent();
    expect((await set(dir, "env", "FEATURE_X=on", "LOG_LEVEL-")).code).toBe(0);
    expect(read(dir)).toContain('    FEATURE_X: "on"\n');
    expect(read(dir)).not.toContain("LOG_LEVEL");
    expect((await set(dir, "env", "SMTP_PASSWORD", "--from-secret", "shop-smtp:password")).code).toBe(0);
    expect(read(dir)).toContain("SMTP_PASSWORD:\n      secret: shop-smtp\n      key: password\n");
    const before = snapshot(dir);
    const bad = await set(dir, "env", "API_TOKEN=abcd1234efgh5678");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "env API_TOKEN: refusing a literal that looks like a credential; reference a Secret with fromSecret",
    );
    expect(bad.stderr).not.toContain("abcd1234efgh5678");
    expect(snapshot(dir)).toEqual(before);
  });

  it("resources: a profile becomes a map with overrides; the comment moves to the key", async () => {
    const dir = tempIntent();
    const r = await set(dir, "resources", "--limit-memory", "512Mi");
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain(
      "  resources:                       # p99 CPU is 60m; small is plenty\n    profile: small\n    limits:\n      memory: 512Mi\n",
    );
  });

  it("autoscaling, expose off, tier per environment", async () => {
    const dir = tempIntent();
    expect((await set(dir, "autoscaling", "3-9", "--cpu", "70%", "--env", "prod")).code).toBe(0);
    // A pinned count would switch the autoscaler off: it goes, the HPA owns the replicas.
    expect(read(dir)).toContain(
      "    prod:\n      autoscaling:\n        min: 3\n        max: 9\n        cpu: 70%\n",
    );
    expect(read(dir)).not.toContain("three zones");
    const pinned = await set(dir, "replicas", "4", "--env", "prod");
    expect(pinned.code).toBe(2);
    expect(pinned.stderr).toContain("replicas: autoscaling is on in prod");
    // A weighted canary needs the ingress: the resolver refuses, with the position in the edited file.
    const off = await set(dir, "expose", "off", "--env", "staging");
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(
      /kintent\.yaml\n\s+\d+:\d+\s+error\s+weighted routing \(traefik-weighted\) splits traffic at the ingress/,
    );
    expect(off.stderr).toContain("the change makes the intent invalid; nothing written");
    const r = await set(dir, "tier", "dev", "--env", "staging");
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain("    staging:\n      tier: dev\n");
    expect(r.stdout).toMatch(/- PodDisruptionBudget shop-staging\/shop\n/);
  });

  it("weighted canary verbs: image, weight, promote", async () => {
    const dir = tempIntent();
    expect((await set(dir, "canary-weight", "10")).stderr).toContain(
      "no canary is running (start one with canary-image first)",
    );
    expect((await set(dir, "canary-image", ":1.5.0")).code).toBe(0);
    const w = await set(dir, "canary-weight", "10%");
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain("spec.weighted.services[shop].weight: 100 → 90");
    const p = await set(dir, "canary-promote");
    expect(p.code, p.stderr).toBe(0);
    expect(read(dir)).toContain("  image: ghcr.io/acme/shop:1.5.0   # bumped by CI on every release\n");
    expect(read(dir)).not.toContain("weight:");
  });

  it("a canary weight for prod writes only prod's weight, so a later canary image still reaches prod", async () => {
    const dir = tempIntent();
    expect((await set(dir, "canary-image", ":1.5.0")).code).toBe(0);
    expect((await set(dir, "canary-weight", "10")).code).toBe(0);
    const prod = await set(dir, "canary-weight", "50", "--env", "prod");
    expect(prod.code, prod.stderr).toBe(0);
    // The intent diff is the weight and the keys leading to it: no copy of the app's canary.
    expect(prod.stdout.split("\n").filter((l) => /^[-+] /.test(l))).toEqual([
      "+      rollout:",
      "+        canary:",
      "+          weight: 50",
    ]);
    expect(prod.stdout).toContain("spec.weighted.services[shop-canary].weight: 10 → 50");
    expect(prod.stdout).toContain("# manifests, environment staging: 0 added, 0 changed, 0 removed");
    const next = await set(dir, "canary-image", ":2.0.0");
    expect(next.code, next.stderr).toBe(0);
    // The canary's objects (and only they) change: its image and its version label.
    expect(next.stdout).toContain("# manifests, environment prod: 0 added, 3 changed, 0 removed\n");
    expect(next.stdout).toContain(
      '  ~ Deployment shop/shop-canary\n      metadata.labels["app.kubernetes.io/version"]: 1.5.0 → 2.0.0\n',
    );
    expect(next.stdout).not.toMatch(/~ \w+ shop\/shop\n/);
    expect(next.stdout).toContain(
      "spec.template.spec.containers[shop].image: ghcr.io/acme/shop:1.5.0 → ghcr.io/acme/shop:2.0.0",
    );
    const built = (await openProject(dir, { cwd: dir })).build("prod", { validate: false });
    expect(built.errors).toEqual([]);
    const objects = built.objects;
    expect(
      getAt(find(objects, "Deployment", "shop-canary", "shop"), "/spec/template/spec/containers/0/image"),
    ).toBe("ghcr.io/acme/shop:2.0.0");
    expect(getAt(find(objects, "TraefikService", "shop-wrr", "shop"), "/spec/weighted/services")).toEqual([
      { name: "shop", port: 8080, weight: 50 },
      { name: "shop-canary", port: 8080, weight: 50 },
    ]);
  });

  it("canary-abort and canary-promote for one environment leave the others' canary running", async () => {
    const dir = tempIntent();
    await set(dir, "canary-image", ":1.5.0");
    await set(dir, "canary-weight", "10");
    const abort = await set(dir, "canary-abort", "--env", "prod");
    expect(abort.code, abort.stderr).toBe(0);
    expect(abort.stdout).toContain("spec.weighted.services[shop-canary].weight: 10 → 0");
    expect(abort.stdout).toContain("# manifests, environment staging: 0 added, 0 changed, 0 removed");
    const promote = await set(dir, "canary-promote", "--env", "staging");
    expect(promote.code, promote.stderr).toBe(0);
    expect(read(dir)).toContain(
      "    staging:\n      image: ghcr.io/acme/shop:1.5.0\n      rollout:\n        canary:\n          weight: 0\n",
    );
    expect(read(dir)).toContain("      image: ghcr.io/acme/shop:1.5.0\n      weight: 10\n");
    expect(promote.stdout).toContain("# manifests, environment prod: 0 added, 0 changed, 0 removed");
  });

  it("refuses to write a result with error findings (exit 1)", async () => {
    const dir = tempIntent();
    const before = snapshot(dir);
    const r = await set(dir, "security", "--privileged", "on", "-m", "debugging");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("privileged-container");
    expect(r.stderr).toContain("refusing to write: the result has error findings");
    expect(snapshot(dir)).toEqual(before);
  });

  it("--dry-run, no-op changes, and JSON output", async () => {
    const dir = tempIntent();
    const before = snapshot(dir);
    const dry = await set(dir, "tier", "production", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+  tier: production");
    expect(snapshot(dir)).toEqual(before);
    const same = await set(dir, "replicas", "3", "--env", "prod");
    expect(same.code).toBe(0);
    expect(same.stderr).toContain("already says that; nothing to change");
    const json = await set(dir, "replicas", "4", "--env", "prod", "--output", "json", "--dry-run");
    const out = JSON.parse(json.stdout) as {
      status: string;
      environments: { env: string; changes: unknown[] }[];
    };
    expect(out.status).toBe("dry-run");
    expect(out.environments.find((e) => e.env === "prod")?.changes).toHaveLength(1);
  });

  it("ops: a JSON/YAML list of operations — the model's schema — with named errors", async () => {
    const dir = tempIntent();
    writeFileSync(
      join(dir, "ops.yaml"),
      "- {op: replicas, replicas: 5, env: prod}\n- {op: label, key: cost-center, value: cc-1}\n",
    );
    const r = await set(dir, "ops", "ops.yaml");
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain("    cost-center: cc-1\n");
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify([{ op: "replicas", replicas: 5, zone: "a" }, { op: "nuke" }]),
    );
    const bad = await set(dir, "ops", "bad.json");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("operation 1 (replicas): unknown field(s) `zone` for operation `replicas`");
    expect(bad.stderr).toContain("operation 2 (nuke): unknown operation `nuke`");
  });

  it("usage errors: unknown environment, several apps without --app", async () => {
    const dir = tempIntent();
    const env = await set(dir, "replicas", "2", "--env", "qa");
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("unknown environment `qa` (the platform defines staging, prod)");
    writeFileSync(
      join(dir, "admin.kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: admin}\nspec: {image: ghcr.io/acme/admin:1.0.0}\n",
    );
    const several = await set(dir, "replicas", "2");
    expect(several.code).toBe(2);
    expect(several.stderr).toContain("the directory holds several apps (admin, shop): choose one with --app");
    expect((await set(dir, "replicas", "2", "--app", "admin")).code).toBe(0);
    expect(readFileSync(join(dir, "admin.kintent.yaml"), "utf8")).toContain(
      "spec: {image: ghcr.io/acme/admin:1.0.0, replicas: 2}",
    );
  });

  it("-C points at the intent directory", async () => {
    const dir = tempIntent();
    const r = await runCli(["set", "replicas", "4", "-e", "prod", "-C", dir], { cwd: SHOP });
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir)).toContain("replicas: 4");
  });
});
