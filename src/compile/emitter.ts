import { refOf, sameObject } from "../core/object.js";
import type { KObject } from "../core/object.js";
import type { Origin } from "../intent/types.js";
import type { Decision } from "./types.js";

/** Collects objects and the decisions behind them while the compiler runs. */
export class Emitter {
  readonly objects: KObject[] = [];
  readonly decisions: Decision[] = [];

  /** Add an object with the reason it exists. */
  add(obj: KObject, why: Origin | string): KObject {
    this.objects.push(obj);
    this.why(obj, "", why);
    return obj;
  }

  /**
   * Record why a field of `obj` (JSON Pointer `path`) has its value. A second reason for the same field (the
   * intent's `why:` text next to kintent's own) joins the first, so each field is explained once.
   */
  why(obj: KObject, path: string, why: Origin | string): void {
    const o: Origin = typeof why === "string" ? { from: "derived", reason: why } : why;
    if (!o.reason) return;
    const ref = refOf(obj);
    const same = this.decisions.find((d) => d.path === path && sameObject(d.object, ref));
    if (same) {
      if (!same.why.includes(o.reason)) same.why = `${same.why} — ${o.reason}`;
      return;
    }
    this.decisions.push({
      object: refOf(obj),
      path,
      why: o.reason,
      from: o.from,
      ...(o.loc ? { loc: o.loc } : {}),
    });
  }
}
