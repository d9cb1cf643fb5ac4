/**
 * What Argo CD tells a Config Management Plugin, read from the environment (CMP v2 sidecar contract):
 * - `ARGOCD_APP_NAME`, `ARGOCD_APP_NAMESPACE`, `ARGOCD_APP_SOURCE_PATH`, `ARGOCD_APP_REVISION`, … (build env);
 * - `ARGOCD_ENV_<NAME>` from `spec.source.plugin.env` — kintent reads `ARGOCD_ENV_KINTENT_ENV` and
 *   `ARGOCD_ENV_KINTENT_APP`;
 * - `ARGOCD_APP_PARAMETERS`, a JSON list of `{name, string | array | map}` from `spec.source.plugin.parameters`
 *   (only what the Application sets; announced defaults are not sent), mirrored as `PARAM_<NAME>`.
 * Pure.
 */
import { UsageError } from "../core/errors.js";
import { CMP_ENV_VAR } from "../render/argocd.js";

/** Parameters the plugin announces in plugin.yaml and accepts. */
export const CMP_PARAMETERS = {
  env: "Environment of the platform to render (overrides ARGOCD_ENV_KINTENT_ENV)",
  app: "Only this app, when the directory holds several (overrides ARGOCD_ENV_KINTENT_APP)",
} as const;

export type CmpParameter = keyof typeof CMP_PARAMETERS;

export interface CmpRequest {
  /** The environment to render, when the Application says. */
  env?: string;
  app?: string;
  /** Where the env came from, for messages. */
  envSource?: string;
  appName?: string;
  sourcePath?: string;
}

/** The Application's plugin settings are unusable (bad parameters). The message is one line, without values. */
export class CmpRequestError extends UsageError {
  override name = "CmpRequestError";
}

interface Parameter {
  name?: unknown;
  string?: unknown;
  array?: unknown;
  map?: unknown;
}

/** `PARAM_` variable name of a parameter: upper-cased, every character outside [A-Z0-9_] replaced by `_`. */
export function paramVariable(name: string): string {
  return `PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

function parseParameters(raw: string): Map<string, string> {
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new CmpRequestError("ARGOCD_APP_PARAMETERS is not valid JSON");
  }
  if (!Array.isArray(list)) throw new CmpRequestError("ARGOCD_APP_PARAMETERS is not a JSON list");
  const out = new Map<string, string>();
  for (const item of list as Parameter[]) {
    const name = typeof item?.name === "string" ? item.name : undefined;
    if (name === undefined)
      throw new CmpRequestError("ARGOCD_APP_PARAMETERS holds a parameter without a name");
    if (!(name in CMP_PARAMETERS))
      throw new CmpRequestError(
        `unknown plugin parameter \`${name}\` (the kintent plugin takes: ${Object.keys(CMP_PARAMETERS).join(", ")})`,
      );
    if (typeof item.string !== "string")
      throw new CmpRequestError(`plugin parameter \`${name}\` must be a string (not an array or map)`);
    out.set(name, item.string);
  }
  return out;
}

export function readCmpRequest(env: NodeJS.ProcessEnv): CmpRequest {
  const params =
    env.ARGOCD_APP_PARAMETERS !== undefined && env.ARGOCD_APP_PARAMETERS.trim() !== ""
      ? parseParameters(env.ARGOCD_APP_PARAMETERS)
      : new Map<string, string>();
  const pick = (p: CmpParameter, envVar: string): [string, string] | undefined => {
    const fromParams = params.get(p) ?? nonEmpty(env[paramVariable(p)]);
    if (fromParams !== undefined && fromParams !== "") return [fromParams, `parameter ${p}`];
    const fromEnv = nonEmpty(env[`ARGOCD_ENV_${envVar}`]);
    return fromEnv !== undefined ? [fromEnv, `ARGOCD_ENV_${envVar}`] : undefined;
  };
  const e = pick("env", CMP_ENV_VAR);
  const a = pick("app", "KINTENT_APP");
  return {
    ...(e ? { env: e[0], envSource: e[1] } : {}),
    ...(a ? { app: a[0] } : {}),
    ...(nonEmpty(env.ARGOCD_APP_NAME) !== undefined ? { appName: env.ARGOCD_APP_NAME as string } : {}),
    ...(nonEmpty(env.ARGOCD_APP_SOURCE_PATH) !== undefined
      ? { sourcePath: env.ARGOCD_APP_SOURCE_PATH as string }
      : {}),
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/**
 * The environment to render when the Application does not say: the only one, or the one the Application's
 * name ends with (`<app>-<env>`, as `kintent build --format argocd` names them).
 */
export function inferEnvironment(envs: readonly string[], appName: string | undefined): string | undefined {
  if (envs.length === 1) return envs[0];
  if (appName === undefined) return undefined;
  const matches = envs.filter((e) => appName.endsWith(`-${e}`));
  // The longest match wins: `shop-prod-eu` ends with both `-eu` and `-prod-eu`.
  return matches.sort((a, b) => b.length - a.length)[0];
}
