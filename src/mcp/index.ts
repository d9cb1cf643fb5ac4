/** `kintent mcp`: the MCP server over the engine (see server.ts), over stdio or Streamable HTTP. */
export { buildServer, finishAnswer, toolsFor } from "./server.js";
export { startHttpServer, checkHttpOptions, isLoopback, MCP_PATH, MIN_TOKEN_LENGTH } from "./http.js";
export type { HttpServeOptions, RunningHttpServer } from "./http.js";
export { serveStdioUntilClosed } from "./stdio.js";
export { MAX_ANSWER_BYTES, MAX_TOOLS_LIST_BYTES, PAGE_BYTES } from "./answer.js";
export type { McpServerOptions, ProposeSettings } from "./options.js";
