import type { KObject } from "../../src/core/object.js";
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { objectFileNames, writeDirAtomic, OutputDirError, OUTPUT_MARKER } from "../../src/render/files.js";

const obj = (kind: string, name: string, namespace?: string): KObject => ({
  apiVersion: "v1",
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe("objectFileNames", () => {
  it("names files by kind and name, adding the namespace only on collision", () => {
    expect(
      objectFileNames([
        obj("Service", "web", "a"),
        obj("ServiceAccount", "web", "a"),
        obj("ServiceAccount", "web", "b"),
        obj("Namespace", "a"),
      ]),
    ).toEqual([
      "service-web.yaml",
      "a.serviceaccount-web.yaml",
      "b.serviceaccount-web.yaml",
      "namespace-a.yaml",
    ]);
  });
});

describe("writeDirAtomic", () => {
  const tmp = () => mkdtempSync(join(tmpdir(), "kintent-out-"));

  it("replaces a previous output exactly (stale files disappear) and marks it", () => {
    const root = tmp();
    const out = join(root, "out");
    writeDirAtomic(
      out,
      new Map([
        ["a.yaml", "a: 1\n"],
        ["b.yaml", "b: 1\n"],
      ]),
    );
    writeDirAtomic(out, new Map([["a.yaml", "a: 2\n"]]));
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, "a.yaml"].sort());
    expect(readFileSync(join(out, "a.yaml"), "utf8")).toBe("a: 2\n");
    expect(readdirSync(root)).toEqual(["out"]); // no temp or backup dirs left
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses to replace a directory kintent did not write", () => {
    const root = tmp();
    const out = join(root, "src");
    mkdirSync(out);
    writeFileSync(join(out, "precious.ts"), "keep me");
    expect(() => writeDirAtomic(out, new Map([["a.yaml", "x"]]))).toThrow(OutputDirError);
    expect(readFileSync(join(out, "precious.ts"), "utf8")).toBe("keep me");
    rmSync(root, { recursive: true, force: true });
  });

  it("leaves the old directory intact when writing fails half-way", () => {
    const root = tmp();
    const out = join(root, "out");
    writeDirAtomic(out, new Map([["a.yaml", "old\n"]]));
    // A file name that cannot be created (a path through an existing file) fails after some writes.
    const bad = new Map([
      ["a.yaml", "new\n"],
      ["a.yaml/child.yaml", "boom"],
    ]);
    expect(() => writeDirAtomic(out, bad)).toThrow();
    expect(readFileSync(join(out, "a.yaml"), "utf8")).toBe("old\n");
    expect(readdirSync(root)).toEqual(["out"]);
    rmSync(root, { recursive: true, force: true });
  });
});
