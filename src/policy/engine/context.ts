/**
 * The JSON context variables resolve against (Kyverno pkg/engine/context): `request.object`,
 * `request.operation`, `element`, context entries… with checkpoints for rule and foreach scopes, and
 * deferred loaders that evaluate a context entry only when a query mentions its name.
 */
import { cloneJson, isObject } from "../json.js";
import { search } from "../jmespath/interpreter.js";

export type Json = unknown;

export interface DeferredLoader {
  name: string;
  /** Loads the entry into the context (may throw). */
  load(ctx: JsonContext): void;
}

interface LeveledLoader {
  level: number;
  loader: DeferredLoader;
  matcher: RegExp;
  loaded: boolean;
  matched: boolean;
}

/** Deep-merges `src` into `dest`: maps merge recursively unless `overwrite`, everything else replaces. */
function mergeMaps(src: Record<string, unknown>, dest: Record<string, unknown>, overwrite: boolean): void {
  for (const [k, v] of Object.entries(src)) {
    const d = dest[k];
    if (isObject(v) && !overwrite) {
      if (isObject(d)) mergeMaps(v, d, overwrite);
      else dest[k] = v;
    } else {
      dest[k] = v;
    }
  }
}

function push(value: unknown, tags: string[]): Record<string, unknown> {
  let v: unknown = value;
  for (let i = tags.length - 1; i >= 0; i--) v = { [tags[i] ?? ""]: v };
  return v as Record<string, unknown>;
}

/** Splits `a.b."c.d"` the way Go's csv reader with '.' as separator does. */
export function splitVariableKey(key: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let i = 0;
  let fieldStart = true;
  while (i < key.length) {
    const c = key[i] ?? "";
    if (fieldStart && c === '"') {
      quoted = true;
      fieldStart = false;
      i++;
      continue;
    }
    fieldStart = false;
    if (quoted) {
      if (c === '"') {
        if (key[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cur += c;
    } else if (c === ".") {
      out.push(cur);
      cur = "";
      fieldStart = true;
    } else {
      cur += c;
    }
    i++;
  }
  out.push(cur);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class JsonContext {
  private raw: Record<string, unknown> = {};
  private checkpoints: Record<string, unknown>[] = [];
  private loaders: LeveledLoader[] = [];
  private loadingLevel = -1;
  private loadingIndex = -1;

  constructor(initial?: Record<string, unknown>) {
    if (initial) this.raw = initial;
  }

  /** Adds data under the nested path `tags` (maps are merged). */
  add(value: unknown, overwrite: boolean, ...tags: string[]): void {
    const data = tags.length === 0 ? (value as Record<string, unknown>) : push(cloneJson(value), tags);
    mergeMaps(data, this.raw, overwrite);
  }

  /** `AddVariable`: the key is a dotted path, e.g. `request.object.metadata.name`. */
  addVariable(key: string, value: unknown): void {
    this.add(value, false, ...splitVariableKey(key));
  }

  addContextEntry(name: string, value: unknown): void {
    this.add(value, false, name);
  }

  replaceContextEntry(name: string, value: unknown): void {
    this.add(null, false, name);
    this.add(value, false, name);
  }

  addResource(object: unknown): void {
    const req = this.raw.request;
    if (isObject(req)) delete req.object;
    this.add(object, false, "request", "object");
  }

  addOldResource(object: unknown): void {
    const req = this.raw.request;
    if (isObject(req)) delete req.oldObject;
    this.add(object, false, "request", "oldObject");
  }

  /** foreach: `element`, `elementN`, `elementIndex`, `elementIndexN`. */
  addElement(element: unknown, index: number, nesting: number): void {
    this.add(
      {
        element: cloneJson(element),
        [`element${nesting}`]: cloneJson(element),
        elementIndex: index,
        [`elementIndex${nesting}`]: index,
      },
      true,
    );
  }

  /** The raw data (for reading `request.operation` etc.). */
  data(): Record<string, unknown> {
    return this.raw;
  }

  queryOperation(): string {
    const req = this.raw.request;
    if (isObject(req) && typeof req.operation === "string") return req.operation;
    return "";
  }

  checkpoint(): void {
    this.checkpoints.push(cloneJson(this.raw));
  }

  /** Restores the last checkpoint and drops it. */
  restore(): void {
    const cp = this.checkpoints.pop();
    if (!cp) return;
    this.raw = cp;
    this.resetLoaders(this.checkpoints.length, true);
  }

  /** Restores the last checkpoint and keeps it. */
  reset(): void {
    const cp = this.checkpoints[this.checkpoints.length - 1];
    if (!cp) return;
    this.raw = cloneJson(cp);
    this.resetLoaders(this.checkpoints.length, false);
  }

  /**
   * After a restore (checkpoint dropped) loaders above the new level go away; after a reset (checkpoint kept)
   * loaders at the current level go away too. The others reload lazily on their next use.
   */
  private resetLoaders(level: number, restore: boolean): void {
    this.loaders = this.loaders.filter((l) => (restore ? l.level <= level : l.level < level));
    for (const l of this.loaders) {
      l.loaded = false;
      l.matched = false;
    }
  }

  addDeferredLoader(loader: DeferredLoader): void {
    this.loaders.push({
      level: this.checkpoints.length,
      loader,
      matcher: new RegExp(`(?:^|$|\\s|[^.0-9A-Za-z])${escapeRegExp(loader.name)}(?![0-9A-Za-z_])`),
      loaded: false,
      matched: false,
    });
  }

  private loadMatching(query: string): void {
    const level = this.loadingLevel >= 0 ? this.loadingLevel : this.checkpoints.length;
    const limit = this.loadingIndex >= 0 ? this.loadingIndex : this.loaders.length;
    for (;;) {
      let found = -1;
      for (let i = 0; i < Math.min(limit, this.loaders.length); i++) {
        const l = this.loaders[i];
        if (!l || l.matched || l.loaded) continue;
        if (l.level <= level && l.matcher.test(query)) {
          found = i;
          break;
        }
      }
      if (found < 0) return;
      const l = this.loaders[found];
      if (!l) return;
      l.matched = true;
      const [prevLevel, prevIndex] = [this.loadingLevel, this.loadingIndex];
      this.loadingLevel = l.level;
      this.loadingIndex = found;
      try {
        l.loader.load(this);
        l.loaded = true;
      } finally {
        this.loadingLevel = prevLevel;
        this.loadingIndex = prevIndex;
      }
    }
  }

  /** Evaluates a JMESPath query against the context (loading deferred entries it mentions first). */
  query(query: string): unknown {
    this.loadMatching(query);
    const q = query.trim();
    if (q === "") throw new Error("invalid query (nil)");
    return search(q, this.raw);
  }

  /** A deep copy sharing nothing with this context (used by validateOldObject-like flows). */
  clone(): JsonContext {
    const c = new JsonContext(cloneJson(this.raw));
    c.checkpoints = this.checkpoints.map((x) => cloneJson(x));
    c.loaders = this.loaders.map((l) => ({ ...l }));
    return c;
  }
}
