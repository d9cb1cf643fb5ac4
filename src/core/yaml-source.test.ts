/** parseManifestStream: values from js-yaml, positions from the `yaml` CST, document starts from the text. */
import { describe, expect, it } from "vitest";
import { parseManifestStream, parseYamlStream } from "./yaml-source.js";

const STREAMS = [
  "a: 1\n",
  "---\na: 1\n---\nb: 2\n",
  "# header\n\n---\n# about b\n  \nb: {c: 1}\n---   # trailing comment\n\n\nc: [1, 2]\n",
  "--- {a: 1}\n---\nb: 2\n",
  "%YAML 1.2\n---\na: 1\n",
  "---\n- 1\n- 2\n---\n  indented: 1\n",
  "a: 1\n...\n---\nb: 2\n...\n",
  "---\n!!map\na: 1\n",
  "a: 1\r\n---\r\nb: 2\r\n",
  "kind: ConfigMap\nmetadata:\n  name: x\n---\n---\n# only a comment\n---\nkind: Secret\n",
];

describe("parseManifestStream document starts", () => {
  it.each(STREAMS.map((s, i) => [i, s] as const))(
    "stream %i: every document starts where the positioned parser says, and holds the same value",
    (_i, text) => {
      const fast = parseManifestStream(text, "f.yaml");
      const slow = parseYamlStream(text, "f.yaml");
      expect(fast.errors).toEqual([]);
      expect(fast.documents.map((d) => d.value)).toEqual(slow.documents.map((d) => d.value));
      expect(fast.documents.map((d) => d.start())).toEqual(slow.documents.map((d) => d.start()));
      expect(fast.documents.length).toBeGreaterThan(0);
    },
  );
});

describe("parseManifestStream without the positioned parse", () => {
  it("knows where plain documents start from their text alone", () => {
    const text = "# c\n---\napiVersion: v1\nkind: ConfigMap\n---\n\n  # note\nkind: Secret\n";
    const docs = parseManifestStream(text, "f.yaml").documents;
    expect(docs.map((d) => d.start())).toEqual([
      { file: "f.yaml", line: 3, column: 1 },
      { file: "f.yaml", line: 8, column: 1 },
    ]);
    // Still lazy: nothing has parsed positions.
    for (const d of docs) expect(typeof (d as unknown as { parsed: unknown }).parsed).toBe("function");
  });
});
