/**
 * The quick locator (indentation only) against the positioned parse, on every pointer of: every example's
 * built manifests, the shared corpora's real manifests and validator fixtures (comments, anchors, flow style,
 * block scalars, odd quoting), and generated documents mixing every construct the locator must refuse.
 * Wherever the quick path answers it must answer what the parser does; on kintent's own output it must answer
 * nearly always (else it saves nothing).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { toPointer } from "../../src/core/json-pointer.js";
import { parseManifestStream } from "../../src/core/yaml-source.js";
import type { SourceDocument } from "../../src/core/yaml-source.js";
import { toYamlStream } from "../../src/render/yaml.js";
import { buildAllExample, exampleNames, ROOT } from "../helpers.js";

/** Every pointer into a value (bounded), plus pointers that go past it: a missing key, a bad index, `01`. */
function pointers(value: unknown, limit = 4000): string[] {
  const out: string[] = [""];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (out.length >= limit) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push(toPointer([...path, i]));
        walk(x, [...path, i]);
      });
      out.push(toPointer([...path, v.length]), toPointer([...path, "x"]), toPointer([...path, "01"]));
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        out.push(toPointer([...path, k]));
        walk(x, [...path, k]);
      }
      out.push(toPointer([...path, "no-such-key"]), toPointer([...path, "0"]));
    } else {
      out.push(toPointer([...path, "deeper"]));
    }
  };
  walk(value, []);
  return out;
}

interface Tally {
  asked: number;
  quick: number;
  mismatches: string[];
}

function compare(docs: SourceDocument[], tally: Tally, label: string): void {
  for (const d of docs) {
    for (const p of pointers(d.value)) {
      tally.asked++;
      const q = d.locateQuick(p);
      if (!q) continue;
      tally.quick++;
      const ref = d.locateParsed(p);
      if (q.line !== ref.line || q.column !== ref.column)
        tally.mismatches.push(
          `${label} doc ${d.index} ${p}: quick ${q.line}:${q.column}, parser ${ref.line}:${ref.column}`,
        );
    }
  }
}

function yamlFiles(dir: string, max = 2000): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (out.length >= max) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && statSync(p).size < 2_000_000) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe("quick locator", () => {
  it("answers like the parser, and nearly always, on every example's manifests (with and without # why:)", async () => {
    const tally: Tally = { asked: 0, quick: 0, mismatches: [] };
    for (const name of exampleNames()) {
      for (const b of (await buildAllExample(name)).environments) {
        for (const text of [toYamlStream(b.objects), toYamlStream(b.objects, b.decisions)]) {
          const parsed = parseManifestStream(text, `${name}.yaml`);
          expect(parsed.errors).toEqual([]);
          compare(parsed.documents, tally, `${name}/${b.environment}`);
        }
      }
    }
    expect(tally.mismatches.slice(0, 20)).toEqual([]);
    expect(tally.asked).toBeGreaterThan(10_000);
    // Only the odd value (a multi-line string, a quoted key) is left to the parser.
    expect(tally.quick / tally.asked).toBeGreaterThan(0.95);
  });

  const corpora = resolve(ROOT, "..", "shared", "corpora");
  it.skipIf(!existsSync(corpora))(
    "answers like the parser on the shared corpora's real manifests and validator fixtures",
    () => {
      const tally: Tally = { asked: 0, quick: 0, mismatches: [] };
      let files = 0;
      for (const sub of ["real-manifests", "validator-fixtures", "kyverno-policies"]) {
        const dir = join(corpora, sub);
        if (!existsSync(dir)) continue;
        for (const f of yamlFiles(dir, 1500)) {
          const parsed = parseManifestStream(readFileSync(f, "utf8"), f);
          if (parsed.errors.length > 0) continue;
          files++;
          compare(parsed.documents, tally, f.slice(corpora.length + 1));
        }
      }
      expect(tally.mismatches.slice(0, 20)).toEqual([]);
      expect(files).toBeGreaterThan(500);
      expect(tally.quick).toBeGreaterThan(tally.asked / 2);
    },
  );

  // Fragments the locator must either read right or refuse: compact and indented sequences, item maps with
  // extra spaces, block scalars holding key-like lines, multi-line plain and quoted scalars, flow collections,
  // anchors/aliases/tags, quoted and non-string keys, comments everywhere, CRLF, tabs, empty values.
  const VALUES = [
    "x",
    "'a: b'",
    '"multi\n    line: not a key"',
    "'it''s'",
    "|\n    key: inside\n    - item\n",
    ">-\n    folded\n\n    more\n",
    "{a: 1, b: [1, 2]}",
    "[a, {b: c}]",
    "&anchor v",
    "!!str 12",
    "plain\n    continued: text",
    "# only a comment",
    "",
    "null",
    "12",
    '"quoted # not comment"',
  ];
  const KEYS = [
    "a",
    "name",
    "app.kubernetes.io/name",
    "True",
    "'q'",
    '"k: v"',
    "8080",
    "-dash",
    "null",
    "x y",
  ];
  function rand(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  function pick<T>(r: () => number, xs: readonly T[]): T {
    return xs[Math.floor(r() * xs.length)] as T;
  }
  function genMap(r: () => number, indent: number, depth: number, out: string[], first = ""): void {
    const n = 1 + Math.floor(r() * 4);
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      const key = r() < 0.8 ? `k${Math.floor(r() * 6)}` : pick(r, KEYS);
      if (used.has(key)) continue;
      used.add(key);
      const pad = i === 0 && first !== "" ? first : " ".repeat(indent);
      if (r() < 0.1) out.push(" ".repeat(indent) + "# comment");
      if (r() < 0.05) out.push("");
      const roll = r();
      if (depth > 0 && roll < 0.3) {
        out.push(`${pad}${key}:${r() < 0.2 ? " # c" : ""}`);
        genMap(r, indent + 2, depth - 1, out);
      } else if (depth > 0 && roll < 0.55) {
        out.push(`${pad}${key}:`);
        genSeq(r, r() < 0.5 ? indent : indent + 2, depth - 1, out);
      } else {
        const v = pick(r, VALUES).replace(/\n {4}/g, "\n" + " ".repeat(indent + 4));
        out.push(`${pad}${key}:${v === "" ? "" : " " + v}`);
      }
    }
  }
  function genSeq(r: () => number, indent: number, depth: number, out: string[]): void {
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const roll = r();
      const gap = r() < 0.2 ? "   " : " ";
      if (depth > 0 && roll < 0.5)
        genMap(r, indent + 1 + gap.length, depth - 1, out, " ".repeat(indent) + "-" + gap);
      else if (roll < 0.6) out.push(" ".repeat(indent) + "- - nested");
      else if (roll < 0.65) out.push(" ".repeat(indent) + "-", " ".repeat(indent + 2) + "late: value");
      else out.push(" ".repeat(indent) + "-" + gap + pick(r, VALUES).split("\n")[0]);
    }
  }

  it("answers like the parser, or not at all, on 3,000 generated documents", () => {
    const tally: Tally = { asked: 0, quick: 0, mismatches: [] };
    let valid = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rand(seed);
      const out: string[] = [];
      if (r() < 0.3) out.push("# leading", "---");
      genMap(r, 0, 3, out);
      let text = out.join("\n") + "\n";
      if (seed % 7 === 0) text = text.replace(/\n/g, "\r\n");
      if (seed % 11 === 0) text = text.replace(/\n {2}(?=\S)/, "\n\t");
      const doc2 = seed % 5 === 0 ? "---\n" + text : "";
      const parsed = parseManifestStream(text + doc2, `gen-${seed}.yaml`);
      if (parsed.errors.length > 0) continue;
      valid++;
      compare(parsed.documents, tally, `seed ${seed}`);
    }
    expect(tally.mismatches.slice(0, 20)).toEqual([]);
    expect(valid).toBeGreaterThan(1000);
    expect(tally.quick).toBeGreaterThan(tally.asked / 4);
  });
});
