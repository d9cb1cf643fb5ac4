import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openProject } from "../../src/project/index.js";
import type { OpenProjectOptions } from "../../src/project/index.js";

const buildIntent = async (dir: string, o: OpenProjectOptions & { env: string }) =>
  (await openProject(dir, o)).build(o.env);
import { ROOT, find, runCli } from "../helpers.js";

const SHOP = join(ROOT, "test/fixtures/ai/shop");
const REDIS = readFileSync(join(ROOT, "test/fixtures/ai/redis.yaml"), "utf8");

const dirs: string[] = [];
function shopCopy(extra?: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kintent-extra-"));
  dirs.push(dir);
  cpSync(SHOP, dir, { recursive: true });
  if (extra) {
    mkdirSync(join(dir, "extra"));
    for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, "extra", name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("extra/ manifests in a build", () => {
  it("join the owner's objects in the environment's namespace, labelled and explained, and validate clean", async () => {
    const dir = shopCopy({ "redis.yaml": REDIS });
    for (const [env, ns] of [
      ["prod", "shop"],
      ["staging", "shop-staging"],
    ] as const) {
      const b = await buildIntent(dir, { cwd: dir, env });
      expect(b.errors).toEqual([]);
      expect(b.findings.filter((f) => f.severity === "error")).toEqual([]);
      const objects = b.objects;
      const sts = find(objects, "StatefulSet", "redis", ns);
      expect(sts.metadata.labels).toMatchObject({
        "app.kubernetes.io/part-of": "shop",
        "app.kubernetes.io/managed-by": "kintent",
        "kintent.dev/environment": env,
        team: "web",
      });
      // Apply order: the ConfigMap before the StatefulSet, the NetworkPolicy after it.
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds.indexOf("ConfigMap/redis-config")).toBeLessThan(kinds.indexOf("StatefulSet/redis"));
      expect(kinds.indexOf("StatefulSet/redis")).toBeLessThan(kinds.indexOf("NetworkPolicy/redis"));
      const decisions = b.decisions.filter((d) => d.object.name === "redis");
      expect(decisions.some((d) => d.why.startsWith("extra manifest (extra/redis.yaml)"))).toBe(true);
    }
    expect((await openProject(dir)).inputs).toContain("extra/redis.yaml");
  });

  it("are validated on every build, with positions in the extra file", async () => {
    const dir = shopCopy({
      "redis.yaml": REDIS.replace("allowPrivilegeEscalation: false", "privileged: true"),
    });
    const r = await runCli(["build", ".", "--env", "prod"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("extra/redis.yaml");
    expect(r.stderr).toMatch(/\d+:\d+\s+error\s+container `redis` runs privileged/);
  });

  it("need an owner when the directory holds several apps", async () => {
    const dir = shopCopy({ "redis.yaml": REDIS });
    writeFileSync(
      join(dir, "admin.kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: admin, labels: {team: web}}\nspec: {image: ghcr.io/acme/admin:1.0.0, port: 8080, probe: /healthz}\n",
    );
    const b = await buildIntent(dir, { cwd: dir, env: "prod" });
    expect(b.errors.map((e) => e.messageId)).toContain("extra-owner");
    expect(b.errors[0]?.loc?.file).toBe("extra/redis.yaml");
    // Labelled, they go to their owner only.
    const labelled = REDIS.replace(
      /metadata:\n {2}name: (.*)\n/g,
      "metadata:\n  name: $1\n  labels: {app.kubernetes.io/part-of: shop}\n",
    );
    writeFileSync(join(dir, "extra", "redis.yaml"), labelled);
    const ok = await buildIntent(dir, { cwd: dir, env: "prod" });
    expect(ok.errors).toEqual([]);
    const byApp = Object.fromEntries(
      ok.apps.map((a) => [a.result.app, a.result.objects.map((o) => o.metadata.name)]),
    );
    expect(byApp.shop).toContain("redis");
    expect(byApp.admin).not.toContain("redis");
  });

  it("report YAML errors and non-objects as intent errors", async () => {
    const dir = shopCopy({
      "bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n",
      "list.yaml": "- a\n- b\n",
    });
    const b = await buildIntent(dir, { cwd: dir, env: "prod" });
    expect(b.objects).toEqual([]);
    expect(b.errors.map((e) => `${e.loc?.file}:${e.messageId}`).sort()).toEqual(
      expect.arrayContaining(["extra/bad.yaml:syntax", "extra/list.yaml:extra-not-an-object"]),
    );
  });
});

describe("loading with an overlay", () => {
  it("compiles edited and added files without writing them", async () => {
    const dir = shopCopy();
    const original = readFileSync(join(dir, "kintent.yaml"), "utf8");
    const overlay = new Map([
      [join(dir, "kintent.yaml"), original.replace("replicas: 3", "replicas: 5")],
      [join(dir, "extra", "redis.yaml"), REDIS],
    ]);
    const b = await buildIntent(dir, { cwd: dir, env: "prod", overlay });
    const objects = b.objects;
    expect(find(objects, "Deployment", "shop", "shop").spec).toMatchObject({ replicas: 5 });
    expect(find(objects, "StatefulSet", "redis", "shop")).toBeDefined();
    expect(readFileSync(join(dir, "kintent.yaml"), "utf8")).toBe(original);
  });
});
