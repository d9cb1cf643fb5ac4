import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Document } from "yaml";
import { openProject } from "../project/index.js";
import { emitYaml } from "./emit.js";
import { YAML_OPTIONS } from "./yaml.js";

/** What the yaml library writes for `value` (as objectToYaml did for every object before the emitter). */
const library = (value: unknown) =>
  new Document(value, { aliasDuplicateObjects: false, version: "1.2" }).toString(YAML_OPTIONS);

/** A small seeded generator (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ..."abcXYZ019_./:@+=,- ",
  ..."#'\"\n\t*&!%?[]{}|>`~é<",
  "true",
  "null",
  "1.5",
  "0x1F",
  "...",
  "---",
  ": ",
  " #",
  ".inf",
];

/** What manifests mostly hold: the safe alphabet, and words the core schema reads as other types. */
const MANIFEST_LIKE = [..."abcXYZ019_./:@+=,-", " x", "true", "null", "1.5", "0x1F", "8080", "v1.2.3", "~"];

function generate(next: () => number, depth = 0, alphabet: readonly string[] = ALPHABET): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(alphabet)).join("");
  const r = next();
  if (depth < 4 && r < 0.3) {
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 4); i > 0; i--) o[text()] = generate(next, depth + 1, alphabet);
    return o;
  }
  if (depth < 4 && r < 0.45)
    return Array.from({ length: Math.floor(next() * 4) }, () => generate(next, depth + 1, alphabet));
  if (r < 0.75) return text();
  if (r < 0.85) return pick([0, 1, -1, 0.5, -2.25, 1e21, 123456789, 1e-7, -0, Infinity, NaN]);
  if (r < 0.95) return pick([true, false, null]);
  return undefined;
}

describe("emitYaml writes exactly what the yaml library writes", () => {
  it("for every object of every example, in every environment (and handles nearly all of them)", async () => {
    const examples = join(import.meta.dirname, "..", "..", "examples");
    let objects = 0;
    let handled = 0;
    for (const name of readdirSync(examples)) {
      const project = await openProject(join(examples, name), { cwd: examples });
      for (const env of project.buildAll().environments)
        for (const o of env.objects) {
          objects++;
          const mine = emitYaml(o);
          if (mine === undefined) continue;
          handled++;
          expect(mine, `${name}/${env.environment} ${o.kind}/${o.metadata.name}`).toBe(library(o));
        }
    }
    expect(objects).toBeGreaterThan(80);
    // What falls back is what needs it: multi-line ConfigMap data, quoted strings.
    expect(handled / objects).toBeGreaterThan(0.8);
  });

  it.each([
    ["hostile strings, numbers and shapes", ALPHABET, 1_500],
    ["manifest-like strings", MANIFEST_LIKE, 4_000],
  ] as const)("for 20,000 generated objects with %s (or declines them)", (_what, alphabet, atLeast) => {
    const next = rng(17);
    let handled = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = {
        k: generate(next, 0, alphabet),
        [`key${i % 7}`]: generate(next, 0, alphabet),
        z: generate(next, 0, alphabet),
      };
      const mine = emitYaml(value);
      if (mine === undefined) continue;
      handled++;
      expect(mine, JSON.stringify(value)).toBe(library(value));
    }
    // Enough of them are written directly for the comparison to mean something.
    expect(handled).toBeGreaterThan(atLeast);
  });

  it("declines what it does not write: non-objects, nested sequences, multi-line strings, -0", () => {
    expect(emitYaml([1])).toBeUndefined();
    expect(emitYaml("x")).toBeUndefined();
    expect(emitYaml({ a: [[1]] })).toBeUndefined();
    expect(emitYaml({ a: "x\ny" })).toBeUndefined();
    expect(emitYaml({ a: -0 })).toBeUndefined();
    expect(emitYaml({ a: new Date(0) })).toBeUndefined();
    expect(emitYaml({})).toBe(library({}));
    expect(emitYaml({ a: { b: undefined } })).toBe(library({ a: { b: undefined } }));
  });
});
