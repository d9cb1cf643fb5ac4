/**
 * Provider configuration from the environment (pure: takes the env as data).
 *
 * - `KINTENT_LLM`: `anthropic:<model>[@<baseURL>]` or `openai:<model>[@<baseURL>]` (OpenAI, Ollama
 *   `http://localhost:11434/v1`, vLLM, llama.cpp …). `--llm` on the command line overrides it.
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

export interface ProviderConfig {
  kind: "anthropic" | "openai";
  model: string;
  baseURL: string;
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

/** Parse `anthropic:<model>[@<baseURL>]` / `openai:<model>[@<baseURL>]`; a string error for anything else. */
export function parseLlmSpec(spec: string): LlmSpec | string {
  const m = /^(anthropic|openai):([^@\s]+)(?:@(\S+))?$/.exec(spec.trim());
  if (!m)
    return `KINTENT_LLM must be anthropic:<model>[@<baseURL>] or openai:<model>[@<baseURL>] (got \`${spec}\`)`;
  const baseURL = m[3];
  if (baseURL !== undefined && !/^https?:\/\/[^\s/]+/.test(baseURL))
    return `the base URL in KINTENT_LLM must be an http(s) URL (got \`${baseURL}\`)`;
  return { kind: m[1] as LlmSpec["kind"], model: m[2] ?? "", ...(baseURL ? { baseURL } : {}) };
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
  const baseURL = s.baseURL ?? DEFAULT_BASE_URLS[s.kind];
  const vendorVar = s.kind === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
  let apiKey = env.KINTENT_LLM_API_KEY;
  let keySource: ApiKeySource = "KINTENT_LLM_API_KEY";
  if (!apiKey) {
    apiKey = env[vendorVar];
    keySource = vendorVar;
  }
  if (!apiKey) {
    if (s.kind === "openai" && s.baseURL !== undefined && isLocal(s.baseURL)) {
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
    baseURL,
    apiKey,
    keySource,
    timeoutMs: Math.round(timeout * 1000),
    maxRetries: Math.floor(retries),
    maxTokens: Math.floor(maxTokens),
  };
}
