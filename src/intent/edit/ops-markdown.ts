import * as z from "zod";
import { opSchemas } from "./intent-op.js";

/** The operation vocabulary as markdown (docs/ai-operations.md), generated from the registry. */
export function opsMarkdown(): string {
  const lines = [
    "# Intent operations",
    "",
    "Generated from `src/intent/edit/registry.ts` (the operations `kintent set` and `kintent ask` share). Do not edit by hand.",
    "",
    "Every change to an intent — `kintent set <verb>`, `kintent set ops FILE`, or a model's answer to",
    "`kintent ask` — is a list of these operations, applied in order to the App's YAML document (comments,",
    "key order and formatting kept), then compiled and validated. Operations with `env` change only that",
    "environment (`spec.environments.<env>`).",
    "",
    "| operation | fields | what it does |",
    "|---|---|---|",
  ];
  for (const schema of opSchemas) {
    const js = z.toJSONSchema(schema, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
      required?: string[];
      description?: string;
    };
    const fields = Object.keys(js.properties)
      .filter((k) => k !== "op")
      .map((k) => `\`${k}\`${js.required?.includes(k) ? "" : "?"}`)
      .join(", ");
    lines.push(
      `| \`${schema.shape.op.value}\` | ${fields || "—"} | ${(js.description ?? "").replace(/\|/g, "\\|")} |`,
    );
  }
  return lines.join("\n") + "\n";
}
