/**
 * The parity report, IMPORT.md: what was imported, the figure (objects expressed as intent vs carried), per
 * environment every source object and what became of it, the behavioural changes of default mode with their
 * reasons, the Secrets to create, the values not copied, what the intent could not express. Deterministic;
 * never a Secret value (only names and keys).
 */
import { describeObject } from "../core/object.js";
import type { FieldNote, ImportReport, ObjectStatus } from "./types.js";

const STATUS_TEXT: Record<ObjectStatus, string> = {
  equal: "equal",
  changed: "changed by a default",
  carried: "carried in extra/",
  referenced: "Secret → reference",
  dropped: "dropped",
};

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function show(v: unknown): string {
  if (v === undefined) return "∅";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function fieldLine(f: FieldNote): string {
  const change =
    "before" in f && "after" in f
      ? `${show(f.before)} → ${show(f.after)}`
      : "before" in f
        ? `${show(f.before)} → ∅`
        : `∅ → ${show(f.after)}`;
  return `\`${f.path}\`: ${change}`;
}

export function renderImportReport(r: ImportReport): string {
  const out: string[] = [];
  const what = r.chart
    ? `chart ${r.chart.name} ${r.chart.version}${r.chart.appVersion ? ` (app ${r.chart.appVersion})` : ""}`
    : `manifests ${r.source}`;
  out.push(`# Import of ${what}`, "");
  out.push(
    `\`kintent import ${r.kind}${r.mode === "exact" ? " --exact" : ""}\` from \`${r.source}\`${r.release ? `, release \`${r.release}\`` : ""}; ` +
      `apps: ${r.apps.map((a) => `\`${a}\``).join(", ")}.`,
    "",
  );
  out.push(
    r.mode === "exact"
      ? "**Mode: exact.** The intent reproduces the source's objects in every environment; kintent's defaults are overridden where the source differs, and what the intent cannot express is carried verbatim in `extra/`."
      : "**Mode: default.** The intent adopts kintent's secure defaults; every behavioural change they make is listed below with its reason. Objects with settings the intent cannot express are carried verbatim in `extra/`.",
    "",
  );
  const f = r.figure;
  out.push(
    `**Parity: ${r.parity ? "holds" : "DOES NOT HOLD"}.** Objects expressed as intent: **${f.expressed}**, carried in extra/: **${f.carried}** ` +
      `(${Math.round(f.ratio * 100)}% expressed), Secrets turned into references: ${f.referenced}, dropped: ${f.dropped} — over ${r.environments.length} environment(s).`,
    "",
  );
  out.push(
    `Compared after Kubernetes ${r.kubernetesVersion} defaulting (${r.defaulting === "offline" ? "kintent's offline defaulting, the same the API server applies; `npm test` holds it to a real kube-apiserver's server-side dry run" : "a server-side dry run"}), in a canonical form: quantities, empty fields and lists whose order means nothing. ` +
      "Bookkeeping metadata is left out of the comparison and listed: `helm.sh/chart`, `app.kubernetes.io/managed-by`, `app.kubernetes.io/version`, `kintent.dev/*`, and the `app.kubernetes.io/part-of` label kintent puts on what `extra/` holds.",
    "",
  );
  out.push(
    "| environment | inputs | namespace | source objects | equal | changed by a default | carried | Secret → reference | dropped | added by kintent |",
  );
  out.push("|---|---|---|---|---|---|---|---|---|---|");
  for (const e of r.environments)
    out.push(
      `| ${e.name} | ${cell(e.inputs.join(", ") || "(defaults)")} | ${e.namespace} | ${e.counts.source} | ${e.counts.equal} | ${e.counts.changed} | ${e.counts.carried} | ${e.counts.referenced} | ${e.counts.dropped} | ${e.counts.added} |`,
    );
  out.push("");
  for (const e of r.environments) {
    out.push(`## ${e.name}`, "");
    out.push("| object | app | from | status | why |", "|---|---|---|---|---|");
    for (const v of e.objects)
      out.push(
        `| ${cell(describeObject(v.object))} | ${v.app} | ${cell(v.source)} | ${STATUS_TEXT[v.status]}${v.file ? ` (\`${v.file}\`)` : ""}${v.violation ? " **✗**" : ""} | ${cell(v.violation ?? v.why)} |`,
      );
    out.push("");
    const detailed = e.objects.filter((v) => v.fields.length > 0);
    for (const v of detailed) {
      if (v.status === "changed") {
        out.push(`- **${describeObject(v.object)}** — changed by kintent's defaults:`);
        const byWhy = new Map<string, FieldNote[]>();
        for (const n of v.fields) byWhy.set(n.why, [...(byWhy.get(n.why) ?? []), n]);
        for (const [why, list] of byWhy) {
          out.push(`  - ${why}:`);
          for (const n of list) out.push(`    - ${fieldLine(n)}`);
        }
        continue;
      }
      out.push(`- **${describeObject(v.object)}** — what the intent could not reproduce:`);
      for (const n of v.fields.slice(0, 40)) out.push(`  - ${fieldLine(n)}`);
      if (v.fields.length > 40) out.push(`  - … ${v.fields.length - 40} more (see \`--output json\`)`);
    }
    if (detailed.length > 0) out.push("");
    if (e.added.length > 0) {
      out.push("Objects the import adds (not in the source):", "");
      for (const a of e.added) out.push(`- ${describeObject(a.object)} (${a.app}): ${a.why}`);
      out.push("");
    }
  }
  if (r.changes.length > 0) {
    out.push("## Behavioural changes you take on", "");
    for (const c of r.changes)
      out.push(`- ${c.why} — ${c.what.map((w) => `\`${w}\``).join(", ")}; ${c.objects.join(", ")}`);
    out.push("");
  }
  out.push("## Secrets", "");
  if (r.secrets.length === 0) out.push("The source renders no Secret.", "");
  else {
    out.push(
      "Secret values are never imported. Each Secret the source renders is referenced by name; create it before deploying (it is declared in `.kintent.yaml` `external.secrets`, so validation knows it exists outside Git).",
      "",
    );
    for (const s of r.secrets)
      out.push(
        `- \`${s.namespace}/${s.name}\` (${s.type}; keys ${s.keys.join(", ") || "none"}; ${s.environments.join(", ") || "referenced"}; used by ${s.usedBy.join(", ")})${s.generated ? " — the chart generates it on every render (random or self-signed): " : ": "}${s.howTo}`,
      );
    out.push("");
  }
  if (r.random.length > 0) {
    out.push(
      "## Values not copied",
      "",
      "Values that change on every render (randAlphaNum, genCA, …) and credentials written as literals are never copied into the import:",
      "",
    );
    for (const x of r.random)
      out.push(
        `- ${describeObject(x.object)} (${x.environment}): ${x.paths.map((p) => `\`${p}\``).join(", ")} — ${x.what}`,
      );
    out.push("");
  }
  if (r.lookups.length > 0) {
    out.push(
      "## `lookup`",
      "",
      `These templates call \`lookup\`, which \`helm template\` answers as if the cluster were empty: ${r.lookups.map((l) => `\`${l}\``).join(", ")}. The import holds what they render then; check it against your cluster.`,
      "",
    );
  }
  if (r.unexpressed.length > 0) {
    out.push(
      "## What the intent could not express",
      "",
      "Fields that made objects carried, by how many objects needed them — the next intent fields:",
      "",
    );
    for (const u of r.unexpressed)
      out.push(`- \`${u.field}\` — ${u.objects.length}: ${u.objects.join(", ")}`);
    out.push("");
  }
  if (r.warnings.length > 0) {
    out.push("## Notes", "");
    for (const w of r.warnings) out.push(`- ${w}`);
    out.push("");
  }
  out.push("## Files", "", ...r.files.map((x) => `- \`${x}\``), "");
  return out.join("\n");
}
