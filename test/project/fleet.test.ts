/**
 * Fleets: `kintent build --all ROOT` and `kintent validate ROOT` over a monorepo of apps sharing a platform.
 * The same engine as `kintent build` for one app (byte for byte), the same result on one thread, on worker
 * threads (the built CLI, `-j 2`) and from the build cache; failures stop writing as `kintent build` does.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { FLEET_ENVIRONMENTS, FLEET_PLATFORM, fleetApp } from "../../bench/fleet.js";
import { runCli } from "../helpers.js";
import { runSidecar } from "../cmp/sidecar.js";

let root: string;
let work: string;
/** App directories relative to the root, sorted as the fleet reads them. */
const APPS = ["svc-0000", "svc-0001", "svc-0002", "team-a/svc-0003", "team-a/svc-0004", "team-b/web"];

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== ".kintent-generated") out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kintent-fleet-"));
  root = join(work, "repo");
  mkdirSync(root);
  writeFileSync(join(root, "platform.yaml"), FLEET_PLATFORM);
  APPS.slice(0, 5).forEach((rel, i) => {
    mkdirSync(join(root, rel), { recursive: true });
    writeFileSync(join(root, rel, "kintent.yaml"), stringify(fleetApp(i)));
  });
  // An app with its own extra/ manifest, its own checks (a custom check) and a directory that is not an app.
  const web = join(root, "team-b", "web");
  mkdirSync(join(web, "extra"), { recursive: true });
  writeFileSync(join(web, "kintent.yaml"), stringify({ ...fleetApp(5), metadata: { name: "web" } }));
  writeFileSync(
    join(web, "extra", "settings.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-settings\ndata:\n  mode: fast\n",
  );
  writeFileSync(
    join(web, ".kintent.yaml"),
    "customChecks:\n  - id: nine-replicas\n    template: minimum-replicas\n    params: {min: 9, productionOnly: false}\n    severity: warning\n",
  );
  mkdirSync(join(root, "docs"));
  writeFileSync(join(root, "docs", "README.md"), "not an app\n");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("kintent build --all", () => {
  it("writes every app × environment exactly as `kintent build` does for each, with one report", async () => {
    const out = join(work, "out-a");
    const all = await runCli(["build", "--all", root, "--out", out, "-j", "1"], { cwd: work });
    expect(all.stderr).toContain("6 app(s), 18 environment build(s)");
    expect(all.code).toBe(0);
    const files = tree(out);
    expect([...files.keys()].sort()).toEqual(
      APPS.flatMap((a) => FLEET_ENVIRONMENTS.map((e) => `${a}/${e}.yaml`)).sort(),
    );
    for (const app of APPS)
      for (const env of FLEET_ENVIRONMENTS) {
        const one = await runCli(["build", join(root, app), "--env", env], { cwd: work });
        expect(one.code).toBe(0);
        expect(files.get(`${app}/${env}.yaml`), `${app} ${env}`).toBe(one.stdout);
      }
    // The extra/ manifest and the app's custom check went through the same engine.
    expect(files.get("team-b/web/prod.yaml")).toContain("name: web-settings");
    expect(all.stderr).toContain("nine-replicas");
    expect(all.stderr).toContain("(repo/team-b/web, env dev)");

    const explained = await runCli(
      ["build", "--all", root, "--out", join(work, "out-x"), "--explain", "-e", "prod"],
      {
        cwd: work,
      },
    );
    expect(explained.code).toBe(0);
    const one = await runCli(["build", join(root, "svc-0001"), "--env", "prod", "--explain"], { cwd: work });
    expect(readFileSync(join(work, "out-x", "svc-0001", "prod.yaml"), "utf8")).toBe(one.stdout);
    expect(existsSync(join(work, "out-x", "svc-0001", "dev.yaml"))).toBe(false);
  });

  it("gives the same bytes on worker threads and from the build cache as on one thread", async () => {
    const single = join(work, "out-single");
    expect(
      (await runCli(["build", "--all", root, "--out", single, "-j", "1", "--no-cache"], { cwd: work })).code,
    ).toBe(0);
    const cacheDir = join(work, "cache");
    const env = { PATH: process.env.PATH, HOME: work, KINTENT_CACHE_DIR: cacheDir };
    const threads = await runSidecar(
      ["build", "--all", root, "--out", join(work, "out-threads"), "-j", "2"],
      {
        cwd: work,
        env,
      },
    );
    expect(threads.code, threads.stderr).toBe(0);
    expect(threads.stderr).not.toContain("build cache");
    const cached = await runSidecar(["build", "--all", root, "--out", join(work, "out-cached"), "-j", "2"], {
      cwd: work,
      env,
    });
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stderr).toContain("6 app(s) unchanged (build cache)");
    expect(tree(join(work, "out-threads"))).toEqual(tree(single));
    expect(tree(join(work, "out-cached"))).toEqual(tree(single));
    // Findings are reported the same way by each.
    const strip = (s: string) =>
      s.replace(/; 6 app\(s\) unchanged \(build cache\)/, "").replace(/out-\w+/g, "OUT");
    expect(strip(cached.stderr)).toBe(strip(threads.stderr));
  });

  it("validate ROOT reports the same on one thread, on worker threads and from the cache", async () => {
    const one = await runCli(["validate", root, "-f", "json", "-j", "1", "--no-cache"], { cwd: work });
    expect(one.code).toBe(0);
    const report = JSON.parse(one.stdout) as {
      summary: { objects: number };
      findings: { message: string }[];
    };
    expect(report.summary.objects).toBeGreaterThan(80);
    expect(report.findings.some((f) => f.message.includes("(repo/team-b/web, env prod)"))).toBe(true);
    const env = { PATH: process.env.PATH, HOME: work, KINTENT_CACHE_DIR: join(work, "cache-v") };
    for (let i = 0; i < 2; i++) {
      const threads = await runSidecar(["validate", root, "-f", "json", "-j", "2"], { cwd: work, env });
      expect(threads.code, threads.stderr).toBe(0);
      expect(threads.stdout).toBe(one.stdout);
    }
  });

  it("writes nothing when an app's intent is invalid (exit 2) or a finding is an error (exit 1)", async () => {
    const broken = join(work, "broken");
    cpSync(root, broken, { recursive: true });
    writeFileSync(
      join(broken, "svc-0001", "kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: x}\nspec: {port: nope}\n",
    );
    const out = join(work, "out-broken");
    const r = await runCli(["build", "--all", broken, "--out", out], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken/svc-0001/kintent.yaml");
    expect(r.stderr).toContain("1 app(s) could not be built; nothing written");
    expect(existsSync(out)).toBe(false);

    // An error finding: an extra manifest with an invalid field.
    cpSync(join(root, "svc-0001"), join(broken, "svc-0001"), { recursive: true });
    writeFileSync(
      join(broken, "team-b", "web", "extra", "bad.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: 1\n",
    );
    const f = await runCli(["build", "--all", broken, "--out", out], { cwd: work });
    expect(f.code).toBe(1);
    expect(f.stderr).toContain("refusing to write manifests with error findings");
    expect(existsSync(out)).toBe(false);
    const allowed = await runCli(["build", "--all", broken, "--out", out, "--allow-invalid"], { cwd: work });
    expect(allowed.code).toBe(1);
    expect(tree(out).size).toBe(18);
  });

  it("refuses flags that do not go with --all, and bad --jobs", async () => {
    for (const args of [
      ["build", "--all", root, "--format", "helm"],
      ["build", "--all", root, "--app", "web"],
      ["build", "--all", root, "-j", "0"],
      ["build", root, "-j", "2"],
      ["build", "--all", join(work, "nowhere")],
      ["build", "--all", join(root, "docs")],
    ]) {
      const r = await runCli(args, { cwd: work });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
    }
  });
});
