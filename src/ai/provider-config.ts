/**
 * Provider configuration from the environment (pure: takes the env as data).
 *
 * - `KINTENT_LLM`: `anthropic:<model>[@<baseURL>]` or `openai:<model>[@<baseURL>]` (OpenAI, Ollama
 *   `http://localhost:11434/v1`, vLLM, llama.cpp …). `--llm` on the command line overrides it.
 * - Base URL: the `@<baseURL>` of the spec, else `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL` (read as the official
 *   SDKs read them: trimmed, empty means unset — gateways and proxies set them), else the vendor's API. kintent
 *   always passes the resolved URL to the SDK, so this is the only place the variables are read.
 * - Keys: `KINTENT_LLM_API_KEY`, else `ANTHROPIC_API_KEY` / `OPENAI_API_KEY`. A local OpenAI-compatible
 *   server without a key gets a placeholder (Ollama requires one in the client and ignores it).
 * - `KINTENT_LLM_TIMEOUT` (seconds per request, default 120), `KINTENT_LLM_RETRIES` (default 2),
 *   `KINTENT_LLM_MAX_TOKENS` (default 4096).
 */

export interface LlmSpec {
  kind: "anthropic" | "openai";
  model: string;
  baseURL?: string;
}

export type ApiKeySource = "KINTENT_LLM_API_KEY" | "ANTHROPIC_API_KEY" | "OPENAI_API_KEY" | "none";

/** Where the base URL came from: the spec's `@<baseURL>`, the vendor's variable, or the vendor's default. */
export type BaseUrlSource = "KINTENT_LLM" | "ANTHROPIC_BASE_URL" | "OPENAI_BASE_URL" | "default";

export interface ProviderConfig {
  kind: "anthropic" | "openai";
  model: string;
  baseURL: string;
  baseURLSource: BaseUrlSource;
  apiKey: string;
  /** Which variable the key came from (the key itself is never printed). */
  keySource: ApiKeySource;
  timeoutMs: number;
  maxRetries: number;
  maxTokens: number;
}

export const DEFAULT_BASE_URLS = {
  anthropic: "https://api.anthropic.com",
  openai: "https://api.openai.com/v1",
} as const;

/** The variable the vendor's SDK reads its base URL from. */
export const BASE_URL_VARS = { anthropic: "ANTHROPIC_BASE_URL", openai: "OPENAI_BASE_URL" } as const;

const isHttpUrl = (url: string) => /^https?:\/\/[^\s/]+/.test(url);

/** Parse `anthropic:<model>[@<baseURL>]` / `openai:<model>[@<baseURL>]`; a string error for anything else. */
export function parseLlmSpec(spec: string): LlmSpec | string {
  const m = /^(anthropic|openai):([^@\s]+)(?:@(\S+))?$/.exec(spec.trim());
  if (!m)
    return `KINTENT_LLM must be anthropic:<model>[@<baseURL>] or openai:<model>[@<baseURL>] (got \`${spec}\`)`;
  const baseURL = m[3];
  if (baseURL !== undefined && !isHttpUrl(baseURL))
    return `the base URL in KINTENT_LLM must be an http(s) URL (got \`${baseURL}\`)`;
  return { kind: m[1] as LlmSpec["kind"], model: m[2] ?? "", ...(baseURL ? { baseURL } : {}) };
}

/**
 * The base URL and where it came from: `@<baseURL>` > `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL` > the vendor's.
 * The variable is read like the SDKs' `readEnv`: trimmed, and empty or blank counts as unset.
 */
function resolveBaseUrl(
  env: NodeJS.ProcessEnv,
  s: LlmSpec,
): { baseURL: string; baseURLSource: BaseUrlSource } | string {
  if (s.baseURL !== undefined) return { baseURL: s.baseURL, baseURLSource: "KINTENT_LLM" };
  const name = BASE_URL_VARS[s.kind];
  const fromEnv = env[name]?.trim();
  if (!fromEnv) return { baseURL: DEFAULT_BASE_URLS[s.kind], baseURLSource: "default" };
  if (!isHttpUrl(fromEnv)) return `${name} must be an http(s) URL (got \`${fromEnv}\`)`;
  return { baseURL: fromEnv, baseURLSource: name };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number | string {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) return `${name} must be a number ≥ ${min} (got \`${raw}\`)`;
  return n;
}

function isLocal(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === "localhost" || h === "127.0.0.1" || h === "::1" || h === "[::1]" || h.endsWith(".local");
  } catch {
    return false;
  }
}

/**
 * The full configuration, or an error message (configuration mistakes are usage errors). `spec` overrides
 * `KINTENT_LLM`. Nothing is read from process.env directly: pass the environment.
 */
export function resolveProviderConfig(env: NodeJS.ProcessEnv, spec?: string): ProviderConfig | string {
  const raw = spec ?? env.KINTENT_LLM;
  if (raw === undefined || raw.trim() === "")
    return "no model configured: set KINTENT_LLM=anthropic:<model> or openai:<model>@<baseURL> (or pass --llm)";
  const s = parseLlmSpec(raw);
  if (typeof s === "string") return s;
  const base = resolveBaseUrl(env, s);
  if (typeof base === "string") return base;
  const vendorVar = s.kind === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
  let apiKey = env.KINTENT_LLM_API_KEY;
  let keySource: ApiKeySource = "KINTENT_LLM_API_KEY";
  if (!apiKey) {
    apiKey = env[vendorVar];
    keySource = vendorVar;
  }
  if (!apiKey) {
    if (s.kind === "openai" && isLocal(base.baseURL)) {
      apiKey = "unused";
      keySource = "none";
    } else return `no API key for ${s.kind}: set ${vendorVar} (or KINTENT_LLM_API_KEY)`;
  }
  const timeout = positive(env, "KINTENT_LLM_TIMEOUT", 120, 0.001);
  if (typeof timeout === "string") return timeout;
  const retries = positive(env, "KINTENT_LLM_RETRIES", 2);
  if (typeof retries === "string") return retries;
  const maxTokens = positive(env, "KINTENT_LLM_MAX_TOKENS", 4096, 1);
  if (typeof maxTokens === "string") return maxTokens;
  return {
    kind: s.kind,
    model: s.model,
    ...base,
    apiKey,
    keySource,
    timeoutMs: Math.round(timeout * 1000),
    maxRetries: Math.floor(retries),
    maxTokens: Math.floor(maxTokens),
  };
}
