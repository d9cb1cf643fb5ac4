/**
 * `kintent mcp` answer sizes: every tool's every page (and every resource, prompt and `tools/list`) for the
 * production example, and for a 1,000-object bundle — the bundle as manifests text and as a file to validate,
 * and an intent directory of 100 apps (1,000 objects) to describe and build (summary and YAML). Sizes
 * are the JSON-RPC results as the SDK client receives them over Streamable HTTP (the 2026-07-28 era), in bytes,
 * against the server's limit (MAX_ANSWER_BYTES).
 *
 *   npx tsx bench/mcp.ts
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { stringify } from "yaml";
import { MAX_ANSWER_BYTES, startHttpServer } from "../src/mcp/index.js";
import { repoRoot } from "../test/harness/index.js";
import { bundle } from "../test/mcp/fixtures.js";

const WORK = join(repoRoot, "bench", ".work", "mcp");

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: fleet}
spec:
  ingress: {kind: ingress, className: nginx, controllerNamespace: ingress-nginx}
  tls: {issuer: letsencrypt-prod}
  progressiveDelivery: argo-rollouts
  metrics: {prometheus: "http://prometheus.monitoring.svc:9090"}
  environments:
    prod: {cluster: https://prod.acme.internal, namespace: apps, sync: manual}
`;

/** One intent directory holding `n` apps (production tier, exposed, canaries, files): ~12 objects each. */
function writeFleetIntent(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "platform.yaml"), PLATFORM);
  for (let i = 0; i < n; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    writeFileSync(
      join(dir, `${name}.kintent.yaml`),
      stringify({
        apiVersion: "kintent.dev/v1alpha1",
        kind: "App",
        metadata: { name, labels: { team: `team-${i % 12}` } },
        spec: {
          image: `ghcr.io/acme/${name}:1.${i % 17}.${i % 5}`,
          port: 8080,
          probe: "/healthz",
          tier: "production",
          resources: ["small", "medium", "large"][i % 3],
          expose: { host: `${name}.acme.io` },
          autoscaling: { min: 2, max: 6 + (i % 5), cpu: "70%" },
          rollout: { canary: ["20%", "1m", "50%", "1m", "100%"] },
          files: { "/etc/app/config.yaml": `name: ${name}\nfeatures: [a, b, c]\n` },
        },
      }),
    );
  }
}

interface Row {
  corpus: string;
  call: string;
  pages: number;
  largest: number;
  total: number;
  seconds: number;
}

const rows: Row[] = [];

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  cpSync(join(repoRoot, "examples", "production"), join(WORK, "production"), { recursive: true });
  mkdirSync(join(WORK, "bundle"));
  const text = bundle();
  writeFileSync(join(WORK, "bundle", "bundle.yaml"), text);
  writeFleetIntent(join(WORK, "fleet"), 100);

  const server = await startHttpServer({ root: WORK, env: {} }, { port: 0 });
  const client = new Client(
    { name: "bench", version: "1" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

  async function tool(
    corpus: string,
    name: string,
    args: Record<string, unknown>,
    label = name,
  ): Promise<void> {
    const started = performance.now();
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const r = await client.callTool({ name, arguments: cursor ? { ...args, cursor } : args });
      if (r.isError) throw new Error(`${label}: ${JSON.stringify(r.content)}`);
      sizes.push(size(r));
      cursor = (r.structuredContent as { nextCursor?: string } | undefined)?.nextCursor;
    } while (cursor && sizes.length < 1000);
    rows.push({
      corpus,
      call: label,
      pages: sizes.length,
      largest: Math.max(...sizes),
      total: sizes.reduce((a, b) => a + b, 0),
      seconds: (performance.now() - started) / 1000,
    });
  }

  const listed = await client.listTools();
  rows.push({
    corpus: "—",
    call: "tools/list",
    pages: 1,
    largest: size(listed),
    total: size(listed),
    seconds: 0,
  });
  for (const uri of ["kintent://schema/intent", "kintent://schema/operations", "kintent://checks"]) {
    const r = await client.readResource({ uri });
    rows.push({
      corpus: "—",
      call: `resources/read ${uri}`,
      pages: 1,
      largest: size(r),
      total: size(r),
      seconds: 0,
    });
  }

  const prod = "production";
  await tool(prod, "describe_project", { path: prod });
  await tool(prod, "build", { path: prod }, "build (summary)");
  await tool(prod, "build", { path: prod, yaml: true }, "build (yaml)");
  await tool(prod, "explain", { path: prod });
  await tool(prod, "validate", { path: prod }, "validate (path)");
  await tool(
    prod,
    "change_intent",
    {
      path: prod,
      operations: [
        { op: "image", tag: "v2.4.0" },
        { op: "replicas", replicas: 4, env: "prod" },
        { op: "resources", profile: "large" },
      ],
    },
    "change_intent (image, replicas, resources)",
  );
  const prompt = await client.getPrompt({
    name: "review_applicationset",
    arguments: { manifest: text.slice(0, 150_000) },
  });
  rows.push({
    corpus: "—",
    call: "prompts/get review_applicationset (150 kB manifest)",
    pages: 1,
    largest: size(prompt),
    total: size(prompt),
    seconds: 0,
  });

  const b = "1,000-object bundle";
  await tool(b, "validate", { manifests: text }, "validate (manifests text)");
  await tool(b, "validate", { path: "bundle" }, "validate (path)");
  await tool(b, "validate", { path: "bundle", severity: "error" }, "validate (path, errors only)");
  const f = "100 apps in one intent (1,000 objects)";
  await tool(f, "describe_project", { path: "fleet" });
  await tool(f, "build", { path: "fleet" }, "build (summary)");
  await tool(f, "build", { path: "fleet", yaml: true }, "build (yaml)");

  await client.close();
  await server.close();

  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`Limit: ${kib(MAX_ANSWER_BYTES)} per answer (MAX_ANSWER_BYTES).\n`);
  console.log("| corpus | call | pages | largest answer | all pages | wall time |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.corpus} | ${r.call} | ${r.pages} | ${kib(r.largest)} | ${kib(r.total)} | ${r.seconds > 0 ? `${r.seconds.toFixed(2)} s` : "—"} |`,
    );
  const worst = rows.reduce((a, r) => (r.largest > a.largest ? r : a));
  console.log(`\nLargest answer: ${kib(worst.largest)} (${worst.corpus}: ${worst.call}).`);
  if (worst.largest > MAX_ANSWER_BYTES) process.exitCode = 1;
}

await main();
