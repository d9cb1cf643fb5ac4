/**
 * Resources: what a client may attach as context — the runbook of each app in each environment of the project
 * the server serves, the intent JSON Schema, the operations schema and the checks catalogue. Read-only, redacted,
 * bounded like tool answers.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { ResourceNotFoundError, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Redactor } from "../core/redact.js";
import { intentJsonSchema } from "../intent/schema.js";
import { compactJsonSchema } from "./compact-schema.js";
import { opsJsonSchema } from "../intent/edit/index.js";
import { BUILTIN_CHECKS } from "../validate/index.js";
import { checksMarkdown } from "../validate/checks/docs.js";
import { clip, countSeverities, MAX_ANSWER_BYTES } from "./answer.js";
import type { McpServerOptions } from "./options.js";
import { openAt } from "./tool.js";
import { runbookOf } from "./tools/explain.js";

export const RUNBOOK_TEMPLATE = "kintent://runbook/{app}/{env}";

/** Text of a resource, cut to what one answer may carry (JSON escaping can add a quarter). */
function bounded(text: string, more: string): string {
  const max = Math.floor((MAX_ANSWER_BYTES * 3) / 4);
  if (Buffer.byteLength(text) <= max) return text;
  return `${clip(text, max - 200)}\n\n… cut here: ${more}\n`;
}

export function registerResources(
  server: McpServer,
  options: McpServerOptions,
  redactor: () => Redactor,
): void {
  server.registerResource(
    "intent-schema",
    "kintent://schema/intent",
    {
      title: "Intent JSON Schema",
      description:
        "JSON Schema (draft 2020-12) of kintent intent files: the App (kintent.yaml) and the Platform (platform.yaml)",
      mimeType: "application/schema+json",
    },
    (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "application/schema+json",
          text: JSON.stringify(compactJsonSchema(intentJsonSchema())),
        },
      ],
    }),
  );
  server.registerResource(
    "operations-schema",
    "kintent://schema/operations",
    {
      title: "Intent operations JSON Schema",
      description:
        "JSON Schema of the intent operations change_intent and propose take (the vocabulary of kintent set and kintent ask)",
      mimeType: "application/schema+json",
    },
    (uri) => ({
      contents: [
        { uri: uri.href, mimeType: "application/schema+json", text: JSON.stringify(opsJsonSchema()) },
      ],
    }),
  );
  server.registerResource(
    "checks",
    "kintent://checks",
    {
      title: "Checks catalogue",
      description:
        "The validator's built-in checks: id, severity, kinds, what each catches and how to fix it, how to configure or suppress it",
      mimeType: "text/markdown",
    },
    (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "text/markdown",
          text: bounded(
            checksMarkdown(BUILTIN_CHECKS),
            "the rest is in docs/checks.md (`kintent checks list --format markdown`)",
          ),
        },
      ],
    }),
  );
  server.registerResource(
    "runbook",
    new ResourceTemplate(RUNBOOK_TEMPLATE, {
      list: async () => {
        const { project } = await openAt(options, undefined).catch(() => ({ project: undefined }));
        if (!project?.ok) return { resources: [] };
        const resources = project.environments.flatMap((env) =>
          project.apps.map((app) => ({
            uri: `kintent://runbook/${encodeURIComponent(app)}/${encodeURIComponent(env)}`,
            name: `runbook ${app} ${env}`,
            title: `Runbook of ${app} in ${env}`,
            mimeType: "text/markdown",
          })),
        );
        return { resources: resources.slice(0, 200) };
      },
    }),
    {
      title: "Runbook",
      description:
        "The runbook of an app in an environment of the project this server serves (as `kintent explain` writes it)",
      mimeType: "text/markdown",
    },
    async (uri, variables) => {
      const app = decodeURIComponent(String(variables.app ?? ""));
      const env = decodeURIComponent(String(variables.env ?? ""));
      const { project } = await openAt(options, undefined);
      if (!project.ok || !project.apps.includes(app) || !project.environments.includes(env))
        throw new ResourceNotFoundError(uri.href);
      const r = runbookOf(project, env, app);
      const counts = countSeverities(r.findings);
      const banner =
        counts.error > 0
          ? `> **Warning**: the manifests of ${app} in ${env} have ${counts.error} error finding(s); \`kintent explain\` and \`build\` refuse them. Use the validate tool to see them.\n\n`
          : "";
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: "text/markdown",
            text: bounded(
              redactor().text(banner + r.markdown),
              "read the rest with the explain tool (pages, nextCursor)",
            ),
          },
        ],
      };
    },
  );
}
