/**
 * kintent as people install it: `npm pack` the repository, install the tarball into an empty project, import
 * the library (JavaScript and TypeScript) and call it. Needs `dist/` built (`npm test` builds first) and the
 * npm registry (or npm's cache) for the dependencies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES, ROOT } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "kintent-pack-"));
const consumer = join(work, "consumer");
afterAll(() => rmSync(work, { recursive: true, force: true }));

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      npm_config_fund: "false",
      npm_config_audit: "false",
      npm_config_update_notifier: "false",
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "index.js")))
    throw new Error("dist/ is not built: run `npm run build` first");
  // --ignore-scripts: `prepare` would rebuild dist/, which `npm test` has just done.
  const out = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed nothing: ${out}`);
  cpSync(join(EXAMPLES, "production"), join(consumer, "intent"), { recursive: true });
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  npm(["install", "--prefer-offline", "--no-package-lock", join(work, info.filename)], consumer);
}, 600_000);

describe("the packed package", () => {
  it("ships the compiled library, its types, the CLI and the schemas — not the sources or the tests", () => {
    const pkg = join(consumer, "node_modules", "kintent");
    expect(existsSync(join(pkg, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(pkg, "dist", "index.d.ts"))).toBe(true);
    expect(existsSync(join(pkg, "bin", "kintent.js"))).toBe(true);
    expect(existsSync(join(pkg, "schemas", "kintent.schema.json"))).toBe(true);
    expect(readdirSync(join(pkg, "schemas")).some((d) => d.startsWith("kubernetes-v"))).toBe(true);
    // Every compiled module has its source: no stale files from a removed module are published.
    // (dist/bundle/ holds the CLI's bundles, built from those modules by scripts/bundle.mjs.)
    for (const f of readdirSync(join(pkg, "dist"), { recursive: true, encoding: "utf8" }))
      if (f.endsWith(".js") && !f.startsWith("bundle/"))
        expect(existsSync(join(ROOT, "src", f.replace(/\.js$/, ".ts"))), f).toBe(true);
    expect(existsSync(join(pkg, "dist", "bundle", "cli", "main.cjs"))).toBe(true);
    expect(existsSync(join(pkg, "dist", "bundle", "cmp", "main.js"))).toBe(true);
    // The CLI's V8 code cache, written by `npm run build` with this Node: the installed CLI compiles from it.
    const caches = readdirSync(join(pkg, "dist", "bundle", "cli")).filter((f) => f.endsWith(".v8cache"));
    expect(caches).toHaveLength(1);
    const loader = join(pkg, "dist", "cli", "code-cache.js");
    const bundle = join(pkg, "dist", "bundle", "cli", "main.cjs");
    const probe = `const { loadCliBundle } = await import(${JSON.stringify(loader)});
      const l = loadCliBundle(${JSON.stringify(bundle)});
      console.log(JSON.stringify({ fromCache: l.fromCache, main: typeof l.cli.main }));`;
    expect(
      JSON.parse(
        execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
          cwd: consumer,
          encoding: "utf8",
        }),
      ),
    ).toEqual({ fromCache: true, main: "function" });
    expect(existsSync(join(pkg, "src"))).toBe(false);
    expect(existsSync(join(pkg, "test"))).toBe(false);
    expect(
      readdirSync(join(pkg, "dist"), { recursive: true, encoding: "utf8" }).filter((f) =>
        f.endsWith(".test.js"),
      ),
    ).toEqual([]);
  });

  it("is importable from JavaScript: openProject, build, validate, formatReport", () => {
    writeFileSync(
      join(consumer, "use.mjs"),
      `import { openProject, validate, formatReport, toYamlStream } from "kintent";
const project = await openProject("intent");
const prod = project.build("prod");
const checked = await validate(toYamlStream(prod.objects), { file: "prod.yaml" });
const bad = await validate([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two" } }]);
console.log(JSON.stringify({
  environments: project.environments,
  inputs: project.inputs,
  kinds: prod.objects.map((o) => o.kind),
  errors: prod.errors.length,
  buildErrors: prod.findings.filter((f) => f.severity === "error").length,
  validated: checked.summary.total,
  validateErrors: checked.findings.filter((f) => f.severity === "error").length,
  badSchema: bad.findings.some((f) => f.checkId === "schema" && f.severity === "error"),
  sarif: JSON.parse(formatReport("sarif", bad.report)).version,
}));
`,
    );
    const out = JSON.parse(
      execFileSync(process.execPath, ["use.mjs"], { cwd: consumer, encoding: "utf8" }),
    ) as Record<string, unknown>;
    expect(out.environments).toEqual(["prod"]);
    expect(out.inputs).toEqual(["kintent.yaml", "platform.yaml"]);
    expect(out.kinds).toContain("Rollout");
    expect(out.errors).toBe(0);
    expect(out.buildErrors).toBe(0);
    expect(out.validated).toBeGreaterThan(5);
    expect(out.validateErrors).toBe(0);
    expect(out.badSchema).toBe(true);
    expect(out.sarif).toBe("2.1.0");
  });

  it("is typed: a TypeScript consumer type-checks against the shipped declarations, and a misuse does not", () => {
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: ["*.ts"],
      }),
    );
    writeFileSync(
      join(consumer, "use.ts"),
      `import { openProject, validate, formatReport } from "kintent";
import type { EnvironmentBuild, Finding, Project } from "kintent";
const project: Project = await openProject("intent");
const b: EnvironmentBuild = project.build("prod");
const names: string[] = b.objects.map((o) => o.metadata.name);
const findings: Finding[] = (await validate("apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}\\n")).findings;
const text: string = formatReport("markdown", (await validate([])).report);
export { names, findings, text };
`,
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "-p", "."], { cwd: consumer, encoding: "utf8" });
    writeFileSync(
      join(consumer, "misuse.ts"),
      `import { openProject } from "kintent";\nconst n: number = (await openProject("intent")).environments;\nexport { n };\n`,
    );
    let failed = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", "."], { cwd: consumer, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      failed = String((e as { stdout?: string }).stdout);
    } finally {
      rmSync(join(consumer, "misuse.ts"));
    }
    expect(failed).toMatch(/misuse\.ts.*error TS2322/);
  });

  it("installs the CLI: npx kintent build works from the installed package", () => {
    const out = execFileSync(
      join(consumer, "node_modules", ".bin", "kintent"),
      ["build", "intent", "--env", "prod"],
      {
        cwd: consumer,
        encoding: "utf8",
      },
    );
    expect(out).toContain("kind: Rollout");
  });
});
