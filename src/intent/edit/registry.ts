/**
 * The intent operations: every change `kintent set <verb>`, `kintent set ops FILE` and a model's answer to
 * `kintent ask` can make to an App intent — one entry each, in OPERATIONS below.
 *
 * ADDING AN OPERATION is exactly one new entry here (plus its tests), holding everything about it:
 *   - `schema`: `z.strictObject({op: z.literal("<name>"), …})`, every field and the object `.describe()`d
 *     (models read the descriptions; `env: envTarget` makes it per-environment);
 *   - `apply`: the change on the App's YAML document (comments and formatting are kept by AppDocument);
 *     throw OpFailure naming the field for a request that cannot be applied;
 *   - `why`: the `spec.why` key a reason for it is recorded under (`kintent set … --why`);
 *   - `verb`, when people should type it: its `kintent set` arguments, options and argv → operations builder.
 *     A verb that yields several operations (`env NAME-` → unset-env, `expose off` → unexpose) is defined on
 *     its main operation; the operations it also yields have no verb of their own.
 * Everything else follows from this list: the IntentOp union and OP_NAMES, the JSON Schema models answer
 * with, docs/ai-operations.md (regenerate it: its test shows the difference), the verbs `kintent set`
 * registers, and their `--why` keys. The order is the order of all of those, `kintent set --help` included.
 */
import { isMap, isScalar, isSeq } from "yaml";
import * as z from "zod";
import { looksLikeSecret } from "../../core/secrets.js";
import { UsageError } from "../../core/errors.js";
import { dnsLabel, duration, percent, quantity, resourceProfile } from "../schema.js";
import type { Path } from "./app-document.js";
import { imageFrom } from "./image-from.js";
import { OpFailure } from "./op-failure.js";
import { canaryStep, cpuMemory, envTarget, imageRef, imageTag, reason } from "./op-fields.js";
import { defineOp } from "./operation.js";
import type { OpRequest } from "./operation.js";
import {
  effectiveRollout,
  isWeighted,
  requireWeighted,
  rolloutPath,
  runningCanaryImage,
  stopCanary,
  weightedCanary,
} from "./rollout-target.js";
import { clean, envOf, imageOrTag, int, onOff, ref } from "./verb-args.js";
import { keepVersionLabelInStep } from "./version-label.js";

export const OPERATIONS = [
  defineOp({
    schema: z
      .strictObject({
        op: z.literal("image"),
        image: imageRef.optional(),
        tag: imageTag.optional(),
        env: envTarget,
      })
      .describe("Set the container image, or only its tag (give exactly one of image, tag)."),
    why: "image",
    apply(op, { doc, env, at }) {
      const before = (doc.get(at("image")) ?? doc.get(["spec", "image"])) as string | undefined;
      const after = imageFrom(doc, op, at("image"));
      doc.set(at("image"), after);
      keepVersionLabelInStep(doc, env, before, after);
    },
    verb: {
      args: "<image>",
      description: "container image (`ghcr.io/acme/shop:1.5.0`, or `:1.5.0` for the tag only)",
      build: ([v], o) => [{ op: "image", ...imageOrTag(v ?? ""), ...envOf(o) }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("replicas"), replicas: z.number().int().min(0), env: envTarget })
      .describe("Set a fixed replica count."),
    why: "replicas",
    apply(op, { doc, env, at }) {
      if (isMap(doc.get(at("autoscaling"))))
        throw new OpFailure(
          `replicas: autoscaling is on${env ? ` in ${env}` : ""}, so a fixed count would be ignored; change autoscaling, or turn it off first (autoscaling-off)`,
        );
      doc.set(at("replicas"), op.replicas);
    },
    verb: {
      args: "<n>",
      description: "fixed replica count",
      build: ([v], o) => [{ op: "replicas", replicas: int("replicas", v ?? ""), ...envOf(o) }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("env"),
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "must be an environment variable name"),
        value: z
          .union([z.string(), z.number(), z.boolean()])
          .optional()
          .describe("A literal, never a secret."),
        fromSecret: z
          .strictObject({ name: z.string().min(1), key: z.string().min(1) })
          .optional()
          .describe("Reference a key of an existing Secret (for passwords, tokens, keys)."),
        fromConfigMap: z.strictObject({ name: z.string().min(1), key: z.string().min(1) }).optional(),
        env: envTarget,
      })
      .describe("Set an environment variable: exactly one of value, fromSecret, fromConfigMap."),
    why: "env",
    apply(op, { doc, at }) {
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
      doc.set([...at("env"), op.name], value);
    },
    verb: {
      args: "<vars...>",
      description:
        "environment variables: NAME=value (literals only, never secrets), NAME- to remove, or NAME with --from-secret/--from-configmap",
      options: [
        { flags: "--from-secret <secret:key>", description: "reference a key of an existing Secret" },
        { flags: "--from-configmap <configmap:key>", description: "reference a key of a ConfigMap" },
      ],
      build: (vars, o) =>
        vars.map((v): OpRequest => {
          if (v.endsWith("-") && !v.includes("="))
            return { op: "unset-env", name: v.slice(0, -1), ...envOf(o) };
          const eq = v.indexOf("=");
          if (eq > 0) return { op: "env", name: v.slice(0, eq), value: v.slice(eq + 1), ...envOf(o) };
          if (typeof o.fromSecret === "string")
            return { op: "env", name: v, fromSecret: ref(o.fromSecret, "--from-secret"), ...envOf(o) };
          if (typeof o.fromConfigmap === "string")
            return {
              op: "env",
              name: v,
              fromConfigMap: ref(o.fromConfigmap, "--from-configmap"),
              ...envOf(o),
            };
          throw new UsageError(
            `env \`${v}\`: write NAME=value, NAME- or NAME with --from-secret <secret>:<key>`,
          );
        }),
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("unset-env"), name: z.string().min(1), env: envTarget })
      .describe("Remove an environment variable."),
    why: "env",
    apply(op, { doc, env, at }) {
      const path = [...at("env"), op.name];
      if (!doc.has(path)) {
        if (env !== undefined && doc.has(["spec", "env", op.name]))
          throw new OpFailure(
            `env ${op.name} is set for every environment; unset it without an environment, or override its value in ${env}`,
          );
        throw new OpFailure(`env ${op.name} is not set`);
      }
      doc.remove(path);
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("resources"),
        profile: resourceProfile.optional(),
        requests: cpuMemory.optional(),
        limits: cpuMemory.optional(),
        env: envTarget,
      })
      .describe("Set the resource profile and/or explicit requests/limits."),
    why: "resources",
    apply(op, { doc, at }) {
      const path = at("resources");
      if (op.requests === undefined && op.limits === undefined) {
        if (!op.profile) throw new OpFailure("resources: give a profile, requests or limits");
        doc.set(path, op.profile);
        return;
      }
      const current = doc.get(path);
      if (typeof current === "string" || current === undefined) {
        doc.set(path, { ...((op.profile ?? current) ? { profile: op.profile ?? current } : {}) });
      } else if (op.profile) doc.set([...path, "profile"], op.profile);
      for (const side of ["requests", "limits"] as const) {
        const values = op[side];
        if (!values) continue;
        for (const [k, v] of Object.entries(values)) if (v !== undefined) doc.set([...path, side, k], v);
      }
    },
    verb: {
      args: "[profile]",
      description: "resource profile (small|medium|large|xlarge) and/or explicit requests and limits",
      options: [
        { flags: "--cpu <q>", description: "CPU request" },
        { flags: "--memory <q>", description: "memory request" },
        { flags: "--limit-cpu <q>", description: "CPU limit" },
        { flags: "--limit-memory <q>", description: "memory limit" },
      ],
      build: ([profile], o) => {
        const req = clean({ cpu: o.cpu as string | undefined, memory: o.memory as string | undefined });
        const lim = clean({
          cpu: o.limitCpu as string | undefined,
          memory: o.limitMemory as string | undefined,
        });
        return [
          clean({
            op: "resources",
            profile,
            requests: Object.keys(req).length ? req : undefined,
            limits: Object.keys(lim).length ? lim : undefined,
            ...envOf(o),
          }),
        ];
      },
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("autoscaling"),
        min: z.number().int().min(1),
        max: z.number().int().min(1),
        cpu: percent.optional(),
        memory: percent.optional(),
        env: envTarget,
      })
      .describe("Autoscale between min and max replicas on CPU (and/or memory) utilisation."),
    why: "autoscaling",
    apply(op, { doc, at }) {
      if (op.min > op.max)
        throw new OpFailure(`autoscaling: min (${op.min}) is greater than max (${op.max})`);
      const path = at("autoscaling");
      if (!doc.asMap(path)) doc.set(path, {});
      doc.set([...path, "min"], op.min);
      doc.set([...path, "max"], op.max);
      if (op.cpu !== undefined) doc.set([...path, "cpu"], op.cpu);
      if (op.memory !== undefined) doc.set([...path, "memory"], op.memory);
      // A fixed count at the same level would pin the replicas and switch the autoscaler off.
      doc.remove(at("replicas"));
    },
    verb: {
      args: "<range>",
      description: "autoscale between min and max replicas: `2-10` (with --cpu/--memory targets), or `off`",
      options: [
        { flags: "--cpu <percent>", description: "target CPU utilisation, e.g. 70%" },
        { flags: "--memory <percent>", description: "target memory utilisation" },
      ],
      build: ([range], o) => {
        if (range === "off") return [{ op: "autoscaling-off", ...envOf(o) }];
        const m = /^(\d+)-(\d+)$/.exec(range ?? "");
        if (!m)
          throw new UsageError(`autoscaling range must be <min>-<max> (e.g. 2-10) or off, got \`${range}\``);
        return [
          clean({
            op: "autoscaling",
            min: Number(m[1]),
            max: Number(m[2]),
            cpu: o.cpu as string | undefined,
            memory: o.memory as string | undefined,
            ...envOf(o),
          }),
        ];
      },
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("autoscaling-off"), env: envTarget })
      .describe("Turn autoscaling off (fixed replicas)."),
    why: "autoscaling",
    apply(_op, { doc, env, at }) {
      if (env !== undefined) doc.set(at("autoscaling"), false);
      else doc.remove(at("autoscaling"));
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("canary-weight"),
        weight: z.number().int().min(0).max(100),
        env: envTarget,
      })
      .describe("Weighted canary: percentage of traffic (0-100) sent to the running canary."),
    why: "rollout",
    apply(op, { doc, env, context }) {
      const c = weightedCanary(doc, env, context, "canary-weight");
      if (effectiveRollout(doc, env).canary?.image === undefined)
        throw new OpFailure(
          `canary-weight: no canary is running${env === undefined ? "" : ` in ${env}`} (start one with canary-image first)`,
        );
      doc.set([...c, "weight"], op.weight);
    },
    verb: {
      args: "<percent>",
      description: "weighted canary: share of traffic (0-100) sent to the canary",
      build: ([v], o) => [
        { op: "canary-weight", weight: int("weight", (v ?? "").replace(/%$/, "")), ...envOf(o) },
      ],
    },
  }),

  defineOp({
    schema: z
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
    why: "rollout",
    apply(op, { doc, env, at, context }) {
      if (
        op.image === undefined &&
        op.tag === undefined &&
        op.replicas === undefined &&
        op.namespace === undefined
      )
        throw new OpFailure("canary-image: give an image or a tag");
      const c = weightedCanary(doc, env, context, "canary-image");
      if (op.image !== undefined || op.tag !== undefined) {
        // A tag applies to the canary this level runs (its own or the app's), else to its stable image.
        const stable = doc.get(at("image")) ?? doc.get(["spec", "image"]);
        const base = effectiveRollout(doc, env).canary?.image ?? (stable as string | undefined);
        doc.set([...c, "image"], imageFrom(doc, op, [...c, "image"], base));
      }
      if (op.replicas !== undefined) doc.set([...c, "replicas"], op.replicas);
      if (op.namespace !== undefined) doc.set([...c, "namespace"], op.namespace);
    },
    verb: {
      args: "<image>",
      description: "weighted canary: start or update the canary with this image (or `:tag`)",
      options: [
        { flags: "--replicas <n>", description: "canary replicas" },
        { flags: "--namespace <ns>", description: "the canary's own namespace" },
      ],
      build: ([v], o) => [
        clean({
          op: "canary-image",
          ...imageOrTag(v ?? ""),
          replicas: typeof o.replicas === "string" ? int("--replicas", o.replicas) : undefined,
          namespace: o.namespace as string | undefined,
          ...envOf(o),
        }),
      ],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("canary-promote"), env: envTarget })
      .describe(
        "Weighted canary: make the canary's image the stable image and stop the canary (with env: that environment's image only).",
      ),
    why: "rollout",
    apply(_op, { doc, env, at, context }) {
      requireWeighted(context, "canary-promote");
      const before = (doc.get(at("image")) ?? doc.get(["spec", "image"])) as string | undefined;
      const after = runningCanaryImage(doc, env, "canary-promote");
      doc.set(at("image"), after);
      keepVersionLabelInStep(doc, env, before, after);
      stopCanary(doc, weightedCanary(doc, env, context, "canary-promote"), env);
    },
    verb: {
      args: "",
      description: "weighted canary: the canary's image becomes stable; the canary stops",
      build: (_a, o) => [{ op: "canary-promote", ...envOf(o) }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("canary-abort"), env: envTarget })
      .describe(
        "Weighted canary: stop the canary; all traffic back to stable (with env: there only, as weight 0 while the app's canary runs elsewhere).",
      ),
    why: "rollout",
    apply(_op, { doc, env, context }) {
      const c = weightedCanary(doc, env, context, "canary-abort");
      runningCanaryImage(doc, env, "canary-abort");
      stopCanary(doc, c, env);
    },
    verb: {
      args: "",
      description: "weighted canary: stop the canary, all traffic back to stable",
      build: (_a, o) => [{ op: "canary-abort", ...envOf(o) }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("rollout-steps"), steps: z.array(canaryStep).min(1), env: envTarget })
      .describe("Canary steps, e.g. [20%, 2m, 50%, 2m, 100%]."),
    why: "rollout",
    apply(op, { doc, env, context }) {
      const path = [...rolloutPath(env), "canary"];
      const current = doc.get(path);
      if (isMap(current) || (current === undefined && isWeighted(context))) {
        if (current === undefined) doc.set(path, {});
        doc.set([...path, "steps"], op.steps);
      } else doc.set(path, op.steps);
    },
    verb: {
      args: "<steps...>",
      description: "canary steps, e.g. 20% 2m 50% 2m 100%",
      build: (steps, o) => [{ op: "rollout-steps", steps, ...envOf(o) }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("gate"),
        successRate: z.string().optional().describe("e.g. `>= 95%`"),
        p99: z.string().optional().describe("e.g. `< 500ms`"),
        errorCount: z.string().optional().describe("most 5xx responses per interval, e.g. `<= 5`"),
        interval: duration.optional(),
        count: z.number().int().min(1).max(100).optional().describe("measurements per evaluation"),
        failureLimit: z.number().int().min(0).optional(),
        consecutiveErrorLimit: z.number().int().min(0).optional(),
        inconclusiveLimit: z.number().int().min(0).optional(),
        env: envTarget,
      })
      .describe(
        "Metric gate of the canary: Argo Rollouts evaluates it with argo-rollouts; with weighted routing `kintent rollout step` does.",
      ),
    why: "rollout",
    apply(op, { doc, env }) {
      const rollout = rolloutPath(env);
      const canary = doc.get([...rollout, "canary"]);
      const path: Path =
        isMap(canary) && doc.has([...rollout, "canary", "gate"])
          ? [...rollout, "canary", "gate"]
          : [...rollout, "gate"];
      if (!doc.asMap(path)) doc.set(path, {});
      for (const k of [
        "successRate",
        "p99",
        "errorCount",
        "interval",
        "count",
        "failureLimit",
        "consecutiveErrorLimit",
        "inconclusiveLimit",
      ] as const)
        if (op[k] !== undefined) doc.set([...path, k], op[k]);
    },
    verb: {
      args: "",
      description: "canary metric gate",
      options: [
        { flags: "--success-rate <expr>", description: "e.g. '>= 95%'" },
        { flags: "--p99 <expr>", description: "e.g. '< 500ms'" },
        { flags: "--error-count <expr>", description: "e.g. '<= 5' (5xx responses per interval)" },
        { flags: "--interval <duration>", description: "e.g. 1m" },
        { flags: "--count <n>", description: "measurements per evaluation" },
        { flags: "--failure-limit <n>", description: "failed measurements tolerated" },
        { flags: "--consecutive-error-limit <n>", description: "consecutive query errors tolerated" },
        { flags: "--inconclusive-limit <n>", description: "inconclusive measurements tolerated" },
      ],
      build: (_a, o) => [
        clean({
          op: "gate",
          successRate: o.successRate as string | undefined,
          p99: o.p99 as string | undefined,
          errorCount: o.errorCount as string | undefined,
          interval: o.interval as string | undefined,
          count: typeof o.count === "string" ? int("--count", o.count) : undefined,
          failureLimit:
            typeof o.failureLimit === "string" ? int("--failure-limit", o.failureLimit) : undefined,
          consecutiveErrorLimit:
            typeof o.consecutiveErrorLimit === "string"
              ? int("--consecutive-error-limit", o.consecutiveErrorLimit)
              : undefined,
          inconclusiveLimit:
            typeof o.inconclusiveLimit === "string"
              ? int("--inconclusive-limit", o.inconclusiveLimit)
              : undefined,
          ...envOf(o),
        }),
      ],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("expose"),
        host: z.string().min(1).optional(),
        path: z.string().startsWith("/").optional(),
        tls: z.boolean().optional(),
        redirectHttp: z.boolean().optional(),
        env: envTarget,
      })
      .describe("Expose the app on a host (HTTPS by default)."),
    why: "expose",
    apply(op, { doc, env, at }) {
      const path = at("expose");
      if (!doc.asMap(path)) {
        if (env === undefined && op.host === undefined) throw new OpFailure("expose: give a host");
        doc.set(path, {});
      }
      for (const k of ["host", "path", "tls", "redirectHttp"] as const)
        if (op[k] !== undefined) doc.set([...path, k], op[k]);
    },
    verb: {
      args: "<host>",
      description: "expose on a host (HTTPS by default), or `off`",
      options: [
        { flags: "--path <path>", description: "path prefix" },
        { flags: "--no-tls", description: "plain HTTP" },
      ],
      build: ([host], o) =>
        host === "off"
          ? [{ op: "unexpose", ...envOf(o) }]
          : [
              clean({
                op: "expose",
                host,
                path: o.path as string | undefined,
                tls: o.tls === false ? false : undefined,
                ...envOf(o),
              }),
            ],
    },
  }),

  defineOp({
    schema: z.strictObject({ op: z.literal("unexpose"), env: envTarget }).describe("Stop exposing the app."),
    why: "expose",
    apply(_op, { doc, env, at }) {
      if (env !== undefined) doc.set(at("expose"), false);
      else doc.remove(at("expose"));
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("service"),
        type: z
          .enum(["ClusterIP", "NodePort", "LoadBalancer"])
          .optional()
          .describe("ClusterIP (inside the cluster), NodePort, or LoadBalancer (a cloud load balancer)."),
        headless: z.boolean().optional().describe("No virtual IP: DNS answers with the pods' addresses."),
        externalTrafficPolicy: z
          .enum(["Cluster", "Local"])
          .optional()
          .describe("NodePort/LoadBalancer: Local keeps the client's source IP."),
        annotations: z
          .record(z.string().min(1), z.string().nullable())
          .optional()
          .describe("Service annotations (cloud load balancer settings); null removes one."),
        env: envTarget,
      })
      .describe("Set the app's Service: type, headless, externalTrafficPolicy, annotations."),
    why: "service",
    apply(op, { doc, at }) {
      const path = at("service");
      const fields = ["type", "headless", "externalTrafficPolicy"] as const;
      if (fields.every((k) => op[k] === undefined) && op.annotations === undefined)
        throw new OpFailure("service: give a type, headless, externalTrafficPolicy or annotations");
      for (const k of fields) if (op[k] !== undefined) doc.set([...path, k], op[k]);
      // Outside traffic policy means nothing on a ClusterIP Service: a switch back drops it.
      if (op.type === "ClusterIP" && op.externalTrafficPolicy === undefined)
        doc.remove([...path, "externalTrafficPolicy"]);
      for (const [k, v] of Object.entries(op.annotations ?? {})) {
        if (v === null) doc.remove([...path, "annotations", k]);
        else doc.set([...path, "annotations", k], v);
      }
    },
    verb: {
      args: "[type]",
      description:
        "the app's Service: ClusterIP, NodePort or LoadBalancer (with --annotation, --external-traffic-policy)",
      options: [
        {
          flags: "--external-traffic-policy <policy>",
          description: "Cluster or Local (keeps the client IP)",
          choices: ["Cluster", "Local"],
        },
        { flags: "--headless", description: "no virtual IP: DNS answers with the pods' addresses" },
        { flags: "--annotation <key=value...>", description: "Service annotation (key- removes it)" },
      ],
      build: ([type], o) => {
        const annotations: Record<string, string | null> = {};
        for (const a of (o.annotation as string[] | undefined) ?? []) {
          if (a.endsWith("-") && !a.includes("=")) annotations[a.slice(0, -1)] = null;
          else {
            const eq = a.indexOf("=");
            if (eq <= 0) throw new UsageError(`annotation \`${a}\`: write key=value or key-`);
            annotations[a.slice(0, eq)] = a.slice(eq + 1);
          }
        }
        return [
          clean({
            op: "service",
            type,
            headless: o.headless === true ? true : undefined,
            externalTrafficPolicy: o.externalTrafficPolicy as string | undefined,
            annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
            ...envOf(o),
          }),
        ];
      },
    },
  }),

  defineOp({
    schema: z
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
    why: "probe",
    apply(op, { doc }) {
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
        doc.set(["spec", "probe"], value);
        doc.remove(["spec", "probes", "readiness"]);
        doc.remove(["spec", "probes", "liveness"]);
      } else doc.set(["spec", "probes", kind], value);
    },
    verb: {
      args: "<check>",
      description: "health check: an HTTP path (/healthz) or tcp:<port>",
      options: [
        { flags: "--port <port>", description: "port number or name for an HTTP check" },
        {
          flags: "--kind <kind>",
          description: "which probe",
          choices: ["both", "readiness", "liveness", "startup"],
        },
      ],
      build: ([check], o) => {
        const kind = o.kind as string | undefined;
        const tcp = /^tcp:(.+)$/.exec(check ?? "");
        if (tcp) {
          const p = tcp[1] ?? "";
          return [clean({ op: "probe", tcp: /^\d+$/.test(p) ? Number(p) : p, kind })];
        }
        const port = o.port as string | undefined;
        return [
          clean({
            op: "probe",
            path: check,
            port: port === undefined ? undefined : /^\d+$/.test(port) ? Number(port) : port,
            kind,
          }),
        ];
      },
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("tier"), tier: z.enum(["production", "staging", "dev"]), env: envTarget })
      .describe("Tier presets (replicas, PDB, spread, network policy)."),
    why: "tier",
    apply(op, { doc, at }) {
      doc.set(at("tier"), op.tier);
    },
    verb: {
      args: "<tier>",
      description: "tier presets: production, staging or dev",
      build: ([t], o) => [{ op: "tier", tier: t, ...envOf(o) }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("port"), port: z.number().int().min(1).max(65535) })
      .describe("The container port."),
    why: "port",
    apply(op, { doc }) {
      if (doc.has(["spec", "ports"]))
        throw new OpFailure("port: the app declares `ports:`; edit them instead");
      doc.set(["spec", "port"], op.port);
    },
    verb: {
      args: "<port>",
      description: "the container port",
      build: ([p]) => [{ op: "port", port: int("port", p ?? "") }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("args"),
        args: z.array(z.string()).nullable().describe("null removes them"),
      })
      .describe(
        "Arguments to the image's entrypoint (e.g. [redis-server, /etc/redis/redis.conf]). Never shell pipelines.",
      ),
    apply(op, { doc }) {
      if (op.args === null) doc.remove(["spec", "args"]);
      else doc.set(["spec", "args"], op.args);
    },
    verb: {
      args: "[args...]",
      description: "arguments to the image's entrypoint (`--remove` to drop them)",
      options: [{ flags: "--remove", description: "remove the arguments" }],
      build: (args, o) => [{ op: "args", args: o.remove ? null : args }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("label"),
        key: z.string().min(1),
        value: z.string().nullable().describe("null removes the label"),
        env: envTarget,
      })
      .describe("Set or remove an organisation label."),
    why: "labels",
    apply(op, { doc, env, at }) {
      const path: Path = env === undefined ? ["metadata", "labels", op.key] : [...at("labels"), op.key];
      if (op.value === null) doc.remove(path);
      else doc.set(path, op.value);
    },
    verb: {
      args: "<labels...>",
      description: "organisation labels: key=value, or key- to remove",
      build: (labels, o) =>
        labels.map((l): OpRequest => {
          if (l.endsWith("-") && !l.includes("="))
            return { op: "label", key: l.slice(0, -1), value: null, ...envOf(o) };
          const eq = l.indexOf("=");
          if (eq <= 0) throw new UsageError(`label \`${l}\`: write key=value or key-`);
          return { op: "label", key: l.slice(0, eq), value: l.slice(eq + 1), ...envOf(o) };
        }),
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("why"), key: z.string().min(1), text: z.string().min(1) })
      .describe("Record why (spec.why.<key>, e.g. key `replicas`, `rollout`, `resources`)."),
    apply(op, { doc }) {
      doc.whyMap();
      doc.set(["spec", "why", op.key], op.text);
    },
    verb: {
      args: "<key> <text...>",
      description: "record why (spec.why.<key>)",
      ownsWhy: true,
      build: ([key, ...text]) => [{ op: "why", key: key ?? "", text: text.join(" ") }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("storage"),
        name: dnsLabel,
        path: z.string().startsWith("/").optional().describe("Mount path (needed for a new volume)."),
        size: quantity.optional().describe("Size, e.g. 10Gi (needed for a new volume)."),
        storageClass: z.string().optional(),
        accessMode: z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"]).optional(),
        emptyDir: z
          .boolean()
          .optional()
          .describe(
            "With env: true makes the volume a pod-lifetime emptyDir there (no claim); false goes back to the claim.",
          ),
        env: envTarget,
      })
      .describe(
        "Add or change a persistent volume (the app becomes a StatefulSet); with env, what differs in that environment (storageClass, size, accessMode, emptyDir).",
      ),
    why: "storage",
    apply(op, { doc, env }) {
      const list = (doc.getJS(["spec", "storage"]) as { name?: string }[] | undefined) ?? [];
      const i = list.findIndex((s) => s.name === op.name);
      if (env !== undefined) {
        if (i < 0) throw new OpFailure(`storage ${op.name}: declare the volume for every environment first`);
        if (op.path !== undefined)
          throw new OpFailure(
            "storage: the mount path is the same in every environment; drop env to change it",
          );
        const at: Path = ["spec", "environments", env, "storage", op.name];
        if (op.emptyDir === true) {
          if (op.storageClass !== undefined || op.size !== undefined || op.accessMode !== undefined)
            throw new OpFailure("storage: an emptyDir has no storageClass, size or accessMode of its own");
          doc.set(at, "emptyDir");
          return;
        }
        if (op.emptyDir === false || doc.get(at) === "emptyDir") doc.remove(at);
        for (const k of ["storageClass", "size", "accessMode"] as const)
          if (op[k] !== undefined) doc.set([...at, k], op[k]);
        return;
      }
      if (op.emptyDir !== undefined)
        throw new OpFailure("storage: emptyDir is chosen per environment; give env");
      if (i < 0 && (op.path === undefined || op.size === undefined))
        throw new OpFailure(`storage ${op.name}: a new volume needs a path and a size`);
      const { op: _op, env: _env, emptyDir: _emptyDir, ...value } = op;
      if (i < 0) doc.append(["spec", "storage"], value, "storage");
      else
        for (const [k, v] of Object.entries(value))
          if (v !== undefined) doc.set(["spec", "storage", i, k], v);
    },
    verb: {
      args: "<name>",
      description: "a persistent volume (--path, --size), or `<name> --remove`",
      options: [
        { flags: "--path <path>", description: "mount path" },
        { flags: "--size <size>", description: "e.g. 10Gi" },
        { flags: "--storage-class <class>", description: "storage class" },
        {
          flags: "--access-mode <mode>",
          description: "ReadWriteOnce, ReadWriteOncePod, ReadWriteMany or ReadOnlyMany",
        },
        { flags: "--empty-dir", description: "with --env: a pod-lifetime emptyDir there" },
        { flags: "--remove", description: "remove the volume" },
      ],
      build: ([name], o) =>
        o.remove
          ? [{ op: "unset-storage", name: name ?? "" }]
          : [
              clean({
                op: "storage",
                name: name ?? "",
                path: o.path as string | undefined,
                size: o.size as string | undefined,
                storageClass: o.storageClass as string | undefined,
                accessMode: o.accessMode as string | undefined,
                emptyDir: o.emptyDir === true ? true : undefined,
                ...envOf(o),
              }),
            ],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("unset-storage"), name: z.string().min(1) })
      .describe("Remove a volume."),
    why: "storage",
    apply(op, { doc }) {
      const list = (doc.getJS(["spec", "storage"]) as { name?: string }[] | undefined) ?? [];
      const i = list.findIndex((s) => s.name === op.name);
      if (i < 0) throw new OpFailure(`storage ${op.name} is not declared`);
      doc.remove(["spec", "storage", i]);
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("file"), path: z.string().startsWith("/"), content: z.string() })
      .describe("Mount a read-only file with this content (e.g. a config file). Never secrets."),
    why: "files",
    apply(op, { doc }) {
      if (looksLikeSecret("", op.content))
        throw new OpFailure(
          `file ${op.path}: the content looks like a credential; mount it from a Secret instead`,
        );
      doc.set(["spec", "files", op.path], op.content);
    },
    verb: {
      args: "<path>",
      description: "mount a read-only file (--from-file, --content) or remove it (--remove)",
      options: [
        { flags: "--from-file <file>", description: "content from a local file" },
        { flags: "--content <text>", description: "inline content" },
        { flags: "--remove", description: "remove the file" },
      ],
      build: ([path], o, { readFile }) => {
        if (o.remove) return [{ op: "unset-file", path: path ?? "" }];
        const content =
          typeof o.fromFile === "string" ? readFile(o.fromFile) : (o.content as string | undefined);
        if (content === undefined)
          throw new UsageError("file: give --from-file <file>, --content <text> or --remove");
        return [{ op: "file", path: path ?? "", content }];
      },
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("unset-file"), path: z.string().min(1) })
      .describe("Remove a mounted file."),
    why: "files",
    apply(op, { doc }) {
      if (!doc.has(["spec", "files", op.path])) throw new OpFailure(`file ${op.path} is not declared`);
      doc.remove(["spec", "files", op.path]);
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("allow-from"),
        app: dnsLabel.optional(),
        namespace: z.string().optional(),
        podLabels: z.record(z.string(), z.string()).optional(),
      })
      .describe("Allow connections from another app / namespace / pods (NetworkPolicy)."),
    why: "network",
    apply(op, { doc }) {
      if (op.app === undefined && op.namespace === undefined && op.podLabels === undefined)
        throw new OpFailure("allow-from: give an app, a namespace or pod labels");
      const { op: _op, ...peer } = op;
      const list = (doc.getJS(["spec", "network", "allowFrom"]) as unknown[] | undefined) ?? [];
      if (list.some((p) => JSON.stringify(p) === JSON.stringify(peer))) return;
      doc.append(["spec", "network", "allowFrom"], peer, "allow-from");
    },
    verb: {
      args: "",
      description: "allow connections from another app, namespace or pods",
      options: [
        { flags: "--from-app <app>", description: "another kintent app" },
        { flags: "--namespace <ns>", description: "its namespace" },
      ],
      build: (_a, o) => [
        clean({
          op: "allow-from",
          app: o.fromApp as string | undefined,
          namespace: o.namespace as string | undefined,
        }),
      ],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("egress"), egress: z.enum(["all", "dns-only", "none"]) })
      .describe("Egress allowed by the NetworkPolicy."),
    why: "network",
    apply(op, { doc }) {
      doc.set(["spec", "network", "egress"], op.egress);
    },
    verb: {
      args: "<mode>",
      description: "egress allowed by the NetworkPolicy: all, dns-only or none",
      build: ([m]) => [{ op: "egress", egress: m }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({ op: z.literal("network-policy"), enabled: z.boolean() })
      .describe("Emit the default-deny NetworkPolicy or not."),
    why: "network",
    apply(op, { doc }) {
      doc.set(["spec", "network", "policy"], op.enabled);
    },
    verb: {
      args: "<on|off>",
      description: "emit the default-deny NetworkPolicy or not",
      build: ([v]) => [{ op: "network-policy", enabled: onOff(v ?? "", "network-policy") }],
    },
  }),

  defineOp({
    schema: z
      .strictObject({
        op: z.literal("ref"),
        kind: z.enum(["configMap", "secret"]).describe("What the name refers to."),
        from: z.string().min(1).describe("The name the app references now."),
        to: z.string().min(1).describe("The name to reference instead (an object that exists)."),
      })
      .describe(
        "Rename a ConfigMap or Secret the app references, everywhere it does (env, envFrom, files, the canary's env and files, per-environment overrides): e.g. a name that does not exist → the one that does.",
      ),
    why: "references",
    apply(op, { doc }) {
      // The reference shapes of the schema: env `{config|secret, key}`, envFrom `{config|secret}`, files
      // `{configMap|secret, key}`; everywhere under spec but `why`.
      const keys = op.kind === "configMap" ? ["config", "configMap"] : ["secret"];
      let renamed = 0;
      const walk = (path: Path, depth: number): void => {
        if (depth > 12) return;
        const node = doc.node(path);
        if (isMap(node)) {
          for (const item of node.items) {
            const k = isScalar(item.key) ? item.key.value : item.key;
            if (typeof k !== "string" && typeof k !== "number") continue;
            const child = [...path, k];
            if (typeof k === "string" && keys.includes(k) && doc.get(child) === op.from) {
              doc.set(child, op.to);
              renamed++;
            } else walk(child, depth + 1);
          }
        } else if (isSeq(node)) node.items.forEach((_, i) => walk([...path, i], depth + 1));
      };
      for (const field of ["env", "envFrom", "files", "rollout", "environments"]) walk(["spec", field], 0);
      if (renamed === 0)
        throw new OpFailure(
          `ref: the app references no ${op.kind === "configMap" ? "ConfigMap" : "Secret"} \`${op.from}\``,
        );
    },
    verb: {
      args: "<kind> <from> <to>",
      description:
        "rename a referenced ConfigMap or Secret everywhere (`ref configmap nginx-canary-html nginx-canary-config`)",
      build: ([kind, from, to]) => {
        const k = (kind ?? "").toLowerCase();
        if (k !== "configmap" && k !== "secret")
          throw new UsageError(`ref: the kind is \`configmap\` or \`secret\`, not \`${kind ?? ""}\``);
        return [
          { op: "ref", kind: k === "configmap" ? "configMap" : "secret", from: from ?? "", to: to ?? "" },
        ];
      },
    },
  }),

  defineOp({
    schema: z
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
    why: "security",
    apply(op, { doc }) {
      const { op: _op, why, capabilitiesAdd, ...fields } = op;
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) doc.set(["spec", "security", k], v);
      if (capabilitiesAdd !== undefined)
        doc.set(["spec", "security", "capabilities", "add"], capabilitiesAdd);
      if (why !== undefined) {
        doc.whyMap();
        doc.set(["spec", "why", "security"], why);
      }
    },
    verb: {
      args: "",
      description: "container security settings (a person may relax them; record why with --why)",
      options: [
        { flags: "--writable-path <path...>", description: "writable emptyDir mounts" },
        { flags: "--run-as-user <uid>", description: "user id" },
        { flags: "--run-as-non-root <on|off>", description: "" },
        { flags: "--read-only-root-filesystem <on|off>", description: "" },
        { flags: "--allow-privilege-escalation <on|off>", description: "" },
        { flags: "--privileged <on|off>", description: "" },
        { flags: "--add-capability <cap...>", description: "capabilities to add" },
        { flags: "--seccomp-profile <profile>", description: "RuntimeDefault, Localhost or Unconfined" },
        { flags: "--service-account-token <on|off>", description: "" },
      ],
      ownsWhy: true,
      build: (_a, o) => {
        const bool = (k: string) => (typeof o[k] === "string" ? onOff(o[k], `--${k}`) : undefined);
        return [
          clean({
            op: "security",
            writablePaths: o.writablePath as string[] | undefined,
            runAsUser: typeof o.runAsUser === "string" ? int("--run-as-user", o.runAsUser) : undefined,
            runAsNonRoot: bool("runAsNonRoot"),
            readOnlyRootFilesystem: bool("readOnlyRootFilesystem"),
            allowPrivilegeEscalation: bool("allowPrivilegeEscalation"),
            privileged: bool("privileged"),
            capabilitiesAdd: o.addCapability as string[] | undefined,
            seccompProfile: o.seccompProfile as string | undefined,
            serviceAccountToken: bool("serviceAccountToken"),
            why: o.why as string | undefined,
          }),
        ];
      },
    },
  }),
] as const;
