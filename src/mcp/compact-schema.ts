/**
 * A JSON Schema without repetition, for answers with a size bound: zod writes a shared shape (probes, ports,
 * env entries, rollouts) out at every place it is used, so the intent schema repeats itself. Every subschema
 * that occurs more than once and is large enough to matter moves to the root `$defs` once, and each place
 * refers to it with `$ref: "#/$defs/…"` — the same schema for any validator, in fewer bytes. Deterministic:
 * shared names follow the order of first occurrence. Pure.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const MIN_BYTES = 200;

function isObject(v: Json): v is { [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function compactJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const root = structuredClone(schema) as { [k: string]: Json };
  const counts = new Map<string, number>();
  const order: string[] = [];
  // Count every object subtree under $defs (the root's own keys are not subschemas to share).
  const count = (v: Json, depth: number): void => {
    if (depth > 200) return;
    if (Array.isArray(v)) for (const x of v) count(x, depth + 1);
    else if (isObject(v)) {
      const key = JSON.stringify(v);
      if (key.length >= MIN_BYTES) {
        const n = counts.get(key) ?? 0;
        if (n === 0) order.push(key);
        counts.set(key, n + 1);
      }
      for (const x of Object.values(v)) count(x, depth + 1);
    }
  };
  const defs = isObject(root.$defs ?? null) ? (root.$defs as { [k: string]: Json }) : {};
  for (const d of Object.values(defs)) if (isObject(d)) for (const x of Object.values(d)) count(x, 0);
  const shared = new Map<string, string>();
  for (const key of order) if ((counts.get(key) ?? 0) > 1) shared.set(key, `shared${shared.size + 1}`);
  if (shared.size === 0) return root;
  // Replace the largest shared subtrees first: a shared subtree inside another one is replaced within it.
  const replace = (v: Json, depth: number, self?: string): Json => {
    if (depth > 200) return v;
    if (Array.isArray(v)) return v.map((x) => replace(x, depth + 1));
    if (!isObject(v)) return v;
    const key = JSON.stringify(v);
    const name = shared.get(key);
    if (name !== undefined && key !== self) return { $ref: `#/$defs/${name}` };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x, depth + 1)]));
  };
  const newDefs: { [k: string]: Json } = {};
  for (const [k, d] of Object.entries(defs)) newDefs[k] = replace(d, 0, JSON.stringify(d));
  for (const [key, name] of shared) newDefs[name] = replace(JSON.parse(key) as Json, 0, key);
  // Keep only the shared definitions something refers to (one whose every use sat inside another shared one
  // may be left over).
  for (;;) {
    const text = JSON.stringify(newDefs);
    const unused = [...shared.values()].filter((n) => n in newDefs && !text.includes(`"#/$defs/${n}"`));
    if (unused.length === 0) break;
    for (const n of unused) delete newDefs[n];
  }
  return { ...root, $defs: newDefs };
}
