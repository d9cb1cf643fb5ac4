/** A small JSON client over `fetch` for the Gitea and GitLab REST APIs: timeouts, redacted errors. */
import { ForgeError } from "../errors.js";
import type { Redactor } from "../../core/redact.js";

export interface JsonRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT";
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
}

export interface JsonClientOptions {
  forge: string;
  apiUrl: string;
  headers: Record<string, string>;
  redactor: Redactor;
  timeoutMs: number;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
}

export class JsonClient {
  constructor(private readonly options: JsonClientOptions) {}

  /** One request; a 404 resolves with status 404 when `allow404`, every other non-2xx throws ForgeError. */
  async request<T>(req: JsonRequest, allow404 = false): Promise<JsonResponse<T | undefined>> {
    const { forge, apiUrl, headers, redactor, timeoutMs } = this.options;
    const url = new URL(apiUrl.replace(/\/+$/, "") + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    const where = `${req.method ?? "GET"} ${url.pathname}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method ?? "GET",
        headers: {
          accept: "application/json",
          ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (e) {
      const cause = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new ForgeError(redactor.redact(`${forge}: ${where} failed: ${cause}`), forge);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    if (res.status === 404 && allow404) return { status: 404, body: undefined };
    if (res.status < 200 || res.status >= 300) {
      throw new ForgeError(
        redactor.redact(`${forge}: ${where} answered ${res.status}: ${errorText(body)}`),
        forge,
        res.status,
      );
    }
    return { status: res.status, body: body as T };
  }
}

/** The message a forge put in its error body (`message`, `error`, GitLab's `message` object), shortened. */
function errorText(body: unknown): string {
  let s: string;
  if (typeof body === "string") s = body;
  else if (body && typeof body === "object") {
    const o = body as Record<string, unknown>;
    const m = o.message ?? o.error ?? o.errors;
    s = typeof m === "string" ? m : JSON.stringify(m ?? o);
  } else s = String(body);
  s = s.replace(/\s+/g, " ").trim();
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
