/**
 * The rollout commands read the cluster the environment names, like diagnose, status and watch: a platform
 * environment's `context` is used unless `--context` says otherwise (src/cluster/target.ts).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLES, runCli } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kintent-rollout-ctx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const git = (...args: string[]) =>
  spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });

describe("kintent rollout status and the environment's kubeconfig context", () => {
  it("uses the platform's context for the environment; --context wins", async () => {
    cpSync(join(EXAMPLES, "production"), dir, { recursive: true });
    const platform = readFileSync(join(dir, "platform.yaml"), "utf8");
    const withContext = platform.replace(
      "      cluster: https://prod-eks.acme.internal\n",
      "      cluster: https://prod-eks.acme.internal\n      context: prod-eks\n",
    );
    expect(withContext).not.toBe(platform);
    writeFileSync(join(dir, "platform.yaml"), withContext);
    // A kubeconfig without that context: reading it says so before any request is made.
    writeFileSync(
      join(dir, "kc.yaml"),
      [
        "apiVersion: v1",
        "kind: Config",
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: other, context: {cluster: c, user: u}}]",
        "current-context: other",
        "",
      ].join("\n"),
    );
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "production");
    const r = await runCli(["rollout", "status", ".", "--env", "prod", "--kubeconfig", "kc.yaml"], {
      cwd: dir,
      env: { HOME: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the kubeconfig has no context `prod-eks` (it has: other)");
    const other = await runCli(
      ["rollout", "status", ".", "--env", "prod", "--kubeconfig", "kc.yaml", "--context", "nope"],
      { cwd: dir, env: { HOME: dir } },
    );
    expect(other.stderr).toContain("the kubeconfig has no context `nope`");
  });
});
