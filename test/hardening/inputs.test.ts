/**
 * Issue 16, defect 2 (and Score parts of 5 and 6): every file an intent names stays inside the intent
 * directory once symlinks are resolved, is a regular file and is bounded — through `kintent build` and through
 * the Argo CD plugin (`kintent cmp generate`, run as the repo-server sidecar runs it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { runCli } from "../helpers.js";
import { argoEnv, ensureDist, runSidecar } from "../cmp/sidecar.js";

const work = mkdtempSync(join(tmpdir(), "kintent-h16-inputs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
}, 300_000);

let n = 0;
function app(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = join(work, `app-${n++}`);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  for (const [p, to] of Object.entries(links)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    symlinkSync(to, join(dir, p));
  }
  return dir;
}

const score = (source: string) =>
  [
    "apiVersion: score.dev/v1b1",
    "metadata: {name: web}",
    "containers:",
    "  main:",
    "    image: ghcr.io/acme/web:1.0.0",
    "    files:",
    "      - target: /etc/x",
    `        source: ${JSON.stringify(source)}`,
    "",
  ].join("\n");

const INTENT =
  "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: web}\nspec:\n  image: ghcr.io/acme/web:1.0.0\n  port: 8080\n  probe: /healthz\n";

// What must never reach the output: contents of files outside the intent directory.
const SECRET_FILE = join(work, "outside-secret.txt");
const PLANTED = "planted-outside-value-4f1c";

describe("files an intent names stay inside its directory", () => {
  beforeAll(() => writeFileSync(SECRET_FILE, `TOKEN=${PLANTED}\n`));

  const cases: [string, () => string, RegExp][] = [
    [
      "source: /dev/zero (grew to 16 GB before)",
      () => app({ "score.yaml": score("/dev/zero") }),
      /outside the intent directory/,
    ],
    [
      "source: /proc/self/environ",
      () => app({ "score.yaml": score("/proc/self/environ") }),
      /outside the intent directory/,
    ],
    [
      "source: ../../etc/passwd",
      () => app({ "score.yaml": score("../../etc/passwd") }),
      /outside the intent directory/,
    ],
    [
      "source: a symlink to a file outside",
      () => app({ "score.yaml": score("cfg.txt") }, { "cfg.txt": SECRET_FILE }),
      /leads outside the intent directory \(a symlink/,
    ],
    [
      "source: a path through a symlinked directory",
      () => app({ "score.yaml": score("etc/outside-secret.txt") }, { etc: work }),
      /leads outside the intent directory/,
    ],
    [
      "source: a FIFO inside the directory is not a regular file",
      () => {
        const d = app({ "score.yaml": score("pipe") });
        spawnFifo(join(d, "pipe"));
        return d;
      },
      /is not a regular file/,
    ],
    [
      "extra/ holding a symlink to a directory outside",
      () => {
        const outside = join(work, `outside-${n}`);
        mkdirSync(outside);
        writeFileSync(
          join(outside, "cm.yaml"),
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leak}\ndata: {v: ${PLANTED}}\n`,
        );
        return app({ "kintent.yaml": INTENT }, { "extra/linked": outside });
      },
      /extra\/linked leads outside the intent directory/,
    ],
    [
      "extra/ itself a symlink to a directory outside",
      () => {
        const outside = join(work, `outside-${n}`);
        mkdirSync(outside);
        writeFileSync(
          join(outside, "cm.yaml"),
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leak}\ndata: {v: ${PLANTED}}\n`,
        );
        return app({ "kintent.yaml": INTENT }, { extra: outside });
      },
      /extra leads outside the intent directory/,
    ],
  ];

  it.each(cases)("kintent build refuses %s with a located error, exit 2", async (_name, make, message) => {
    const dir = make();
    const r = await runCli(["build", dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\d+:\d+/);
    expect(r.stderr).not.toContain(PLANTED);
    expect(r.stderr).not.toMatch(/root:x:0:0/);
  });

  it.each(cases)(
    "kintent cmp generate refuses %s: no output, exit non-zero",
    async (_name, make, message) => {
      const dir = make();
      const r = await runSidecar(["cmp", "generate"], {
        cwd: dir,
        env: argoEnv({ name: "web-default", path: "apps/web" }),
        timeoutMs: 30_000,
      });
      expect(r.timedOut).toBe(false);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr + r.stdout).not.toContain(PLANTED);
    },
  );
});

describe("Score workloads with broken shapes get located errors", () => {
  const cases: [string, string, RegExp][] = [
    ["containers.main: null", "containers:\n  main: null\n", /4:3 .*container `main` must be a mapping/],
    [
      "a variable that is a map",
      "containers:\n  main:\n    image: ghcr.io/acme/web:1.0.0\n    variables:\n      CONFIG: {a: 1}\n",
      /7:7 .*variable `CONFIG` must be a string.*got a mapping/,
    ],
    [
      "args holding a map",
      "containers:\n  main:\n    image: ghcr.io/acme/web:1.0.0\n    args: [{a: 1}]\n",
      /6:5 .*`args` must be a list of strings/,
    ],
  ];
  it.each(cases)("%s", async (_name, body, message) => {
    const dir = app({ "score.yaml": `apiVersion: score.dev/v1b1\nmetadata: {name: web}\n${body}` });
    const r = await runCli(["build", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\[object Object\]|undefined/);
  });
});

function spawnFifo(path: string): void {
  // Node has no mkfifo; mkfifo(1) makes it. The FIFO is never opened by the test.
  if (spawnSync("mkfifo", [path]).status !== 0) throw new Error("mkfifo failed");
}
