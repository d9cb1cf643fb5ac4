/**
 * Where rollout and canary operations write, and what they read. Without an environment they work on
 * `spec.rollout`. With one they write only the fields they change under `spec.environments.<env>.rollout`
 * and read what that environment runs through the resolver's merge rule (src/intent/rollout.ts): the app's
 * rollout is never copied, so a later change of the app's canary still reaches the environment.
 */
import { isMap, isSeq } from "yaml";
import { mergeRollout } from "../rollout.js";
import type { MergedRollout } from "../rollout.js";
import type { WrittenRollout } from "../schema.js";
import type { AppDocument, Path } from "./app-document.js";
import { OpFailure } from "./op-failure.js";
import type { ApplyContext } from "./operation.js";

export function isWeighted(ctx: ApplyContext): boolean {
  return ctx.engine === "traefik-weighted" || ctx.engine === "gateway-weighted";
}

/** The rollout block an operation writes: the app's, or the environment's override. */
export function rolloutPath(env: string | undefined): Path {
  return env === undefined ? ["spec", "rollout"] : ["spec", "environments", env, "rollout"];
}

/** The rollout the app (env undefined) or one environment runs, as the document says now. */
export function effectiveRollout(doc: AppDocument, env: string | undefined): MergedRollout {
  const app = asRollout(doc.getJS(["spec", "rollout"]));
  if (env === undefined) return mergeRollout(app, undefined, "");
  return mergeRollout(app, asRollout(doc.getJS(rolloutPath(env))), env);
}

/** Canary images and weights are for weighted routing; refuse them on another engine. */
export function requireWeighted(ctx: ApplyContext, name: string): void {
  if (ctx.engine !== undefined && !isWeighted(ctx)) {
    throw new OpFailure(
      `${name}: the platform's progressive delivery is ${ctx.engine}; canary images and weights apply to traefik-weighted or gateway-weighted (with argo-rollouts, change the image and set rollout-steps)`,
    );
  }
}

/** Path of the weighted canary object at the operation's level, creating it (or converting a step list). */
export function weightedCanary(
  doc: AppDocument,
  env: string | undefined,
  ctx: ApplyContext,
  name: string,
): Path {
  requireWeighted(ctx, name);
  const path = [...rolloutPath(env), "canary"];
  const current = doc.node(path);
  if (current === undefined) doc.set(path, {});
  else if (isSeq(current)) doc.set(path, { steps: current.toJSON() });
  else if (!isMap(current)) throw new OpFailure(`${name}: ${path.join(".")} is not a map`);
  return path;
}

/** The image of the canary the app or an environment runs, or a failure saying none is running. */
export function runningCanaryImage(doc: AppDocument, env: string | undefined, name: string): string {
  const image = effectiveRollout(doc, env).canary?.image;
  if (image === undefined)
    throw new OpFailure(`${name}: no canary is running${env === undefined ? "" : ` in ${env}`}`);
  return image;
}

/**
 * Stop the canary at the operation's level (promote and abort). The app: its canary image and weight go,
 * and with them the canary. An environment: its own image and weight overrides go; when the app still
 * declares a canary image the environment would inherit it, so it keeps `weight: 0` instead — all of its
 * traffic to stable. That is how an environment says "no canary traffic here" without copying or removing
 * anything the app declares; the app's canary pods keep running at 0% there until the app's canary is
 * promoted or aborted, and `canary-weight --env` sends traffic to it again.
 */
export function stopCanary(doc: AppDocument, canary: Path, env: string | undefined): void {
  const inherited = env !== undefined && effectiveRollout(doc, undefined).canary?.image !== undefined;
  if (inherited) doc.set([...canary, "weight"], 0);
  else doc.remove([...canary, "weight"]);
  doc.remove([...canary, "image"]);
  if (doc.asMap(canary)?.items.length === 0) doc.remove(canary);
}

/** A rollout map as written; anything else reads as none (a wrong shape fails the App check after the edit). */
function asRollout(value: unknown): WrittenRollout | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}
