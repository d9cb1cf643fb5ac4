/**
 * Issue 16, defects 1 and 6: object names and kinds are data, never paths; `--out` survives a SIGKILL between
 * its two renames, cleans up after itself and does not silently replace a symlink.
 */
import type { KObject } from "../../src/core/object.js";
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  OUTPUT_MARKER,
  OutputDirError,
  objectFileNames,
  recoverOutputDir,
  writeDirAtomic,
} from "../../src/render/files.js";
import { ROOT, runCli } from "../helpers.js";

const roots: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "kintent-h16-out-"));
  roots.push(d);
  return d;
};
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** Every file under `dir` (relative paths), hidden ones included. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, pre: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${pre}${e.name}/`);
      else out.push(`${pre}${e.name}`);
    }
  };
  walk(dir, "");
  return out.sort();
}

const obj = (kind: string, name: string, namespace?: string): KObject => ({
  apiVersion: "v1",
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe("object names and kinds are data, never paths", () => {
  it("derives file names that are plain components, distinct for distinct objects", () => {
    const names = objectFileNames([
      obj("ConfigMap", "../../../pwned"),
      obj("../../Foo", "x"),
      obj("ConfigMap", "/etc/passwd"),
      obj("ConfigMap", "..", "../ns"),
      obj("ConfigMap", "a\u0000b"),
      obj("ConfigMap", "x".repeat(400)),
      obj("ConfigMap", "web"),
      obj("ConfigMap", "web"),
    ]);
    for (const n of names) {
      expect(n).not.toContain("/");
      expect(n).not.toContain("\\");
      expect(n.startsWith(".")).toBe(false);
      expect(n).toMatch(/^[a-z0-9._-]+$/);
      expect(Buffer.byteLength(n)).toBeLessThan(255);
    }
    expect(new Set(names).size).toBe(names.length);
    // Valid names keep their readable form.
    expect(names[6]).toBe("_cluster.configmap-web.yaml");
  });

  it("refuses a file path outside the output even when a caller passes one", () => {
    const out = join(tmp(), "out");
    expect(() => writeDirAtomic(out, new Map([["../escape.yaml", "x"]]))).toThrow(OutputDirError);
    expect(existsSync(join(out, "..", "escape.yaml"))).toBe(false);
  });

  it("kintent build --out writes an extra object named ../../x inside the output (exit 0 before, now refused by validation and contained)", async () => {
    const root = tmp();
    const app = join(root, "app");
    mkdirSync(join(app, "extra"), { recursive: true });
    writeFileSync(
      join(app, "kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: web}\nspec:\n  image: ghcr.io/acme/web:1.0.0\n  port: 8080\n  probe: /healthz\n",
    );
    writeFileSync(
      join(app, "extra", "evil.yaml"),
      "apiVersion: v1\nkind: ../../Foo\nmetadata:\n  name: ../../../pwned\ndata: {a: b}\n",
    );
    const out = join(root, "o", "out");
    const r = await runCli(["build", app, "--out", out, "--allow-invalid"], { cwd: root });
    expect(r.code).toBe(1); // the invalid kind and name are errors
    expect(r.stderr).toMatch(/kind "\.\.\/\.\.\/Foo" is not a valid kind/);
    expect(readdirSync(root).sort()).toEqual(["app", "o"]);
    expect(readdirSync(join(root, "o"))).toEqual(["out"]);
    expect(tree(out).every((f) => !f.includes("/"))).toBe(true);
    expect(tree(out).some((f) => /^_.*foo-.*pwned.*\.yaml$/.test(f))).toBe(true);
  });
});

describe("writeDirAtomic: crashes, leftovers, symlinks", () => {
  it("a SIGKILL between the two renames loses nothing: the next write recovers, and no leftovers stay", () => {
    const root = tmp();
    const out = join(root, "out");
    writeDirAtomic(out, new Map([["a.yaml", "old\n"]]));
    const script = join(root, "crash.ts");
    writeFileSync(
      script,
      `import { setSwapHookForTesting, writeDirAtomic } from ${JSON.stringify(resolve(ROOT, "src/render/files.ts"))};
setSwapHookForTesting(() => process.kill(process.pid, "SIGKILL"));
writeDirAtomic(${JSON.stringify(out)}, new Map([["a.yaml", "new\\n"]]));
`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, encoding: "utf8" });
    expect(r.signal).toBe("SIGKILL");
    // The crash window: no out/, both complete directories beside it.
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith(".out.kintent-")).length).toBe(2);
    recoverOutputDir(out);
    expect(readFileSync(join(out, "a.yaml"), "utf8")).toBe("new\n");
    expect(readdirSync(root).sort()).toEqual(["crash.ts", "out"]);
    // A later write works as usual.
    writeDirAtomic(out, new Map([["b.yaml", "b\n"]]));
    expect(tree(out)).toEqual([OUTPUT_MARKER, "b.yaml"].sort());
  });

  it("a write removes the half-written directories of dead runs and recovers a missing output", () => {
    const root = tmp();
    const out = join(root, "out");
    // A run (pid 999999999: not alive) killed while writing: incomplete, no marker.
    mkdirSync(join(root, ".out.kintent-tmp-999999999-abcd"));
    writeFileSync(join(root, ".out.kintent-tmp-999999999-abcd", "x.yaml"), "half");
    // A run killed between its renames: the old directory moved away, no new one.
    mkdirSync(join(root, ".out.kintent-old-999999998-abcd"));
    writeFileSync(join(root, ".out.kintent-old-999999998-abcd", OUTPUT_MARKER), "m");
    writeFileSync(join(root, ".out.kintent-old-999999998-abcd", "a.yaml"), "old\n");
    recoverOutputDir(out);
    expect(readdirSync(root)).toEqual(["out"]);
    expect(readFileSync(join(out, "a.yaml"), "utf8")).toBe("old\n");
  });

  it("leaves the working directories of a live run alone", () => {
    const root = tmp();
    const live = join(root, `.out.kintent-new-${process.ppid}-abcd`);
    mkdirSync(live);
    writeDirAtomic(join(root, "out"), new Map([["a.yaml", "a\n"]]));
    expect(existsSync(live)).toBe(true);
  });

  it("--out on a symlink writes through: the link stays and its directory is replaced", () => {
    const root = tmp();
    const real = join(root, "real");
    writeDirAtomic(real, new Map([["a.yaml", "old\n"]]));
    symlinkSync("real", join(root, "out"));
    writeDirAtomic(join(root, "out"), new Map([["a.yaml", "new\n"]]));
    expect(lstatSync(join(root, "out")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, "out"))).toBe("real");
    expect(readFileSync(join(real, "a.yaml"), "utf8")).toBe("new\n");
    expect(readdirSync(root).sort()).toEqual(["out", "real"]);
  });

  it("refuses a dangling symlink and a link to a directory kintent did not write", () => {
    const root = tmp();
    symlinkSync("nowhere", join(root, "out"));
    expect(() => writeDirAtomic(join(root, "out"), new Map([["a.yaml", "x"]]))).toThrow(/does not exist/);
    expect(readlinkSync(join(root, "out"))).toBe("nowhere");
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "keep.ts"), "keep");
    symlinkSync("src", join(root, "out2"));
    expect(() => writeDirAtomic(join(root, "out2"), new Map([["a.yaml", "x"]]))).toThrow(OutputDirError);
    expect(readFileSync(join(root, "src", "keep.ts"), "utf8")).toBe("keep");
  });
});
