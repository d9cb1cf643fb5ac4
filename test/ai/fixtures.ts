/** Shared helpers for the AI tests: temporary intent directories and scripted answers. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "../helpers.js";

export const SHOP = join(ROOT, "test/fixtures/ai/shop");
export const REDIS = readFileSync(join(ROOT, "test/fixtures/ai/redis.yaml"), "utf8");
export const ORIGINAL_SHOP = readFileSync(join(SHOP, "kintent.yaml"), "utf8");

const dirs: string[] = [];

/** A fresh copy of an intent directory (the shop by default). */
export function tempIntent(from = SHOP): string {
  const dir = mkdtempSync(join(tmpdir(), "kintent-ai-"));
  dirs.push(dir);
  cpSync(from, dir, { recursive: true });
  return dir;
}

export function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kintent-ai-"));
  dirs.push(dir);
  return dir;
}

export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every file of a directory (relative path → content), except the audit log: "nothing was written". */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (name === ".kintent") continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

export function auditLines(dir: string): Record<string, unknown>[] {
  const f = join(dir, ".kintent", "audit.log");
  if (!existsSync(f)) return [];
  return readFileSync(f, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The acceptance answer: 5 replicas in prod, a 1.5.0 canary at 10%. */
export const SCALE_AND_CANARY = {
  explanation: "Scale prod to 5 replicas and start a 1.5.0 canary taking 10% of the traffic.",
  operations: [
    { op: "replicas", replicas: 5, env: "prod" },
    { op: "canary-image", tag: "1.5.0" },
    { op: "canary-weight", weight: 10 },
  ],
};

export const REDIS_ANSWER = {
  explanation:
    "Add a Redis StatefulSet for the shop's sessions; the intent cannot express a second workload.",
  operations: [{ op: "env", name: "REDIS_URL", value: "redis://redis:6379" }],
  extra: {
    name: "redis",
    why: "Session cache for the shop: 3 replicas, 1Gi volumes, only the shop may connect.",
    manifests: `Here is the Redis setup you asked for:\n\n\`\`\`yaml\n${REDIS}\`\`\`\n\nIt uses a headless Service for the StatefulSet and a client Service for the app.\n`,
  },
};
