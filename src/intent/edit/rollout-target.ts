/** Where rollout and canary operations write. */
import { isMap, isSeq } from "yaml";
import type { AppDocument, Path } from "./app-document.js";
import { OpFailure } from "./op-failure.js";
import type { ApplyContext } from "./operation.js";

export function isWeighted(ctx: ApplyContext): boolean {
  return ctx.engine === "traefik-weighted" || ctx.engine === "gateway-weighted";
}

/**
 * Where rollout settings go. An environment's `rollout` replaces the app's (shallow merge), so the first
 * per-environment rollout edit starts from a copy of the app's rollout.
 */
export function rolloutPath(doc: AppDocument, env: string | undefined): Path {
  if (env === undefined) return ["spec", "rollout"];
  const path = ["spec", "environments", env, "rollout"];
  if (!doc.has(path)) {
    const base = doc.getJS(["spec", "rollout"]);
    doc.set(path, base && typeof base === "object" ? structuredClone(base) : {});
  } else if (!doc.has([...path, "canary"]) && doc.has(["spec", "rollout", "canary"])) {
    doc.set([...path, "canary"], structuredClone(doc.getJS(["spec", "rollout", "canary"])));
  }
  return path;
}

/** Path of the weighted canary object, creating it (or converting a step list) as needed. */
export function weightedCanary(
  doc: AppDocument,
  env: string | undefined,
  ctx: ApplyContext,
  name: string,
): Path {
  if (ctx.engine !== undefined && !isWeighted(ctx)) {
    throw new OpFailure(
      `${name}: the platform's progressive delivery is ${ctx.engine}; canary images and weights apply to traefik-weighted or gateway-weighted (with argo-rollouts, change the image and set rollout-steps)`,
    );
  }
  const path = [...rolloutPath(doc, env), "canary"];
  const current = doc.node(path);
  if (current === undefined) doc.set(path, {});
  else if (isSeq(current)) doc.set(path, { steps: current.toJSON() });
  else if (!isMap(current)) throw new OpFailure(`${name}: ${path.join(".")} is not a map`);
  return path;
}
