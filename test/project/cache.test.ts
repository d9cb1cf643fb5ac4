/**
 * The build cache never serves what a rebuild would not produce. A seeded random walk mutates a Git
 * monorepo — intents, the shared platform, a nearer platform appearing and going, extra/ files added, changed,
 * removed and swapped behind a symlink, `.kintent.yaml` severities, a Kyverno policy outside the app that the
 * configuration names, stray files, touches that change nothing, and returns to earlier states — and after
 * every step each app is built with the cache and without it: the results must be equal. The walk must also
 * hit (else it proves nothing) and each kind of mutation must have changed some result at least once (else a
 * cache ignoring that input would pass).
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { FLEET_PLATFORM, fleetApp } from "../../bench/fleet.js";
import { BuildCache, runFleetJob } from "../../src/project/index.js";
import type { FleetApp } from "../../src/project/index.js";
import { runSidecar, argoEnv } from "../cmp/sidecar.js";

const work = mkdtempSync(join(tmpdir(), "kintent-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const POLICY = (pattern: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  validationFailureAction: Enforce
  rules:
    - name: team-label
      match: {any: [{resources: {kinds: [Deployment, Rollout]}}]}
      validate:
        message: every workload names its team
        pattern: {metadata: {labels: {team: "${pattern}"}}}
`;

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A result without what only says where it came from. */
const same = (a: FleetApp) => ({ ...a, cached: undefined });

describe("build cache", () => {
  it("serves exactly what a rebuild produces through 150 random mutations of a monorepo", async () => {
    const repo = join(work, "repo");
    const cacheDir = join(work, "cache");
    mkdirSync(join(repo, "policies"), { recursive: true });
    execFileSync("git", ["init", "-q", repo]);
    writeFileSync(join(repo, "platform.yaml"), FLEET_PLATFORM);
    writeFileSync(join(repo, "policies", "team.yaml"), POLICY("team-*"));
    const apps = ["apps/a", "apps/b", "c"];
    apps.forEach((rel, i) => {
      mkdirSync(join(repo, rel, "extra"), { recursive: true });
      writeFileSync(join(repo, rel, "kintent.yaml"), stringify(fleetApp(i)));
    });
    writeFileSync(join(repo, "apps/a/.kintent.yaml"), "policies: [../../policies]\n");
    writeFileSync(
      join(repo, "apps/a/extra/one.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {k: v}\n",
    );
    writeFileSync(
      join(repo, "apps/a/extra/blue.txt"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blue}\ndata: {c: blue}\n",
    );
    writeFileSync(
      join(repo, "apps/a/extra/green.txt"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: green}\ndata: {c: green}\n",
    );

    const r = rand(17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const snapshots: string[] = [];
    const mutations: Record<string, () => void> = {
      intent: () => {
        const app = pick(apps);
        const i = apps.indexOf(app);
        const a = fleetApp(i);
        a.spec.image = `ghcr.io/acme/x:1.${Math.floor(r() * 3)}`;
        if (r() < 0.5) a.metadata.labels = { team: pick(["team-1", "platform", "team-2"]) };
        writeFileSync(join(repo, app, "kintent.yaml"), stringify(a));
      },
      platform: () =>
        writeFileSync(
          join(repo, "platform.yaml"),
          r() < 0.5
            ? FLEET_PLATFORM
            : FLEET_PLATFORM.replace("replicas: 1", `replicas: ${1 + Math.floor(r() * 3)}`),
        ),
      "nearer-platform": () => {
        const p = join(repo, "apps", "platform.yaml");
        if (existsSync(p)) unlinkSync(p);
        else writeFileSync(p, FLEET_PLATFORM.replace("namespace: apps-dev", "namespace: apps-dev-2"));
      },
      extra: () => {
        const app = pick(apps);
        const f = join(repo, app, "extra", `x${Math.floor(r() * 2)}.yaml`);
        if (existsSync(f) && r() < 0.5) unlinkSync(f);
        else
          writeFileSync(
            f,
            `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x-${Math.floor(r() * 3)}}\ndata: {v: "${Math.floor(r() * 3)}"}\n`,
          );
      },
      symlink: () => {
        const link = join(repo, "apps/a/extra/linked.yaml");
        if (existsSync(link)) unlinkSync(link);
        symlinkSync(pick(["blue.txt", "green.txt"]), link);
      },
      config: () =>
        writeFileSync(
          join(repo, "apps/a/.kintent.yaml"),
          `policies: [../../policies]\nchecks:\n  minimum-replicas: ${pick(["off", "error", "warning"])}\n`,
        ),
      policy: () =>
        writeFileSync(join(repo, "policies", "team.yaml"), POLICY(pick(["team-*", "platform", "?*"]))),
      stray: () => writeFileSync(join(repo, pick(apps), "NOTES.md"), `note ${r()}\n`),
      touch: () => {
        const f = join(repo, pick(apps), "kintent.yaml");
        const t = new Date(Date.now() + Math.floor(r() * 1e6));
        utimesSync(f, t, t);
      },
      revert: () => {
        if (snapshots.length === 0) return;
        const snap = pick(snapshots);
        for (const d of ["apps", "c", "policies"]) rmSync(join(repo, d), { recursive: true, force: true });
        for (const d of ["apps", "c", "policies"])
          cpSync(join(snap, d), join(repo, d), { recursive: true, verbatimSymlinks: true });
        cpSync(join(snap, "platform.yaml"), join(repo, "platform.yaml"));
      },
    };
    const kinds = Object.keys(mutations);
    const changed = new Set<string>();
    const previous = new Map<string, FleetApp>();
    let hits = 0;
    let builds = 0;
    for (let step = 0; step < 150; step++) {
      const kind = step < kinds.length ? (kinds[step] as string) : pick(kinds);
      mutations[kind]?.();
      if (step % 10 === 0) {
        const snap = join(work, `snap-${step}`);
        cpSync(repo, snap, { recursive: true, verbatimSymlinks: true, filter: (s) => !s.includes(".git") });
        snapshots.push(snap);
      }
      for (const app of apps) {
        const job = { dir: join(repo, app), open: { cwd: repo }, emit: "explain" as const };
        const cached = await runFleetJob({ ...job, cacheDir });
        const fresh = await runFleetJob(job);
        await BuildCache.flushAll();
        builds++;
        if (cached.cached) hits++;
        expect(same(cached), `step ${step} (${kind}) ${app}`).toEqual(same(fresh));
        const before = previous.get(app);
        if (before && JSON.stringify(same(before)) !== JSON.stringify(same(fresh))) changed.add(kind);
        previous.set(app, fresh);
      }
    }
    // The walk hit the cache often (touches, strays in other apps, reverts) and missed where it had to.
    expect(hits).toBeGreaterThan(builds / 4);
    expect(hits).toBeLessThan(builds);
    for (const k of [
      "intent",
      "platform",
      "nearer-platform",
      "extra",
      "symlink",
      "config",
      "policy",
      "revert",
    ])
      expect(
        changed,
        `no ${k} mutation changed a result: the walk would not catch a cache ignoring it`,
      ).toContain(k);
  });

  it("serves the Argo CD plugin from the cache, and rebuilds when the intent changes", async () => {
    const src = join(work, "cmp-app");
    mkdirSync(src);
    writeFileSync(join(src, "platform.yaml"), FLEET_PLATFORM);
    writeFileSync(join(src, "kintent.yaml"), stringify(fleetApp(3)));
    const cacheDir = join(work, "cmp-cache");
    const env = {
      ...argoEnv({ name: "svc-prod", path: "cmp-app", env: "prod" }),
      KINTENT_CACHE_DIR: cacheDir,
    };
    const first = await runSidecar(["cmp", "generate"], { cwd: src, env });
    expect(first.code, first.stderr).toBe(0);
    const entries = () =>
      execFileSync("find", [cacheDir, "-name", "*.json"], { encoding: "utf8" })
        .trim()
        .split("\n")
        .filter(Boolean);
    expect(entries()).toHaveLength(1);
    // A hit is what is served: an entry changed behind kintent's back shows up verbatim.
    const file = entries()[0] as string;
    const entry = JSON.parse(readFileSync(file, "utf8")) as { value: { stdout: string } };
    expect(entry.value.stdout).toBe(first.stdout);
    entry.value.stdout = first.stdout.replace("svc-0003", "served-from-cache");
    writeFileSync(file, JSON.stringify(entry));
    const second = await runSidecar(["cmp", "generate"], { cwd: src, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("served-from-cache");
    expect(second.stderr).toBe(first.stderr);
    // Another revision with the same content is the same entry; a changed intent is a rebuild.
    const third = await runSidecar(["cmp", "generate"], {
      cwd: src,
      env: { ...env, ARGOCD_APP_REVISION: "0".repeat(40) },
    });
    expect(third.stdout).toContain("served-from-cache");
    writeFileSync(
      join(src, "kintent.yaml"),
      stringify({ ...fleetApp(3), spec: { ...fleetApp(3).spec, port: 9999 } }),
    );
    const fourth = await runSidecar(["cmp", "generate"], { cwd: src, env });
    expect(fourth.code).toBe(0);
    expect(fourth.stdout).not.toContain("served-from-cache");
    expect(fourth.stdout).toContain("9999");
    // KINTENT_CACHE=off: never read.
    const off = await runSidecar(["cmp", "generate"], { cwd: src, env: { ...env, KINTENT_CACHE: "off" } });
    expect(off.stdout).toBe(fourth.stdout);
  });
});
