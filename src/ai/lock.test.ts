import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLock, formatLock, parseInstructions, parseLock, sha256, upsertEntry } from "./lock.js";
import type { LockEntry } from "./lock.js";

const INSTRUCTIONS = "instructions: |\n  Deploy nginx with 2 replicas and a LoadBalancer service.\n";

function entry(source: string, text: string): LockEntry {
  return {
    source,
    hash: `sha256:${sha256(text)}`,
    model: "anthropic:claude-sonnet-4-5",
    kintentVersion: "0.1.0",
    files: [
      { path: "kintent.yaml", sha256: sha256("a") },
      { path: "extra/a.yaml", sha256: sha256("b") },
    ],
    tokens: { input: 100, output: 20 },
  };
}

const dirs: string[] = [];
function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "kintent-lock-"));
  dirs.push(d);
  for (const [f, t] of Object.entries(files)) writeFileSync(join(d, f), t);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("kintent.lock", () => {
  it("round-trips, deterministically (entries by source, files by path)", () => {
    const lock = upsertEntry(
      upsertEntry(undefined, entry("claudernetes.yaml", "x")),
      entry("claudernetes.md", "y"),
    );
    const text = formatLock(lock);
    expect(text.startsWith("# kintent.lock")).toBe(true);
    expect(text.indexOf("claudernetes.md")).toBeLessThan(text.indexOf("claudernetes.yaml"));
    expect(text.indexOf("extra/a.yaml")).toBeLessThan(text.indexOf("kintent.yaml\n"));
    const back = parseLock(text);
    expect(back.error).toBeUndefined();
    expect(formatLock(back.lock!)).toBe(text);
    // Replacing an entry keeps one per source.
    expect(upsertEntry(back.lock, entry("claudernetes.md", "z")).entries).toHaveLength(2);
  });

  it("rejects what it did not write", () => {
    expect(parseLock("lockVersion: 2\nentries: []\n").error).toMatch(/lockVersion 1/);
    expect(parseLock("entries: [\n").error).toMatch(/not valid YAML/);
  });

  it("checks instruction files against the lock: none, missing, locked, stale", () => {
    expect(checkLock(dir({})).status).toBe("none");
    const d = dir({ "claudernetes.yaml": INSTRUCTIONS });
    const missing = checkLock(d);
    expect(missing).toMatchObject({ status: "missing" });
    expect("message" in missing && missing.message).toMatch(/kintent ask --lock/);
    writeFileSync(
      join(d, "kintent.lock"),
      formatLock(upsertEntry(undefined, entry("claudernetes.yaml", INSTRUCTIONS))),
    );
    expect(checkLock(d).status).toBe("locked");
    writeFileSync(join(d, "claudernetes.yaml"), INSTRUCTIONS.replace("2 replicas", "3 replicas"));
    expect(checkLock(d)).toMatchObject({ status: "stale" });
    writeFileSync(join(d, "kintent.lock"), "nonsense: true\n");
    expect(checkLock(d).status).toBe("invalid");
  });

  it("reads instructions from YAML (`instructions:`) and Markdown (whole text)", () => {
    expect(parseInstructions("claudernetes.yaml", INSTRUCTIONS).instructions).toContain("Deploy nginx");
    expect(parseInstructions("claudernetes.yaml", "name: x\n").error).toMatch(/instructions: \|/);
    expect(parseInstructions("claudernetes.md", "# Redis\nA StatefulSet.\n").instructions).toContain(
      "StatefulSet",
    );
    expect(parseInstructions("claudernetes.md", "  \n").error).toBe("empty instructions");
  });
});
