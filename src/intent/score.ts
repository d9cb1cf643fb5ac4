/**
 * Score (score.dev/v1b1) workload files as an alternative App input, for the fields Score and kintent share.
 *
 * Mapping:
 * - one container (Score allows several; a kintent App runs one — more is an error that says so)
 * - `variables` → env; `${metadata.*}` placeholders expand; `${resources.<r>.<key>}` becomes a reference to
 *   key `<key>` of the Secret `<workload>-<r>`, which the platform provisions (the value never enters Git)
 * - `files` (list or map form) → files; `source` is read relative to the Score file
 * - `service.ports` → ports (`targetPort` is the container port, `port` the Service port)
 * - `resources.limits/requests` → explicit resources; `livenessProbe`/`readinessProbe` → probes
 * - a resource of type `route` with `params.host` → expose
 */
import type { Finding } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { API_VERSION } from "./schema.js";
import type { WrittenApp, WrittenAppSpec, WrittenEnvValue } from "./schema.js";
import { appIntent } from "./schema.js";
import { toPointer } from "../core/json-pointer.js";

export const SCORE_API_VERSION = "score.dev/v1b1";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ScoreConversion {
  app?: WrittenApp;
  errors: Finding[];
  warnings: Finding[];
}

const PLACEHOLDER = /\$\{([^}]+)\}/g;

/** What a value is, for messages: never `[object Object]` or `undefined`. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

export function scoreToApp(doc: SourceDocument, readSource: (path: string) => string): ScoreConversion {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const err = (path: (string | number)[], message: string, severity: "error" | "warning" = "error") => {
    const pointer = toPointer(path);
    (severity === "error" ? errors : warnings).push({
      checkId: "score",
      messageId: "score-mapping",
      severity,
      message,
      path: pointer,
      loc: doc.locate(pointer),
    });
  };
  const w = doc.value as Obj;
  const meta = isObj(w.metadata) ? w.metadata : {};
  const name = meta.name;
  if (typeof name !== "string") {
    err(["metadata", "name"], "Score workload needs `metadata.name`");
    return { errors, warnings };
  }
  const containers = isObj(w.containers) ? w.containers : {};
  const names = Object.keys(containers);
  if (names.length !== 1) {
    err(
      ["containers"],
      names.length === 0
        ? "Score workload has no containers"
        : `Score workload has ${names.length} containers (${names.join(", ")}); a kintent App runs one — split sidecars into their own workloads`,
    );
    return { errors, warnings };
  }
  const cname = names[0] as string;
  const cpath = ["containers", cname];
  const container = containers[cname];
  if (!isObj(container)) {
    err(
      cpath,
      `container \`${cname}\` must be a mapping with at least \`image\`, got ${describe(container)}`,
    );
    return { errors, warnings };
  }
  const c = container;
  const resources = isObj(w.resources) ? w.resources : {};

  const expand = (value: string, at: (string | number)[]): WrittenEnvValue | undefined => {
    // Whole value is one resource output → a secret reference.
    const whole = /^\$\{resources\.([a-z0-9-]+)\.([A-Za-z0-9_.-]+)\}$/.exec(value);
    if (whole) {
      const [, res, key] = whole as unknown as [string, string, string];
      if (!(res in resources)) {
        err(at, `\`${value}\` refers to resource \`${res}\`, which the workload does not declare`);
        return undefined;
      }
      return { secret: `${name}-${res}`, key };
    }
    let bad = false;
    const out = value.replace(PLACEHOLDER, (m: string, expr: string) => {
      if (expr.startsWith("metadata.")) {
        const v = meta[expr.slice("metadata.".length)];
        if (typeof v === "string") return v;
      }
      bad = true;
      return m;
    });
    if (bad) {
      err(
        at,
        `placeholder in \`${value}\` cannot be resolved offline; only \`\${metadata.*}\` and a whole-value \`\${resources.<name>.<key>}\` are supported`,
      );
      return undefined;
    }
    return out.replace(/\$\$\{/g, "${");
  };

  const image = c.image;
  if (typeof image !== "string" || image === ".") {
    err([...cpath, "image"], "Score image must be a concrete image reference (kintent does not accept `.`)");
    return { errors, warnings };
  }
  const spec: WrittenAppSpec = { image };
  for (const field of ["command", "args"] as const) {
    const list = c[field];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((x) => typeof x === "object" && x !== null)) {
      err([...cpath, field], `\`${field}\` must be a list of strings, got ${describe(list)}`);
      continue;
    }
    spec[field] = list.map((x) => String(x));
  }

  if (isObj(c.variables)) {
    const env: Record<string, WrittenEnvValue> = {};
    for (const [k, v] of Object.entries(c.variables)) {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
        err(
          [...cpath, "variables", k],
          `variable \`${k}\` must be a string (or a number or boolean), got ${describe(v)} — quote it, or write a JSON text as a string`,
        );
        continue;
      }
      const e = expand(String(v), [...cpath, "variables", k]);
      if (e !== undefined) env[k] = e;
    }
    spec.env = env;
  }

  const fileList: [string, Obj, (string | number)[]][] = [];
  if (Array.isArray(c.files)) {
    c.files.forEach((f, i) => {
      if (isObj(f) && typeof f.target === "string") fileList.push([f.target, f, [...cpath, "files", i]]);
    });
  } else if (isObj(c.files)) {
    for (const [target, f] of Object.entries(c.files))
      if (isObj(f)) fileList.push([target, f, [...cpath, "files", target]]);
  }
  if (fileList.length > 0) {
    const files: NonNullable<WrittenAppSpec["files"]> = {};
    for (const [target, f, at] of fileList) {
      let content: string | undefined;
      if (typeof f.content === "string") content = f.content;
      else if (Array.isArray(f.content)) content = f.content.map(String).join("\n");
      else if (typeof f.source === "string") {
        try {
          content = readSource(f.source);
        } catch (e) {
          err([...at, "source"], `cannot read file source \`${f.source}\`: ${(e as Error).message}`);
          continue;
        }
      }
      if (content === undefined) {
        err(at, "file needs `content` or `source`");
        continue;
      }
      if (f.noExpand !== true) {
        const e = expand(content, at);
        if (typeof e !== "string") continue;
        content = e;
      }
      const mode = typeof f.mode === "string" ? parseInt(f.mode, 8) : undefined;
      files[target] = mode !== undefined && !Number.isNaN(mode) ? { content, mode } : content;
    }
    spec.files = files;
  }
  if (c.volumes !== undefined) {
    err(
      [...cpath, "volumes"],
      "Score volumes are not mapped; use kintent `storage` for persistent volumes",
      "warning",
    );
  }

  if (isObj(c.resources)) {
    const r: { requests?: Obj; limits?: Obj } = {};
    if (isObj(c.resources.requests)) r.requests = c.resources.requests;
    if (isObj(c.resources.limits)) r.limits = c.resources.limits;
    spec.resources = r;
  }

  const probeOf = (p: unknown): WrittenAppSpec["probe"] | undefined => {
    if (!isObj(p)) return undefined;
    if (isObj(p.httpGet) && typeof p.httpGet.path === "string") {
      const port = p.httpGet.port;
      return typeof port === "number" ? { path: p.httpGet.path, port } : { path: p.httpGet.path };
    }
    if (isObj(p.exec) && Array.isArray(p.exec.command)) return { exec: p.exec.command.map(String) };
    return undefined;
  };
  const liveness = probeOf(c.livenessProbe);
  const readiness = probeOf(c.readinessProbe);
  if (liveness || readiness) {
    spec.probes = { ...(liveness ? { liveness } : {}), ...(readiness ? { readiness } : {}) };
  }

  const service = isObj(w.service) ? w.service : {};
  if (isObj(service.ports)) {
    const bad = Object.entries(service.ports).filter(([, p]) => !isObj(p) || typeof p.port !== "number");
    for (const [pname, p] of bad)
      err(
        ["service", "ports", pname, ...(isObj(p) ? ["port"] : [])],
        `service port \`${pname}\` needs a numeric \`port\`, got ${describe(isObj(p) ? p.port : p)}`,
      );
    if (bad.length > 0) return { errors, warnings };
    spec.ports = Object.entries(service.ports).map(([pname, p]) => {
      const po = isObj(p) ? p : {};
      const target = typeof po.targetPort === "number" ? po.targetPort : (po.port as number);
      return {
        name: pname,
        port: target,
        ...(typeof po.port === "number" && po.port !== target ? { servicePort: po.port } : {}),
        ...(po.protocol === "UDP" || po.protocol === "SCTP" ? { protocol: po.protocol } : {}),
      };
    });
  }

  for (const [rname, r] of Object.entries(resources)) {
    if (!isObj(r)) continue;
    if (r.type === "route") {
      const params = isObj(r.params) ? r.params : {};
      if (typeof params.host === "string" && !params.host.includes("${")) {
        spec.expose = {
          host: params.host,
          ...(typeof params.path === "string" ? { path: params.path } : {}),
          ...(typeof params.port === "number" ? { port: params.port } : {}),
        };
      } else {
        err(["resources", rname, "params", "host"], "route resource needs a literal `params.host`");
      }
    } else if (r.type !== "dns") {
      warnings.push({
        checkId: "score",
        messageId: "score-resource",
        severity: "info",
        message: `resource \`${rname}\` (type ${typeof r.type === "string" ? r.type : describe(r.type)}) is expected as the Secret \`${name}-${rname}\`, provisioned by the platform`,
        path: toPointer(["resources", rname]),
        loc: doc.locate(toPointer(["resources", rname])),
      });
    }
  }

  const annotations = isObj(meta.annotations)
    ? Object.fromEntries(Object.entries(meta.annotations).map(([k, v]) => [k, String(v)]))
    : undefined;
  const app = {
    apiVersion: API_VERSION,
    kind: "App",
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec,
  };
  const parsed = appIntent.safeParse(app);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      err(
        [...cpath],
        `Score field maps to an invalid kintent value at ${i.path.join(".")}: ${i.message.replace(/\bundefined\b/g, "nothing")}`,
      );
    }
    return { errors, warnings };
  }
  return errors.length > 0 ? { errors, warnings } : { app: parsed.data, errors, warnings };
}
