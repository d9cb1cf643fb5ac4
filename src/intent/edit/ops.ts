/**
 * Intent operations: the typed vocabulary of changes to an App intent. `kintent set` turns its verbs into
 * these operations, `kintent ask` requires the model to answer with exactly this schema, and both apply
 * them here — on the `yaml` Document of the intent file, so comments, key order and formatting survive.
 * Pure: text + operations → text + diff (+ errors that name the operation and the field).
 */
import { isMap, isScalar, isSeq, parseAllDocuments, Scalar, visit } from "yaml";
import type { Document, ToStringOptions, YAMLMap } from "yaml";
import * as z from "zod";
import { looksLikeSecret } from "../../core/secrets.js";
import { appIntent, dnsLabel, duration, percent, quantity, resourceProfile } from "../schema.js";
import { formatImage, parseImage } from "../values.js";
import { mergeNormalizedEdit, unifiedDiff } from "./text-diff.js";

// ---------------------------------------------------------------------------------------------
// The operation schema
// ---------------------------------------------------------------------------------------------

const envTarget = z
  .string()
  .min(1)
  .optional()
  .describe("Only this environment (spec.environments.<env>); omit for all.");
const imageRef = z
  .string()
  .min(1)
  .describe("Image reference with a tag or digest, e.g. ghcr.io/acme/shop:1.5.0.");
const imageTag = z.string().min(1).describe("Only the tag: keeps the current repository, e.g. 1.5.0.");
const canaryStep = z
  .union([z.number().int().min(0).max(100), z.string()])
  .describe("A weight (`20%`), a duration (`2m`) or `pause` (wait for a human).");
const cpuMemory = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const reason = z
  .string()
  .min(1)
  .optional()
  .describe("Why (recorded under spec.why.<key>); write the user's reason, never a secret.");

export const opSchemas = [
  z
    .strictObject({
      op: z.literal("image"),
      image: imageRef.optional(),
      tag: imageTag.optional(),
      env: envTarget,
    })
    .describe("Set the container image, or only its tag (give exactly one of image, tag)."),
  z
    .strictObject({ op: z.literal("replicas"), replicas: z.number().int().min(0), env: envTarget })
    .describe("Set a fixed replica count."),
  z
    .strictObject({
      op: z.literal("env"),
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "must be an environment variable name"),
      value: z.union([z.string(), z.number(), z.boolean()]).optional().describe("A literal, never a secret."),
      fromSecret: z
        .strictObject({ name: z.string().min(1), key: z.string().min(1) })
        .optional()
        .describe("Reference a key of an existing Secret (for passwords, tokens, keys)."),
      fromConfigMap: z.strictObject({ name: z.string().min(1), key: z.string().min(1) }).optional(),
      env: envTarget,
    })
    .describe("Set an environment variable: exactly one of value, fromSecret, fromConfigMap."),
  z
    .strictObject({ op: z.literal("unset-env"), name: z.string().min(1), env: envTarget })
    .describe("Remove an environment variable."),
  z
    .strictObject({
      op: z.literal("resources"),
      profile: resourceProfile.optional(),
      requests: cpuMemory.optional(),
      limits: cpuMemory.optional(),
      env: envTarget,
    })
    .describe("Set the resource profile and/or explicit requests/limits."),
  z
    .strictObject({
      op: z.literal("autoscaling"),
      min: z.number().int().min(1),
      max: z.number().int().min(1),
      cpu: percent.optional(),
      memory: percent.optional(),
      env: envTarget,
    })
    .describe("Autoscale between min and max replicas on CPU (and/or memory) utilisation."),
  z
    .strictObject({ op: z.literal("autoscaling-off"), env: envTarget })
    .describe("Turn autoscaling off (fixed replicas)."),
  z
    .strictObject({
      op: z.literal("canary-weight"),
      weight: z.number().int().min(0).max(100),
      env: envTarget,
    })
    .describe("Weighted canary: percentage of traffic (0-100) sent to the running canary."),
  z
    .strictObject({
      op: z.literal("canary-image"),
      image: imageRef.optional(),
      tag: imageTag.optional(),
      replicas: z.number().int().min(0).optional(),
      namespace: dnsLabel.optional(),
      env: envTarget,
    })
    .describe(
      "Weighted canary: start or update the canary with this image (or tag); set its weight with canary-weight.",
    ),
  z
    .strictObject({ op: z.literal("canary-promote"), env: envTarget })
    .describe("Weighted canary: make the canary's image the stable image and stop the canary."),
  z
    .strictObject({ op: z.literal("canary-abort"), env: envTarget })
    .describe("Weighted canary: stop the canary; all traffic back to stable."),
  z
    .strictObject({ op: z.literal("rollout-steps"), steps: z.array(canaryStep).min(1), env: envTarget })
    .describe("Canary steps, e.g. [20%, 2m, 50%, 2m, 100%]."),
  z
    .strictObject({
      op: z.literal("gate"),
      successRate: z.string().optional().describe("e.g. `>= 95%`"),
      p99: z.string().optional().describe("e.g. `< 500ms`"),
      interval: duration.optional(),
      failureLimit: z.number().int().min(0).optional(),
      env: envTarget,
    })
    .describe("Metric gate of the canary."),
  z
    .strictObject({
      op: z.literal("expose"),
      host: z.string().min(1).optional(),
      path: z.string().startsWith("/").optional(),
      tls: z.boolean().optional(),
      redirectHttp: z.boolean().optional(),
      env: envTarget,
    })
    .describe("Expose the app on a host (HTTPS by default)."),
  z.strictObject({ op: z.literal("unexpose"), env: envTarget }).describe("Stop exposing the app."),
  z
    .strictObject({
      op: z.literal("probe"),
      path: z.string().startsWith("/").optional().describe("HTTP path"),
      port: z.union([z.number().int().min(1).max(65535), z.string()]).optional(),
      tcp: z
        .union([z.number().int().min(1).max(65535), z.string()])
        .optional()
        .describe("TCP port instead of HTTP"),
      kind: z.enum(["both", "readiness", "liveness", "startup"]).optional().describe("@default both"),
    })
    .describe("Health check: an HTTP path (optionally on a port) or a TCP port."),
  z
    .strictObject({ op: z.literal("tier"), tier: z.enum(["production", "staging", "dev"]), env: envTarget })
    .describe("Tier presets (replicas, PDB, spread, network policy)."),
  z
    .strictObject({ op: z.literal("port"), port: z.number().int().min(1).max(65535) })
    .describe("The container port."),
  z
    .strictObject({
      op: z.literal("args"),
      args: z.array(z.string()).nullable().describe("null removes them"),
    })
    .describe(
      "Arguments to the image's entrypoint (e.g. [redis-server, /etc/redis/redis.conf]). Never shell pipelines.",
    ),
  z
    .strictObject({
      op: z.literal("label"),
      key: z.string().min(1),
      value: z.string().nullable().describe("null removes the label"),
      env: envTarget,
    })
    .describe("Set or remove an organisation label."),
  z
    .strictObject({ op: z.literal("why"), key: z.string().min(1), text: z.string().min(1) })
    .describe("Record why (spec.why.<key>, e.g. key `replicas`, `rollout`, `resources`)."),
  z
    .strictObject({
      op: z.literal("storage"),
      name: dnsLabel,
      path: z.string().startsWith("/"),
      size: quantity,
      storageClass: z.string().optional(),
      accessMode: z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]).optional(),
    })
    .describe("Add or change a persistent volume (the app becomes a StatefulSet)."),
  z.strictObject({ op: z.literal("unset-storage"), name: z.string().min(1) }).describe("Remove a volume."),
  z
    .strictObject({ op: z.literal("file"), path: z.string().startsWith("/"), content: z.string() })
    .describe("Mount a read-only file with this content (e.g. a config file). Never secrets."),
  z.strictObject({ op: z.literal("unset-file"), path: z.string().min(1) }).describe("Remove a mounted file."),
  z
    .strictObject({
      op: z.literal("allow-from"),
      app: dnsLabel.optional(),
      namespace: z.string().optional(),
      podLabels: z.record(z.string(), z.string()).optional(),
    })
    .describe("Allow connections from another app / namespace / pods (NetworkPolicy)."),
  z
    .strictObject({ op: z.literal("egress"), egress: z.enum(["all", "dns-only", "none"]) })
    .describe("Egress allowed by the NetworkPolicy."),
  z
    .strictObject({ op: z.literal("network-policy"), enabled: z.boolean() })
    .describe("Emit the default-deny NetworkPolicy or not."),
  z
    .strictObject({
      op: z.literal("security"),
      writablePaths: z.array(z.string().startsWith("/")).optional().describe("Writable emptyDir mounts"),
      runAsUser: z.number().int().min(0).optional(),
      runAsNonRoot: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
      privileged: z.boolean().optional(),
      capabilitiesAdd: z.array(z.string()).optional(),
      seccompProfile: z.enum(["RuntimeDefault", "Localhost", "Unconfined"]).optional(),
      serviceAccountToken: z.boolean().optional(),
      why: reason,
    })
    .describe(
      "Container security settings. Relaxations (root, privileged, capabilities, writable root, …) need a human's approval.",
    ),
] as const;

export const intentOp = z.discriminatedUnion("op", opSchemas);
export type IntentOp = z.infer<typeof intentOp>;
export type OpName = IntentOp["op"];
export const OP_NAMES: OpName[] = opSchemas.map((s) => s.shape.op.value);

/** The op list as JSON Schema (draft 2020-12), for the model's tool / response format. */
export function opsJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(z.array(intentOp), { target: "draft-2020-12" }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------------------------

/** What the applier needs to know beyond the document: pure facts, no I/O. */
export interface ApplyContext {
  /** Environment names the platform defines (for `env` targets). */
  environments: readonly string[];
  /** The platform's progressive delivery engine. @default "none" */
  engine?: "none" | "argo-rollouts" | "traefik-weighted" | "gateway-weighted";
}

export interface OpError {
  /** Index of the operation in the list, or -1 for the result as a whole. */
  index: number;
  op?: string;
  message: string;
}

export interface EditResult {
  /** The new file text (the original when there are errors). */
  text: string;
  /** Unified diff of the file. */
  diff: string;
  /** One human line per applied operation. */
  applied: string[];
  errors: OpError[];
}

class OpFailure extends Error {}

type Path = (string | number)[];

/** Fields an environment override may carry (spec.environments.<env>). */
const OVERRIDABLE = new Set([
  "image",
  "replicas",
  "autoscaling",
  "resources",
  "tier",
  "env",
  "expose",
  "rollout",
  "labels",
]);

const RENDER: ToStringOptions = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false };

/** Parse a list of operations (from JSON, YAML or a model), with an error per bad item. */
export function parseOps(value: unknown): { ops: IntentOp[]; errors: OpError[] } {
  if (!Array.isArray(value))
    return { ops: [], errors: [{ index: -1, message: "operations must be a list" }] };
  const ops: IntentOp[] = [];
  const errors: OpError[] = [];
  value.forEach((item, index) => {
    const r = intentOp.safeParse(item);
    if (r.success) {
      ops.push(r.data);
      return;
    }
    const name = typeof item === "object" && item !== null ? (item as { op?: unknown }).op : undefined;
    const op = typeof name === "string" ? name : undefined;
    const messages = r.error.issues.map((i) => {
      if (i.code === "invalid_union" && i.path.length === 1 && i.path[0] === "op")
        return `unknown operation \`${String(op)}\` (known: ${OP_NAMES.join(", ")})`;
      if (i.code === "unrecognized_keys")
        return `unknown field(s) ${i.keys.map((k) => `\`${k}\``).join(", ")} for operation \`${String(op)}\``;
      return `${i.path.join(".") || "(operation)"}: ${i.message}`;
    });
    errors.push({ index, ...(op ? { op } : {}), message: [...new Set(messages)].join("; ") });
  });
  return { ops, errors };
}

/** One line describing an operation, for diffs, PR bodies and the audit log. */
export function describeOp(op: IntentOp): string {
  const where = "env" in op && op.env ? ` (${op.env})` : "";
  const { op: name, ...rest } = op;
  const args = Object.entries(rest)
    .filter(([k, v]) => k !== "env" && v !== undefined)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === "string" ? v.split("\n")[0] + (v.includes("\n") ? "…" : "") : JSON.stringify(v)}`,
    )
    .join(" ");
  return `${name}${args ? ` ${args}` : ""}${where}`;
}

/**
 * Apply operations to the App document with the given index in an intent file's text (all or nothing).
 * Unchanged lines keep their exact bytes; the result must still be a valid App.
 */
export function editIntentText(
  text: string,
  file: string,
  ops: readonly IntentOp[],
  context: ApplyContext,
  docIndex = 0,
): EditResult {
  const docs = parseAllDocuments(text, { keepSourceTokens: false });
  if (!Array.isArray(docs)) return fail(text, [{ index: -1, message: `${file}: empty file` }]);
  const doc = docs[docIndex];
  if (!doc) return fail(text, [{ index: -1, message: `${file}: no document ${docIndex}` }]);
  if (doc.errors.length > 0)
    return fail(text, [{ index: -1, message: `${file}: ${doc.errors[0]?.message}` }]);
  const before = render(docs);
  const errors: OpError[] = [];
  const applied: string[] = [];
  ops.forEach((op, index) => {
    try {
      applyOp(doc, op, context);
      applied.push(describeOp(op));
    } catch (e) {
      if (!(e instanceof OpFailure)) throw e;
      errors.push({ index, op: op.op, message: e.message });
    }
  });
  if (errors.length > 0) return fail(text, errors);
  const check = appIntent.safeParse(doc.toJS());
  if (!check.success) {
    return fail(
      text,
      check.error.issues.map((i) => ({
        index: -1,
        message: `the result is not a valid App: ${i.path.join(".")}: ${i.message}`,
      })),
    );
  }
  const after = render(docs);
  const merged = mergeNormalizedEdit(text, before, after);
  // Trust the merge only when it means exactly what the edited document means.
  const out = merged !== undefined && sameMeaning(merged, after) ? merged : after;
  return { text: out, diff: unifiedDiff(text, out, file), applied, errors: [] };
}

function fail(text: string, errors: OpError[]): EditResult {
  return { text, diff: "", applied: [], errors };
}

function render(docs: Document[]): string {
  return docs.map((d) => d.toString(RENDER)).join("");
}

function sameMeaning(a: string, b: string): boolean {
  const x = parseAllDocuments(a);
  const y = parseAllDocuments(b);
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  return x.every((d, i) => !d.errors.length && JSON.stringify(d.toJS()) === JSON.stringify(y[i]?.toJS()));
}

// --- document helpers ---------------------------------------------------------------------------

function get(doc: Document, path: Path): unknown {
  const v = doc.getIn(path, false);
  return isScalar(v) ? v.value : v;
}

function getJS(doc: Document, path: Path): unknown {
  const v = doc.getIn(path, true);
  if (v && typeof v === "object" && "toJSON" in v && typeof v.toJSON === "function")
    return (v as { toJSON(): unknown }).toJSON();
  return isScalar(v) ? v.value : v;
}

function has(doc: Document, path: Path): boolean {
  return doc.hasIn(path);
}

/** Strings a YAML 1.1 reader (or a human) would take for something else are written quoted. */
const AMBIGUOUS =
  /^(y|n|yes|no|on|off|true|false|null|~|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+)$/i;

function styleScalar(s: Scalar): void {
  if (typeof s.value !== "string") return;
  if (s.value.includes("\n")) s.type = Scalar.BLOCK_LITERAL;
  else if (AMBIGUOUS.test(s.value) || s.value === "") s.type = Scalar.QUOTE_DOUBLE;
}

function makeNode(doc: Document, value: unknown): unknown {
  const node = doc.createNode(value);
  if (isScalar(node)) styleScalar(node);
  else visit(node, { Scalar: (_key, s) => void (typeof s.value === "string" && styleScalar(s)) });
  return node;
}

/** Set a value, keeping an existing scalar node (and its comments) when the new value is a scalar too. */
function set(doc: Document, path: Path, value: unknown): void {
  const node = doc.getIn(path, true);
  if (isScalar(node) && (value === null || typeof value !== "object")) {
    const keepStyle = typeof node.value === "string" && node.value !== "" && node.type !== Scalar.PLAIN;
    node.value = value;
    if (!keepStyle) {
      node.type = Scalar.PLAIN;
      styleScalar(node);
    }
    return;
  }
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (parentPath.length > 0 && parent !== undefined && !isMap(parent) && !isSeq(parent)) {
    throw new OpFailure(`cannot set ${path.join(".")}: ${parentPath.join(".")} is not a map`);
  }
  const created = makeNode(doc, value);
  // A list or map replacing one keeps its flow style (`[10%, 50%, 100%]` stays on one line).
  if ((isSeq(node) && isSeq(created)) || (isMap(node) && isMap(created))) created.flow = node.flow ?? false;
  // A scalar's trailing comment moves to its key when a map or list replaces it.
  if (isScalar(node) && node.comment && isMap(parent)) {
    const key = path[path.length - 1];
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) pair.key.comment = node.comment;
  }
  doc.setIn(path, created);
}

/** Delete a key, then any parent map it leaves empty (up to, not including, `spec`). */
function remove(doc: Document, path: Path): void {
  if (!doc.hasIn(path)) return;
  doc.deleteIn(path);
  for (let p = path.slice(0, -1); p.length > 1; p = p.slice(0, -1)) {
    const node = doc.getIn(p, true);
    if ((isMap(node) || isSeq(node)) && node.items.length === 0) doc.deleteIn(p);
    else break;
  }
}

function asMap(doc: Document, path: Path): YAMLMap | undefined {
  const n = doc.getIn(path, true);
  return isMap(n) ? n : undefined;
}

// --- the operations -----------------------------------------------------------------------------

function applyOp(doc: Document, op: IntentOp, ctx: ApplyContext): void {
  const env = "env" in op ? op.env : undefined;
  if (env !== undefined && !ctx.environments.includes(env)) {
    throw new OpFailure(
      `unknown environment \`${env}\` (the platform defines ${ctx.environments.join(", ")})`,
    );
  }
  const at = (field: string): Path => {
    if (env === undefined) return ["spec", field];
    if (!OVERRIDABLE.has(field)) throw new OpFailure(`${field} cannot differ per environment`);
    return ["spec", "environments", env, field];
  };
  switch (op.op) {
    case "image": {
      set(doc, at("image"), imageFrom(doc, op, at("image")));
      return;
    }
    case "replicas": {
      const scaling = get(doc, at("autoscaling"));
      if (isMap(scaling))
        throw new OpFailure(
          `replicas: autoscaling is on${env ? ` in ${env}` : ""}, so a fixed count would be ignored; change autoscaling, or turn it off first (autoscaling-off)`,
        );
      set(doc, at("replicas"), op.replicas);
      return;
    }
    case "env": {
      const sources = [op.value !== undefined, op.fromSecret !== undefined, op.fromConfigMap !== undefined];
      if (sources.filter(Boolean).length !== 1)
        throw new OpFailure(`env ${op.name}: give exactly one of value, fromSecret, fromConfigMap`);
      if (op.value !== undefined && looksLikeSecret(op.name, String(op.value))) {
        throw new OpFailure(
          `env ${op.name}: refusing a literal that looks like a credential; reference a Secret with fromSecret`,
        );
      }
      const value =
        op.value !== undefined
          ? op.value
          : op.fromSecret
            ? { secret: op.fromSecret.name, key: op.fromSecret.key }
            : { config: op.fromConfigMap?.name ?? "", key: op.fromConfigMap?.key ?? "" };
      set(doc, [...at("env"), op.name], value);
      return;
    }
    case "unset-env": {
      const path = [...at("env"), op.name];
      if (!has(doc, path)) {
        if (env !== undefined && has(doc, ["spec", "env", op.name]))
          throw new OpFailure(
            `env ${op.name} is set for every environment; unset it without an environment, or override its value in ${env}`,
          );
        throw new OpFailure(`env ${op.name} is not set`);
      }
      remove(doc, path);
      return;
    }
    case "resources": {
      const path = at("resources");
      if (op.requests === undefined && op.limits === undefined) {
        if (!op.profile) throw new OpFailure("resources: give a profile, requests or limits");
        set(doc, path, op.profile);
        return;
      }
      const current = get(doc, path);
      if (typeof current === "string" || current === undefined) {
        set(doc, path, { ...((op.profile ?? current) ? { profile: op.profile ?? current } : {}) });
      } else if (op.profile) set(doc, [...path, "profile"], op.profile);
      for (const side of ["requests", "limits"] as const) {
        const values = op[side];
        if (!values) continue;
        for (const [k, v] of Object.entries(values)) if (v !== undefined) set(doc, [...path, side, k], v);
      }
      return;
    }
    case "autoscaling": {
      if (op.min > op.max)
        throw new OpFailure(`autoscaling: min (${op.min}) is greater than max (${op.max})`);
      const path = at("autoscaling");
      if (!asMap(doc, path)) set(doc, path, {});
      set(doc, [...path, "min"], op.min);
      set(doc, [...path, "max"], op.max);
      if (op.cpu !== undefined) set(doc, [...path, "cpu"], op.cpu);
      if (op.memory !== undefined) set(doc, [...path, "memory"], op.memory);
      // A fixed count at the same level would pin the replicas and switch the autoscaler off.
      remove(doc, at("replicas"));
      return;
    }
    case "autoscaling-off":
      if (env !== undefined) set(doc, at("autoscaling"), false);
      else remove(doc, at("autoscaling"));
      return;
    case "canary-weight": {
      const c = weightedCanary(doc, env, ctx, "canary-weight");
      if (!has(doc, [...c, "image"]))
        throw new OpFailure("canary-weight: no canary is running (start one with canary-image first)");
      set(doc, [...c, "weight"], op.weight);
      return;
    }
    case "canary-image": {
      if (
        op.image === undefined &&
        op.tag === undefined &&
        op.replicas === undefined &&
        op.namespace === undefined
      )
        throw new OpFailure("canary-image: give an image or a tag");
      const c = weightedCanary(doc, env, ctx, "canary-image");
      if (op.image !== undefined || op.tag !== undefined) {
        const stable = get(doc, at("image")) ?? get(doc, ["spec", "image"]);
        const base = (get(doc, [...c, "image"]) as string | undefined) ?? (stable as string | undefined);
        set(doc, [...c, "image"], imageFrom(doc, op, [...c, "image"], base));
      }
      if (op.replicas !== undefined) set(doc, [...c, "replicas"], op.replicas);
      if (op.namespace !== undefined) set(doc, [...c, "namespace"], op.namespace);
      return;
    }
    case "canary-promote": {
      const c = weightedCanary(doc, env, ctx, "canary-promote");
      const image = get(doc, [...c, "image"]);
      if (typeof image !== "string") throw new OpFailure("canary-promote: no canary is running");
      set(doc, at("image"), image);
      remove(doc, [...c, "weight"]);
      remove(doc, [...c, "image"]);
      return;
    }
    case "canary-abort": {
      const c = weightedCanary(doc, env, ctx, "canary-abort");
      if (!has(doc, [...c, "image"])) throw new OpFailure("canary-abort: no canary is running");
      remove(doc, [...c, "weight"]);
      remove(doc, [...c, "image"]);
      return;
    }
    case "rollout-steps": {
      const path = [...rolloutPath(doc, env), "canary"];
      const current = get(doc, path);
      if (isMap(current) || (current === undefined && isWeighted(ctx))) {
        if (current === undefined) set(doc, path, {});
        set(doc, [...path, "steps"], op.steps);
      } else set(doc, path, op.steps);
      return;
    }
    case "gate": {
      const rollout = rolloutPath(doc, env);
      const canary = get(doc, [...rollout, "canary"]);
      const path =
        isMap(canary) && has(doc, [...rollout, "canary", "gate"])
          ? [...rollout, "canary", "gate"]
          : [...rollout, "gate"];
      if (!asMap(doc, path)) set(doc, path, {});
      for (const k of ["successRate", "p99", "interval", "failureLimit"] as const)
        if (op[k] !== undefined) set(doc, [...path, k], op[k]);
      return;
    }
    case "expose": {
      const path = at("expose");
      if (!asMap(doc, path)) {
        if (env === undefined && op.host === undefined) throw new OpFailure("expose: give a host");
        set(doc, path, {});
      }
      for (const k of ["host", "path", "tls", "redirectHttp"] as const)
        if (op[k] !== undefined) set(doc, [...path, k], op[k]);
      return;
    }
    case "unexpose":
      if (env !== undefined) set(doc, at("expose"), false);
      else remove(doc, at("expose"));
      return;
    case "probe": {
      if ((op.path === undefined) === (op.tcp === undefined))
        throw new OpFailure("probe: give exactly one of path, tcp");
      const value =
        op.tcp !== undefined
          ? { tcp: op.tcp }
          : op.port !== undefined
            ? { path: op.path, port: op.port }
            : op.path;
      const kind = op.kind ?? "both";
      if (kind === "both") {
        set(doc, ["spec", "probe"], value);
        remove(doc, ["spec", "probes", "readiness"]);
        remove(doc, ["spec", "probes", "liveness"]);
      } else set(doc, ["spec", "probes", kind], value);
      return;
    }
    case "tier":
      set(doc, at("tier"), op.tier);
      return;
    case "port":
      if (has(doc, ["spec", "ports"]))
        throw new OpFailure("port: the app declares `ports:`; edit them instead");
      set(doc, ["spec", "port"], op.port);
      return;
    case "args":
      if (op.args === null) remove(doc, ["spec", "args"]);
      else set(doc, ["spec", "args"], op.args);
      return;
    case "label": {
      const path: Path = env === undefined ? ["metadata", "labels", op.key] : [...at("labels"), op.key];
      if (op.value === null) remove(doc, path);
      else set(doc, path, op.value);
      return;
    }
    case "why":
      whyMap(doc);
      set(doc, ["spec", "why", op.key], op.text);
      return;
    case "storage": {
      const list = (getJS(doc, ["spec", "storage"]) as { name?: string }[] | undefined) ?? [];
      const i = list.findIndex((s) => s.name === op.name);
      const { op: _op, ...value } = op;
      if (i < 0) {
        if (!has(doc, ["spec", "storage"])) set(doc, ["spec", "storage"], []);
        const seq = doc.getIn(["spec", "storage"], true);
        if (!isSeq(seq)) throw new OpFailure("storage: spec.storage is not a list");
        seq.add(makeNode(doc, value));
      } else {
        for (const [k, v] of Object.entries(value))
          if (v !== undefined) set(doc, ["spec", "storage", i, k], v);
      }
      return;
    }
    case "unset-storage": {
      const list = (getJS(doc, ["spec", "storage"]) as { name?: string }[] | undefined) ?? [];
      const i = list.findIndex((s) => s.name === op.name);
      if (i < 0) throw new OpFailure(`storage ${op.name} is not declared`);
      remove(doc, ["spec", "storage", i]);
      return;
    }
    case "file":
      if (looksLikeSecret("", op.content))
        throw new OpFailure(
          `file ${op.path}: the content looks like a credential; mount it from a Secret instead`,
        );
      set(doc, ["spec", "files", op.path], op.content);
      return;
    case "unset-file":
      if (!has(doc, ["spec", "files", op.path])) throw new OpFailure(`file ${op.path} is not declared`);
      remove(doc, ["spec", "files", op.path]);
      return;
    case "allow-from": {
      if (op.app === undefined && op.namespace === undefined && op.podLabels === undefined)
        throw new OpFailure("allow-from: give an app, a namespace or pod labels");
      const { op: _op, ...peer } = op;
      const list = (getJS(doc, ["spec", "network", "allowFrom"]) as unknown[] | undefined) ?? [];
      if (list.some((p) => JSON.stringify(p) === JSON.stringify(peer))) return;
      if (!has(doc, ["spec", "network", "allowFrom"])) set(doc, ["spec", "network", "allowFrom"], []);
      const seq = doc.getIn(["spec", "network", "allowFrom"], true);
      if (!isSeq(seq)) throw new OpFailure("allow-from: spec.network.allowFrom is not a list");
      seq.add(makeNode(doc, peer));
      return;
    }
    case "egress":
      set(doc, ["spec", "network", "egress"], op.egress);
      return;
    case "network-policy":
      set(doc, ["spec", "network", "policy"], op.enabled);
      return;
    case "security": {
      const { op: _op, why, capabilitiesAdd, ...fields } = op;
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) set(doc, ["spec", "security", k], v);
      if (capabilitiesAdd !== undefined)
        set(doc, ["spec", "security", "capabilities", "add"], capabilitiesAdd);
      if (why !== undefined) {
        whyMap(doc);
        set(doc, ["spec", "why", "security"], why);
      }
      return;
    }
  }
}

/** `why: "text"` becomes `why: {app: "text"}` (the same scalar node, so its quoting and comments stay). */
function whyMap(doc: Document): void {
  const node = doc.getIn(["spec", "why"], true);
  if (!isScalar(node)) return;
  const map = doc.createNode({}) as YAMLMap;
  map.add(doc.createPair("app", node));
  doc.setIn(["spec", "why"], map);
}

function isWeighted(ctx: ApplyContext): boolean {
  return ctx.engine === "traefik-weighted" || ctx.engine === "gateway-weighted";
}

/** New image reference from an `image` or a `tag` (relative to `base`, default the current value). */
function imageFrom(
  doc: Document,
  op: { image?: string | undefined; tag?: string | undefined },
  path: Path,
  base?: string,
): string {
  if ((op.image === undefined) === (op.tag === undefined))
    throw new OpFailure(`${op.image === undefined ? "give" : "give only"} one of image, tag`);
  if (op.image !== undefined) {
    if (!parseImage(op.image)) throw new OpFailure(`\`${op.image}\` is not an image reference`);
    return op.image;
  }
  const current =
    base ?? (get(doc, path) as string | undefined) ?? (get(doc, ["spec", "image"]) as string | undefined);
  const ref = typeof current === "string" ? parseImage(current) : undefined;
  if (!ref) throw new OpFailure("tag: the current image is not a valid reference; give the full image");
  const tag = String(op.tag).replace(/^:/, "");
  const next = formatImage({
    ...(ref.registry ? { registry: ref.registry } : {}),
    repository: ref.repository,
    tag,
  });
  if (!parseImage(next)) throw new OpFailure(`\`${tag}\` is not a valid tag`);
  return next;
}

/**
 * Where rollout settings go. An environment's `rollout` replaces the app's (shallow merge), so the first
 * per-environment rollout edit starts from a copy of the app's rollout.
 */
function rolloutPath(doc: Document, env: string | undefined): Path {
  if (env === undefined) return ["spec", "rollout"];
  const path = ["spec", "environments", env, "rollout"];
  if (!has(doc, path)) {
    const base = getJS(doc, ["spec", "rollout"]);
    set(doc, path, base && typeof base === "object" ? structuredClone(base) : {});
  } else if (!has(doc, [...path, "canary"]) && has(doc, ["spec", "rollout", "canary"])) {
    set(doc, [...path, "canary"], structuredClone(getJS(doc, ["spec", "rollout", "canary"])));
  }
  return path;
}

/** Path of the weighted canary object, creating it (or converting a step list) as needed. */
function weightedCanary(doc: Document, env: string | undefined, ctx: ApplyContext, name: string): Path {
  if (ctx.engine !== undefined && !isWeighted(ctx)) {
    throw new OpFailure(
      `${name}: the platform's progressive delivery is ${ctx.engine}; canary images and weights apply to traefik-weighted or gateway-weighted (with argo-rollouts, change the image and set rollout-steps)`,
    );
  }
  const path = [...rolloutPath(doc, env), "canary"];
  const current = doc.getIn(path, true);
  if (current === undefined) set(doc, path, {});
  else if (isSeq(current)) set(doc, path, { steps: current.toJSON() });
  else if (!isMap(current)) throw new OpFailure(`${name}: ${path.join(".")} is not a map`);
  return path;
}

/** The operation vocabulary as markdown (docs/ai-operations.md), generated from the schema. */
export function opsMarkdown(): string {
  const lines = [
    "# Intent operations",
    "",
    "Generated from `src/intent/edit/ops.ts` (the schema `kintent set` and `kintent ask` share). Do not edit by hand.",
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
