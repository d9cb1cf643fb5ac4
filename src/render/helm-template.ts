/**
 * Helm templates from compiled objects: the objects of every environment (compiled with knob tokens, see
 * helm-knobs.ts) are merged into one template per object.
 *
 * - A field identical in every environment is written as is — or, where it holds a token, as the
 *   expression of its value (`{{ .Values.image.tag | quote }}`).
 * - A field that differs between environments and holds no token becomes a value of its own, named after
 *   what it is where kintent knows (`tier`, `imagePullSecrets`, `affinity`, `tolerations`, `storageClass`, …)
 *   and `overrides.<object>.<pointer>` otherwise; each environment's values file sets it.
 * - An object or field only some environments have is guarded by a boolean value (`podDisruptionBudget.enabled`).
 * - Extra manifests (`extra/`) merge the same way, but only their labels and annotations take the names
 *   kintent gives its own fields; anything else of theirs that differs is an `overrides` value, and an extra
 *   only some environments have is guarded by `enabled.<file stem>`, never by a flag of the app's objects.
 * The result renders, with `values-<env>.yaml`, exactly the objects `kintent build --env <env>` writes.
 */
import type { KObject } from "../core/object.js";
import { objectKey } from "../core/object.js";
import { Document } from "yaml";
import { LABELS } from "../intent/defaults.js";
import { escapeSegment, parsePointer } from "../core/json-pointer.js";
import { YAML_OPTIONS } from "./yaml.js";
import type { Token } from "./helm-knobs.js";
import { containsToken, detokenize, valuesExpr } from "./helm-knobs.js";
import { allEqual, deepEqual, isPlainObject } from "./_tree.js";
import type { Plain } from "./_tree.js";

export const ABSENT = Symbol("absent");
type Maybe = unknown;

/** Where a value lands: an object (`Kind name`) and a JSON Pointer in it ("" = the object itself). */
export interface Position {
  object: { kind: string; name: string; namespace?: string };
  pointer: string;
}

/** A per-environment value the chart reads (not a consumer knob). */
export interface Slot {
  name: string[];
  /** `with`: an empty map/list means absent (Helm's idiom); `nil`: null means absent; `required`: always set. */
  style: "with" | "nil" | "required";
  /** Per environment: the value, or ABSENT. */
  values: Maybe[];
  positions: Position[];
  description: string;
}

/** A per-environment boolean: is this object (or field) there? */
export interface Flag {
  name: string[];
  negate: boolean;
  /** Guard on a key of a knob map instead of a boolean value (`hasKey .Values.env "X"`). */
  hasKey?: boolean;
  /** Per environment: present? */
  present: boolean[];
  positions: Position[];
  description: string;
}

type Guard = Flag;
type TNode =
  | { t: "lit"; v: unknown }
  | { t: "map"; entries: { key: string; node: TNode; guard?: Guard }[] }
  | { t: "seq"; items: { node: TNode; guard?: Guard; index?: number }[] }
  | { t: "slot"; slot: Slot };

/** One environment's objects for the merge. */
export interface EnvObjects {
  /** Compiled with tokens (and Helm's labels in place). */
  tokenized: KObject[];
  /** The real build, for file names and namespaces. */
  real: KObject[];
  /** Token → this environment's value. */
  values: ReadonlyMap<Token, unknown>;
}

interface Ctx {
  stem: string;
  object: Position["object"];
  kind: string;
  pointer: string;
  /** An extra manifest: what kintent knows about its own objects' fields does not apply. */
  extra: boolean;
}

function child(ctx: Ctx, seg: string | number): Ctx {
  return { ...ctx, pointer: `${ctx.pointer}/${escapeSegment(seg)}` };
}

const POD_FIELDS = new Set([
  "imagePullSecrets",
  "nodeSelector",
  "affinity",
  "tolerations",
  "topologySpreadConstraints",
]);

const SLOT_DOCS: Record<string, string> = {
  tier: "Tier of the environment, in the `kintent.dev/tier` label (platform.yaml).",
  imagePullSecrets:
    "Secrets the kubelet pulls the image with (platform.yaml: pullSecret / imagePullSecrets).",
  nodeSelector: "Node labels the pods require (platform.yaml: nodeSelector).",
  affinity: "Node affinity of the pods (platform.yaml: nodeAffinity).",
  tolerations: "Taints the pods tolerate (platform.yaml: tolerations).",
  topologySpreadConstraints: "How pods spread over nodes and zones (decided by the tier).",
  storageClass: "Storage class of the app's volumes (platform.yaml: storageClass).",
};

const OBJECT_FLAGS: Record<string, { name: string[]; doc: string }> = {
  PodDisruptionBudget: {
    name: ["podDisruptionBudget", "enabled"],
    doc: "Emit the PodDisruptionBudget (decided by tier and replicas).",
  },
  NetworkPolicy: {
    name: ["networkPolicy", "enabled"],
    doc: "Emit the default-deny NetworkPolicy (decided by the tier).",
  },
  Ingress: { name: ["ingress", "enabled"], doc: "Expose the app (the intent's expose in this environment)." },
  HTTPRoute: {
    name: ["ingress", "enabled"],
    doc: "Expose the app (the intent's expose in this environment).",
  },
  IngressRoute: {
    name: ["ingress", "enabled"],
    doc: "Expose the app (the intent's expose in this environment).",
  },
  Certificate: {
    name: ["ingress", "enabled"],
    doc: "Expose the app (the intent's expose in this environment).",
  },
  Middleware: {
    name: ["ingress", "enabled"],
    doc: "Expose the app (the intent's expose in this environment).",
  },
  HorizontalPodAutoscaler: {
    name: ["autoscaling", "enabled"],
    doc: "Emit the HorizontalPodAutoscaler (the intent's autoscaling).",
  },
  Namespace: {
    name: ["createNamespace"],
    doc: "Emit the Namespace object (platform.yaml: createNamespace).",
  },
};

/** The name kintent gives a per-environment value at this place, when it knows what it is. */
function slotName(ctx: Ctx): { name: string[]; description: string; idiom: boolean } | undefined {
  const lab = /^(?:\/spec\/template)?\/metadata\/(labels|annotations)\/([^/]+)$/.exec(ctx.pointer);
  if (lab) {
    const key = parsePointer(`/${lab[2] as string}`)[0] ?? "";
    if (lab[1] === "labels" && key === LABELS.tier)
      return { name: ["tier"], description: SLOT_DOCS.tier as string, idiom: false };
    return {
      name: [lab[1] as string, key],
      description: `${lab[1] === "labels" ? "Label" : "Annotation"} \`${key}\`.`,
      idiom: false,
    };
  }
  if (ctx.extra) return undefined;
  const pod = /^\/spec\/template\/spec\/([^/]+)$/.exec(ctx.pointer);
  if (pod && POD_FIELDS.has(pod[1] as string))
    return { name: [pod[1] as string], description: SLOT_DOCS[pod[1] as string] as string, idiom: true };
  if (/^\/spec\/volumeClaimTemplates\/\d+\/spec\/storageClassName$/.test(ctx.pointer))
    return { name: ["storageClass"], description: SLOT_DOCS.storageClass as string, idiom: false };
  return undefined;
}

/** Maps (or lists of maps of one length) that can be merged field by field. */
function sameShape(vals: readonly unknown[]): boolean {
  if (vals.every(isPlainObject)) return true;
  if (!vals.every(Array.isArray)) return false;
  const lists = vals as unknown[][];
  const n = (lists[0] as unknown[]).length;
  return n > 0 && lists.every((l) => l.length === n && l.every(isPlainObject));
}

/** Keys of several maps, each placed after the key it follows in the map that has it. */
function orderedKeys(maps: readonly Plain[]): string[] {
  const order: string[] = [];
  for (const m of maps) {
    let at = 0;
    for (const k of Object.keys(m)) {
      const i = order.indexOf(k);
      if (i >= 0) at = i + 1;
      else order.splice(at++, 0, k);
    }
  }
  return order;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "Rollout"]);

function describe(p: Position): string {
  return `${p.object.kind} ${p.object.name}${p.pointer ? ` \`${pointerText(p.pointer)}\`` : ""}`;
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
export function pointerText(pointer: string): string {
  return parsePointer(pointer)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join("")
    .replace(/^\./, "");
}

/** The result of merging: one template tree per object plus the values they read. */
export interface ChartTemplates {
  /** File stem → template text. */
  templates: Map<string, string>;
  slots: Slot[];
  flags: Flag[];
  /** Knob id → where it lands. */
  knobPositions: Map<string, Position[]>;
  /** Pointers where a knob could not be kept live (its value is fixed per environment there). */
  frozen: Position[];
}

export interface MergeInput {
  envs: readonly EnvObjects[];
  tokens: readonly Token[];
  /** File names of the objects, keyed like the merge keys them (first environment's real object). */
  fileName: (o: KObject) => string;
  /** Merge keys (objectKey of the tokenized object) of the extra manifests. */
  extras?: ReadonlySet<string>;
}

/** Merge environments into templates. */
export function mergeTemplates(input: MergeInput): ChartTemplates {
  return new Merger(input).run();
}

class Merger {
  private readonly slots: Slot[] = [];
  private readonly flags: Flag[] = [];
  private readonly frozen: Position[] = [];
  private readonly knobPositions = new Map<string, Position[]>();
  private readonly n: number;

  constructor(private readonly input: MergeInput) {
    this.n = input.envs.length;
  }

  run(): ChartTemplates {
    const envs = this.input.envs;
    const order: string[] = [];
    const firstReal = new Map<string, KObject>();
    envs.forEach((e) =>
      e.tokenized.forEach((o, i) => {
        const key = objectKey(o);
        if (!order.includes(key)) order.push(key);
        if (!firstReal.has(key)) firstReal.set(key, e.real[i] as KObject);
      }),
    );
    const trees: { stem: string; node: TNode; guard?: Flag; ctx: Ctx }[] = [];
    for (const key of order) {
      const real = firstReal.get(key) as KObject;
      const stem = this.input.fileName(real).replace(/\.yaml$/, "");
      const idx: number[] = [];
      const vals: unknown[] = [];
      envs.forEach((e, i) => {
        const o = e.tokenized.find((x) => objectKey(x) === key);
        if (o) {
          idx.push(i);
          vals.push(o);
        }
      });
      const extra = this.input.extras?.has(key) ?? false;
      const ctx: Ctx = {
        stem,
        kind: real.kind,
        object: {
          kind: real.kind,
          name: real.metadata.name,
          ...(real.metadata.namespace ? { namespace: real.metadata.namespace } : {}),
        },
        pointer: "",
        extra,
      };
      const node = this.merge(vals, idx, ctx);
      const known = extra ? undefined : OBJECT_FLAGS[real.kind];
      const guard =
        idx.length < this.n
          ? this.flag(
              known?.name ?? ["enabled", stem],
              false,
              idx,
              ctx,
              known?.doc ??
                `Emit ${real.kind} ${real.metadata.name}${extra ? " (an extra manifest, extra/)" : ""}.`,
            )
          : undefined;
      trees.push({ stem, node, ...(guard ? { guard } : {}), ctx });
    }
    this.resolveNames();
    const templates = new Map<string, string>();
    for (const t of trees) {
      const out = new Emitter(this.input.tokens, (knob, pos) => {
        const list = this.knobPositions.get(knob) ?? [];
        if (!list.some((p) => deepEqual(p, pos))) list.push(pos);
        this.knobPositions.set(knob, list);
      });
      if (t.guard) out.push(0, `{{- if ${guardExpr(t.guard)} }}`);
      if (t.node.t === "map") out.entries(t.node.entries, 0, t.ctx);
      else if (t.node.t === "lit" && isPlainObject(t.node.v))
        out.entries(
          Object.entries(t.node.v).map(([key, v]) => ({ key, node: { t: "lit" as const, v } })),
          0,
          t.ctx,
        );
      else throw new Error(`helm: ${t.stem} is not an object`);
      if (t.guard) out.push(0, "{{- end }}");
      templates.set(t.stem, out.text());
    }
    return {
      templates,
      slots: this.slots,
      flags: this.flags,
      knobPositions: this.knobPositions,
      frozen: this.frozen,
    };
  }

  private position(ctx: Ctx): Position {
    return { object: ctx.object, pointer: ctx.pointer };
  }

  private merge(vals: unknown[], idx: number[], ctx: Ctx): TNode {
    if (allEqual(vals)) return { t: "lit", v: vals[0] };
    const tokened = vals.some((v) => containsToken(v, this.input.tokens));
    if (!tokened && (slotName(ctx) !== undefined || !sameShape(vals)))
      return this.slot(vals, idx, ctx, false);
    if (vals.every(isPlainObject)) {
      const maps = vals;
      const entries = orderedKeys(maps).map((key) => {
        const at: number[] = [];
        maps.forEach((m, i) => {
          if (key in m) at.push(i);
        });
        const sub = at.map((i) => (maps[i] as Plain)[key]);
        const subIdx = at.map((i) => idx[i] as number);
        const c = child(ctx, key);
        if (at.length === maps.length) return { key, node: this.merge(sub, subIdx, c) };
        if (!sub.some((v) => containsToken(v, this.input.tokens))) {
          const all = maps.map((m) => (key in m ? m[key] : ABSENT));
          return { key, node: this.slot(all, idx, c, true) };
        }
        const workloadReplicas = WORKLOADS.has(ctx.kind) && !ctx.extra && c.pointer === "/spec/replicas";
        const guard = this.flag(
          workloadReplicas ? ["autoscaling", "enabled"] : ["present", ctx.stem, c.pointer],
          workloadReplicas,
          subIdx,
          c,
          `Emit \`${pointerText(c.pointer)}\` of ${ctx.kind} ${ctx.object.name}.`,
        );
        return { key, node: this.merge(sub, subIdx, c), guard };
      });
      return { t: "map", entries };
    }
    if (vals.every(Array.isArray)) {
      const lists = vals as unknown[][];
      const named = this.namedMerge(lists, idx, ctx);
      if (named) return named;
      const len = (lists[0] as unknown[]).length;
      if (lists.every((l) => l.length === len))
        return {
          t: "seq",
          items: Array.from({ length: len }, (_, i) => ({
            node: this.merge(
              lists.map((l) => l[i]),
              idx,
              child(ctx, i),
            ),
          })),
        };
    }
    this.frozen.push(this.position(ctx));
    const real = vals.map((v, i) => detokenize(v, (this.input.envs[idx[i] as number] as EnvObjects).values));
    if (real.some((v) => containsToken(v, this.input.tokens)))
      throw new Error(
        `helm: cannot template ${describe(this.position(ctx))}: it differs between environments around Helm's own labels`,
      );
    return this.slot(vals, idx, ctx, false);
  }

  /** Lists of named items (containers, env, ports, volumes…) merged by name, when every list keeps the same order. */
  private namedMerge(lists: unknown[][], idx: number[], ctx: Ctx): TNode | undefined {
    const names = lists.map((l) =>
      l.map((x) => (isPlainObject(x) && typeof x.name === "string" ? x.name : undefined)),
    );
    if (names.some((l) => l.some((x) => x === undefined) || new Set(l).size !== l.length)) return undefined;
    const order: string[] = [];
    for (const l of names as string[][]) {
      let at = 0;
      for (const name of l) {
        const i = order.indexOf(name);
        if (i >= 0) at = i + 1;
        else order.splice(at++, 0, name);
      }
    }
    const consistent = (names as string[][]).every((l) =>
      l.every((x, i) => i === 0 || order.indexOf(x) > order.indexOf(l[i - 1] as string)),
    );
    if (!consistent) return undefined;
    const items = order.map((name) => {
      const at: number[] = [];
      const sub: unknown[] = [];
      let pos = 0;
      lists.forEach((l, i) => {
        const j = (names[i] as string[]).indexOf(name);
        if (j >= 0) {
          if (at.length === 0) pos = j;
          at.push(i);
          sub.push(l[j]);
        }
      });
      const subIdx = at.map((i) => idx[i] as number);
      const c = child(ctx, pos);
      const node = this.merge(sub, subIdx, c);
      if (at.length === lists.length) return { node, index: pos };
      const envKnob =
        ctx.pointer.endsWith("/env") &&
        sub.every(
          (x) =>
            isPlainObject(x) &&
            Object.keys(x).length === 2 &&
            x.name === name &&
            this.input.tokens.some((t) => t.knob === `env.${name}` && t.text === x.value),
        );
      if (envKnob) {
        const present = Array.from({ length: this.n }, (_, i) => subIdx.includes(i));
        return {
          node,
          index: pos,
          guard: {
            name: ["env", name],
            negate: false,
            hasKey: true,
            present,
            positions: [this.position(c)],
            description: "",
          },
        };
      }
      const guard = this.flag(
        ["present", ctx.stem, `${ctx.pointer}[${name}]`],
        false,
        subIdx,
        c,
        `Emit \`${name}\` in \`${pointerText(ctx.pointer)}\` of ${ctx.kind} ${ctx.object.name}.`,
      );
      return { node, guard, index: pos };
    });
    return { t: "seq", items };
  }

  private slot(vals: unknown[], idx: number[], ctx: Ctx, optional: boolean): TNode {
    const values: Maybe[] = Array.from({ length: this.n }, () => ABSENT);
    vals.forEach((v, i) => {
      const envIdx = idx[i] as number;
      values[envIdx] = v === ABSENT ? ABSENT : detokenize(v, (this.input.envs[envIdx] as EnvObjects).values);
    });
    const present = values.filter((v) => v !== ABSENT);
    const named = slotName(ctx);
    const name = named?.name ?? ["overrides", ctx.stem, ctx.pointer];
    const description = named?.description ?? `${describe(this.position(ctx))} where environments differ.`;
    const idiom = named?.idiom ?? false;
    const nonEmptyCollections =
      present.every((v) => Array.isArray(v) && v.length > 0) ||
      present.every((v) => isPlainObject(v) && Object.keys(v).length > 0);
    const style: Slot["style"] = !optional ? "required" : idiom && nonEmptyCollections ? "with" : "nil";
    const slot: Slot = { name, style, values, positions: [this.position(ctx)], description };
    this.slots.push(slot);
    return { t: "slot", slot };
  }

  private flag(name: string[], negate: boolean, presentIdx: number[], ctx: Ctx, description: string): Flag {
    const present = Array.from({ length: this.n }, (_, i) => presentIdx.includes(i));
    const f: Flag = { name, negate, present, positions: [this.position(ctx)], description };
    this.flags.push(f);
    return f;
  }

  /** Share a name only among slots (flags) that agree in every environment; the rest get unique names. */
  private resolveNames(): void {
    const groups = new Map<string, Slot[]>();
    for (const s of this.slots)
      groups.set(JSON.stringify(s.name), [...(groups.get(JSON.stringify(s.name)) ?? []), s]);
    for (const list of groups.values()) {
      const first = list[0] as Slot;
      const agree = list.every(
        (s) => s.style === first.style && s.values.every((v, i) => deepEqual(v, first.values[i])),
      );
      if (agree) {
        for (const s of list.slice(1)) first.positions.push(...s.positions);
        for (const s of list.slice(1)) s.positions = first.positions;
        continue;
      }
      for (const s of list) {
        const p = s.positions[0] as Position;
        s.name = ["overrides", this.stemOf(p), p.pointer];
        s.description = `${describe(p)} where environments differ.`;
      }
    }
    const fgroups = new Map<string, Flag[]>();
    for (const f of this.flags)
      fgroups.set(JSON.stringify(f.name), [...(fgroups.get(JSON.stringify(f.name)) ?? []), f]);
    const hpa = this.flags.find(
      (f) => f.name.join(".") === "autoscaling.enabled" && !f.negate && f.positions[0]?.pointer === "",
    );
    for (const list of fgroups.values()) {
      const first = list[0] as Flag;
      const value = (f: Flag, i: number) => (f.present[i] as boolean) !== f.negate;
      const agree = list.every((f) => f.present.every((_, i) => value(f, i) === value(first, i)));
      const standalone = first.name.join(".") === "autoscaling.enabled" && hpa === undefined;
      if (agree && !standalone) {
        const positions = list.flatMap((f) => f.positions);
        for (const f of list) f.positions = positions;
        continue;
      }
      for (const f of list) {
        const p = f.positions[0] as Position;
        f.name = ["present", this.stemOf(p), p.pointer];
        f.negate = false;
      }
    }
  }

  private stemOf(p: Position): string {
    return `${p.object.kind.toLowerCase()}-${p.object.name}`;
  }
}

function guardExpr(f: Flag): string {
  if (f.hasKey)
    return `hasKey ${valuesExpr(f.name.slice(0, -1))} ${JSON.stringify(f.name[f.name.length - 1])}`;
  const e = valuesExpr(f.name);
  return f.negate ? `not ${e}` : e;
}

function slotExpr(s: Slot): string {
  return valuesExpr(s.name);
}

/** `{{` in literal text must reach the output unchanged (Argo Rollouts' `{{args.x}}`, nginx configs). */
function escapeText(s: string): string {
  return s.replace(/\{\{/g, '{{ "{{" }}');
}

function yamlLines(value: unknown): string[] {
  const text = new Document(value, { aliasDuplicateObjects: false, version: "1.2" }).toString(YAML_OPTIONS);
  return escapeText(text).replace(/\n$/, "").split("\n");
}

function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== "object" && v !== undefined);
}

function paren(expr: string): string {
  if (expr === ".") return expr;
  return /^\.[A-Za-z0-9_.]+$/.test(expr) || expr.startsWith("(") ? expr : `(${expr})`;
}

class Emitter {
  private readonly lines: string[] = [];

  constructor(
    private readonly tokens: readonly Token[],
    private readonly onKnob: (knob: string, pos: Position) => void,
  ) {}

  push(indent: number, text: string): void {
    this.lines.push(`${" ".repeat(indent)}${text}`);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }

  entries(entries: readonly { key: string; node: TNode; guard?: Guard }[], indent: number, ctx: Ctx): void {
    for (const e of entries) {
      if (e.guard) this.push(indent, `{{- if ${guardExpr(e.guard)} }}`);
      this.keyed(e.key, e.node, indent, child(ctx, e.key));
      if (e.guard) this.push(indent, "{{- end }}");
    }
  }

  private whole(s: unknown): Token | undefined {
    return typeof s === "string" ? this.tokens.find((t) => t.type === "whole" && t.text === s) : undefined;
  }

  private keyed(key: string, node: TNode, indent: number, ctx: Ctx): void {
    const k = (yamlLines(key)[0] as string).trim();
    if (node.t === "lit") {
      const v = node.v;
      if (!containsToken(v, this.tokens)) {
        for (const line of yamlLines({ [key]: v })) this.push(indent, line);
      } else if (this.whole(v)) {
        const t = this.whole(v) as Token;
        this.record(t, ctx);
        this.push(indent, `${k}: {{- toYaml ${t.expr} | nindent ${indent + 2} }}`);
      } else if (isScalar(v)) {
        this.push(indent, `${k}: ${this.scalar(v as string | number, ctx)}`);
      } else if (Array.isArray(v)) {
        this.push(indent, `${k}:`);
        this.items(
          (v as unknown[]).map((x) => ({ node: { t: "lit" as const, v: x } })),
          indent + 2,
          ctx,
        );
      } else {
        this.push(indent, `${k}:`);
        this.entries(
          Object.entries(v as Plain).map(([key2, x]) => ({ key: key2, node: { t: "lit" as const, v: x } })),
          indent + 2,
          ctx,
        );
      }
      return;
    }
    if (node.t === "map") {
      this.push(indent, `${k}:`);
      this.entries(node.entries, indent + 2, ctx);
      return;
    }
    if (node.t === "seq") {
      this.push(indent, `${k}:`);
      this.items(node.items, indent + 2, ctx);
      return;
    }
    this.slotLines(node.slot, indent, `${k}:`);
  }

  private slotLines(s: Slot, indent: number, prefix: string): void {
    const e = slotExpr(s);
    const present = s.values.filter((v) => v !== ABSENT);
    const scalar = present.every(isScalar);
    const body = (expr: string) =>
      scalar
        ? `${prefix} {{ toJson ${paren(expr)} }}`
        : `${prefix} {{- toYaml ${paren(expr)} | nindent ${indent + 2} }}`;
    if (s.style === "with") {
      this.push(indent, `{{- with ${e} }}`);
      this.push(indent, body("."));
      this.push(indent, "{{- end }}");
    } else if (s.style === "nil") {
      this.push(indent, `{{- if not (kindIs "invalid" ${paren(e)}) }}`);
      this.push(indent, body(e));
      this.push(indent, "{{- end }}");
    } else {
      this.push(indent, body(e));
    }
  }

  private items(
    items: readonly { node: TNode; guard?: Guard; index?: number }[],
    indent: number,
    ctx: Ctx,
  ): void {
    items.forEach((item, i) => {
      if (item.guard) this.push(indent, `{{- if ${guardExpr(item.guard)} }}`);
      // Named items are documented at their index in the first environment that has them.
      this.item(item.node, indent, child(ctx, item.index ?? i));
      if (item.guard) this.push(indent, "{{- end }}");
    });
  }

  private item(node: TNode, indent: number, ctx: Ctx): void {
    if (node.t === "slot") {
      this.slotLines(node.slot, indent, "-");
      return;
    }
    if (node.t === "lit" && !containsToken(node.v, this.tokens)) {
      for (const line of yamlLines([node.v])) this.push(indent, line);
      return;
    }
    if (node.t === "lit" && this.whole(node.v)) {
      const t = this.whole(node.v) as Token;
      this.record(t, ctx);
      this.push(indent, `- {{- toYaml ${t.expr} | nindent ${indent + 2} }}`);
      return;
    }
    if (node.t === "lit" && isScalar(node.v)) {
      this.push(indent, `- ${this.scalar(node.v as string | number, ctx)}`);
      return;
    }
    const sub = new Emitter(this.tokens, this.onKnob);
    if (node.t === "seq" || (node.t === "lit" && Array.isArray(node.v))) {
      const items =
        node.t === "seq"
          ? node.items
          : (node.v as unknown[]).map((x) => ({ node: { t: "lit" as const, v: x } }));
      sub.items(items, indent + 2, ctx);
    } else {
      const entries =
        node.t === "map"
          ? node.entries
          : Object.entries(node.v as Plain).map(([key, x]) => ({ key, node: { t: "lit" as const, v: x } }));
      sub.entries(entries, indent + 2, ctx);
    }
    const [first, ...rest] = sub.lines;
    const pad = " ".repeat(indent + 2);
    if (
      first !== undefined &&
      first.startsWith(pad) &&
      !first.slice(indent + 2).startsWith("{{") &&
      !first.slice(indent + 2).startsWith("- ")
    ) {
      this.push(indent, `- ${first.slice(indent + 2)}`);
      this.lines.push(...rest);
    } else {
      this.push(indent, "-");
      this.lines.push(...sub.lines);
    }
  }

  private record(t: Token, ctx: Ctx): void {
    if (t.knob) this.onKnob(t.knob, { object: ctx.object, pointer: ctx.pointer });
  }

  /** A scalar holding tokens → a template expression. */
  private scalar(v: string | number, ctx: Ctx): string {
    if (typeof v === "number") {
      const t = this.tokens.find((x) => x.type === "number" && x.num === v) as Token;
      this.record(t, ctx);
      return `{{ ${t.expr} }}`;
    }
    const parts: (string | Token)[] = [];
    let rest = v;
    while (rest.length > 0) {
      let best: { at: number; t: Token } | undefined;
      for (const t of this.tokens) {
        if (t.type === "whole") continue;
        const at = rest.indexOf(t.text);
        if (at >= 0 && (best === undefined || at < best.at)) best = { at, t };
      }
      if (!best) {
        parts.push(rest);
        break;
      }
      if (best.at > 0) parts.push(rest.slice(0, best.at));
      parts.push(best.t);
      rest = rest.slice(best.at + best.t.text.length);
    }
    for (const p of parts) if (typeof p !== "string") this.record(p, ctx);
    if (parts.length === 1 && typeof parts[0] !== "string")
      return `{{ ${(parts[0] as Token).expr} | quote }}`;
    const fmt = parts.map((p) => (typeof p === "string" ? p.replace(/%/g, "%%") : "%v")).join("");
    const args = parts.filter((p): p is Token => typeof p !== "string").map((t) => paren(t.expr));
    return `{{ printf ${JSON.stringify(fmt)} ${args.join(" ")} | quote }}`;
  }
}

/** Values for one environment: every slot and flag it needs (ABSENT slots of absent objects left out). */
export function environmentSlotValues(t: ChartTemplates, envIndex: number, into: Plain): void {
  for (const s of t.slots) {
    const v = s.values[envIndex];
    if (v === ABSENT) {
      if (s.style === "required") continue;
      const sample = s.values.find((x) => x !== ABSENT);
      setPath(into, s.name, s.style === "with" ? (Array.isArray(sample) ? [] : {}) : null);
    } else setPath(into, s.name, v);
  }
  for (const f of t.flags) setPath(into, f.name, (f.present[envIndex] as boolean) !== f.negate);
}

export function setPath(into: Plain, path: readonly string[], value: unknown): void {
  let cur = into;
  path.slice(0, -1).forEach((seg) => {
    if (!isPlainObject(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Plain;
  });
  cur[path[path.length - 1] as string] = value;
}

export function getPath(from: unknown, path: readonly string[]): unknown {
  let cur: unknown = from;
  for (const seg of path) {
    if (!isPlainObject(cur) || !(seg in cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
