/**
 * Prompts: the conversations kintent was built for, as templates a client offers its user — step the canary,
 * review an ApplicationSet, find out why an app is down. Each tells the assistant which tools to use in which
 * order and the rules of the house: the intent is the source of truth, every change is a pull request a person
 * merges, nothing is applied to a cluster.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import * as z from "zod";
import type { Redactor } from "../core/redact.js";
import { clip } from "./answer.js";
import type { McpServerOptions } from "./options.js";

const RULES =
  "Rules: the intent (kintent.yaml, platform.yaml) is the source of truth — never edit generated manifests and " +
  "never apply anything to a cluster (no kubectl apply); every change is intent operations, previewed with " +
  "change_intent and delivered with propose as a pull request that a person reviews and merges; show the user " +
  "the intent diff, the manifest changes and the findings before proposing.";

function user(text: string) {
  return { messages: [{ role: "user" as const, content: { type: "text" as const, text } }] };
}

const where = (path: string | undefined) => (path ? ` (intent at \`${path}\`)` : "");

export function registerPrompts(
  server: McpServer,
  options: McpServerOptions,
  redactor: () => Redactor,
): void {
  const readOnly = options.readOnly === true;
  const cluster = options.cluster !== undefined;
  server.registerPrompt(
    "step_canary",
    {
      title: "Step the canary",
      description:
        "Move a weighted canary to its next traffic weight (e.g. 10 → 50 → 100), promote it or roll it back — as a pull request",
      argsSchema: z.object({
        app: z.string().max(253).optional().describe("The app (default: the only one)"),
        env: z.string().max(253).optional().describe("The environment (default: the only one)"),
        to: z
          .string()
          .max(20)
          .optional()
          .describe("Target weight in percent (0–100), `promote` or `abort` (default: the next step)"),
        path: z
          .string()
          .max(1024)
          .optional()
          .describe("Intent directory, relative to the server's directory"),
      }),
    },
    ({ app, env, to, path }) =>
      user(
        [
          `Step the canary of ${app ? `\`${app}\`` : "the app"}${env ? ` in \`${env}\`` : ""}${where(path)}${to ? ` to ${to}` : " to its next step"}.`,
          cluster
            ? "0. First call rollout_status: it says whether Argo CD has synced the current weight, how long the step has soaked and what the gate measures now. For the next step of the plan with its gate, rollout_step does the evaluation and proposes the change with its evidence (mode propose); rollout_abort / rollout_promote deliver a person's decision. Use the steps below for any other target weight."
            : "0. (This server has no cluster tools: the gate's measurements and the sync state are not visible here; say so.)",
          "1. Call describe_project to see the running canary (image, weight, replicas, namespace) and its rollout steps; if no canary runs, stop and say so.",
          "2. Work out the operation: `canary-weight` with the new weight (the next value of the steps when no target is given), `canary-promote` to make the canary the stable version, or `canary-abort` to send all traffic back (100/0) and remove it. Pass `env` when the platform has several environments.",
          "3. Call change_intent with that operation and a `why`; show the user the weights before and after (the TraefikService or HTTPRoute weights in the manifest changes), the intent diff and any findings. Stop on error findings.",
          readOnly
            ? "4. This server is read-only: tell the user the exact operation to propose, and stop."
            : "4. When the user agrees, call propose with the same operations and a message saying why this step is safe now; give the user the pull request URL. The step happens when a person merges it and Argo CD syncs.",
          RULES,
        ].join("\n"),
      ),
  );
  server.registerPrompt(
    "review_applicationset",
    {
      title: "Review an ApplicationSet",
      description:
        "Review Argo CD ApplicationSets or Applications (often AI-written) against the GitOps checklist: real cluster references, pull secrets, namespaces, sync policy per environment, health checks",
      argsSchema: z.object({
        manifest: z
          .string()
          .max(200_000)
          .optional()
          .describe("The ApplicationSet / Application YAML to review (or give `path`)"),
        path: z
          .string()
          .max(1024)
          .optional()
          .describe("A file or directory holding it, relative to the server's directory"),
      }),
    },
    ({ manifest, path }) =>
      user(
        [
          "Review this Argo CD configuration the way a platform engineer would before merging it.",
          manifest
            ? `The manifests:\n\`\`\`yaml\n${clip(redactor().yaml(manifest), 40_000)}\n\`\`\``
            : `The manifests are at \`${path ?? "."}\`.`,
          `1. Call validate with ${manifest ? "`manifests` set to the YAML above" : "`path`"}: schemas, the GitOps checklist (placeholders, unrendered {{ }} or \${}, private registries without pull secrets, auto-prune in production, namespace alignment, destination namespaces) and the team's policies. Page through every finding (nextCursor).`,
          "2. Then check what a validator cannot know: does each environment's sync policy fit it (dev auto + prune, staging self-heal without prune, prod manual)? Do cluster URLs, registries, node affinity, storage classes and resource sizes differ per environment as intended, and only there? Are health checks present?",
          "3. Report: the blocking problems (error findings) first, then the risks, each with the field to change. If the repository holds kintent intents (describe_project), say which intent change would produce the right ApplicationSet (kintent build --format argocd --applicationset generates one) instead of hand-editing it.",
          RULES,
        ].join("\n"),
      ),
  );
  server.registerPrompt(
    "why_is_my_app_down",
    {
      title: "Why is my app down?",
      description:
        "Find out why an app does not serve: compare what the intent deploys with the known failure modes, and propose the fix as a pull request",
      argsSchema: z.object({
        app: z.string().max(253).optional().describe("The app (default: the only one)"),
        env: z.string().max(253).optional().describe("The environment (default: the only one)"),
        symptom: z
          .string()
          .max(2000)
          .optional()
          .describe("What the user sees: 502s, pods in ContainerCreating, CrashLoopBackOff, OOMKilled…"),
        path: z
          .string()
          .max(1024)
          .optional()
          .describe("Intent directory, relative to the server's directory"),
      }),
    },
    ({ app, env, symptom, path }) =>
      user(
        [
          `${app ? `\`${app}\`` : "The app"}${env ? ` in \`${env}\`` : ""}${where(path)} is down${symptom ? `: ${clip(redactor().text(symptom), 2000)}` : ""}. Find out why.`,
          cluster
            ? "1. Call status (intent vs live) and diagnose with the intent's path and env first: they read the live cluster (read-only), quote the evidence and name each failure; a diagnosis with a fix whose status is ready carries the intent operations to propose."
            : "1. This server has no cluster tools (start it with --cluster): work from the intent and the symptom, and suggest `kintent diagnose` to the user.",
          "2. Call build for the environment and validate with its path and env: error findings in the cross-resource graph explain most outages — a Service selector that matches no pod or a wrong targetPort (502/503), a ConfigMap or Secret referenced but absent (pods stuck in ContainerCreating), Traefik cross-namespace references that v3 blocks, an IngressRoute cert-manager ignores (no TLS), a broken image tag.",
          "3. Read the runbook (explain) for how to verify and roll back, and the platform notes (describe_project) for known traps of this platform.",
          readOnly
            ? "4. Explain the cause and the intent change that fixes it (as operations). This server is read-only: do not try to propose."
            : "4. Explain the cause, then the fix as intent operations: preview with change_intent, and when the user agrees, propose it. For a bad rollout, rolling back is an intent change too (e.g. the previous image, or canary-abort).",
          RULES,
        ].join("\n"),
      ),
  );
}
