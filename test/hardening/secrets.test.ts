/**
 * Issue 16, defect 3: credential-looking env values are refused under any name — by `build` (the intent) and by
 * `kintent set env` — for the shapes that slipped through before.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "kintent-h16-secrets-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const VALUES: [string, string][] = [
  ["GitLab token", "glpat-abcdefghij0123456789"],
  [
    "fine-grained GitHub token",
    "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
  ],
  ["AWS session key id", "ASIAY34FZKBOKMUTVV7A"],
  ["Google API key", "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234"],
  ["JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWJ5dGVz"],
  [
    "PGP private key",
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\\n\\nlQdGBGXcaFIBEAC7\\n-----END PGP PRIVATE KEY BLOCK-----",
  ],
  ["Vault token", "hvs.CAESIJlWh7tBsu7XxA3RuZ0t5dWg2WmZsNWZG"],
  ["redis URL password", "redis://:pw-only-Secret9@redis:6379"],
];

function intent(env: string): string {
  const d = mkdtempSync(join(work, "a-"));
  writeFileSync(
    join(d, "kintent.yaml"),
    `apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: web}\nspec:\n  image: ghcr.io/acme/web:1.0.0\n  port: 8080\n  probe: /healthz\n${env}`,
  );
  return d;
}

describe("credential-looking env values under innocent names", () => {
  it.each(VALUES)("build refuses a %s", async (_kind, value) => {
    const d = intent(`  env:\n    UPSTREAM: "${value}"\n`);
    const r = await runCli(["build", d]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/9:5 .*env `UPSTREAM` holds what looks like a secret value/);
    expect(r.stderr).not.toContain(value.slice(5, 25));
  });

  it.each(VALUES)("kintent set env refuses a %s and writes nothing", async (_kind, value) => {
    const d = intent("");
    const before = readFileSync(join(d, "kintent.yaml"), "utf8");
    const r = await runCli(["set", "env", `UPSTREAM=${value.replace(/\\n/g, "\n")}`, "-C", d]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/looks like a credential/);
    expect(readFileSync(join(d, "kintent.yaml"), "utf8")).toBe(before);
  });

  it("names with the credential word anywhere: SECRET_KEY, JWT_SECRET_KEY", async () => {
    for (const name of ["SECRET_KEY", "JWT_SECRET_KEY"]) {
      const d = intent(`  env:\n    ${name}: "plain-value-1"\n`);
      const r = await runCli(["build", d]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`env \`${name}\` holds what looks like a secret value`);
    }
    // Configuration about a credential is not one.
    const ok = intent(`  env:\n    TOKEN_TTL: "3600"\n    SECRET_NAME: shop-db\n`);
    expect((await runCli(["build", ok])).code).toBe(0);
  });
});
