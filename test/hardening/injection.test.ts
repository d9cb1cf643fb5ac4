/**
 * Issue 16, defect 4: hosts, paths, label keys and values, and ports are checked where they enter the intent
 * (a located error, exit 2), so nothing can inject Traefik rule syntax or reach the output invalid.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers.js";
import { ruleLiteral } from "../../src/compile/routing.js";

const work = mkdtempSync(join(tmpdir(), "kintent-h16-inject-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  ingress: {kind: traefik, controllerNamespace: traefik}
  environments:
    prod: {cluster: https://kubernetes.default.svc, namespace: shop, tier: production}
`;

function app(spec: string, meta = ""): string {
  const d = mkdtempSync(join(work, "a-"));
  writeFileSync(join(d, "platform.yaml"), PLATFORM);
  writeFileSync(
    join(d, "kintent.yaml"),
    `apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata:\n  name: web\n  labels:\n    team: web${meta}\nspec:\n  image: ghcr.io/acme/web:1.0.0\n  port: 8080\n  probe: /healthz\n${spec}`,
  );
  return d;
}

describe("hostile values where they enter the intent", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "a backtick in expose.host (Traefik rule injection)",
      "  expose: {host: 'x.io`) || PathPrefix(`/admin'}\n",
      "",
      /11:\d+ .*is not a host name/,
    ],
    ["a host with a space", "  expose: {host: 'a b'}\n", "", /is not a host name/],
    ["a host with $(id)", "  expose: {host: '$(id)'}\n", "", /is not a host name/],
    ["a host with a scheme", "  expose: {host: 'https://x.io'}\n", "", /is not a host name/],
    ["a path with a backtick", "  expose: {host: x.io, path: '/a`) || Host(`b'}\n", "", /must be a URL path/],
    [
      "a 300-character label value",
      "",
      `\n    long: ${"a".repeat(300)}`,
      /metadata\.labels\.long` must be at most 63 character\(s\), got the string "a{57}"… \(300 characters\)/,
    ],
    ["a label key with spaces", "", `\n    'bad key': x`, /not a valid Kubernetes label\/annotation key/],
    [
      "NetworkPolicy port NaN",
      "  network: {allowFrom: [{app: api, ports: [.nan]}]}\n",
      "",
      /11:\d+ .*network/,
    ],
    [
      "NetworkPolicy port Not_A_Port!",
      "  network: {allowFrom: [{app: api, ports: ['Not_A_Port!']}]}\n",
      "",
      /must be a port number \(1–65535\) or a port name/,
    ],
    [
      "NetworkPolicy port 99999",
      "  network: {allowFrom: [{app: api, ports: [99999]}]}\n",
      "",
      /must be a port number|65535/,
    ],
    ["expose.port 0", "  expose: {host: x.io, port: 0}\n", "", /expose/],
  ];
  it.each(cases)("%s: a located error, exit 2, no output", async (_name, spec, meta, message) => {
    const d = app(spec, meta);
    const r = await runCli(["build", d, "--env", "prod"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/kintent\.yaml\n\s+\d+:\d+/);
    expect(r.stderr).not.toMatch(/internal error|undefined|\[object Object\]/);
  });

  it("a valid host and path still build, and the Traefik rule holds exactly them", async () => {
    const d = app("  expose: {host: shop.acme.io, path: /api}\n");
    const r = await runCli(["build", d, "--env", "prod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("match: Host(`shop.acme.io`) && PathPrefix(`/api`)");
  });

  it("the rule builder refuses anything that could end a Traefik literal", () => {
    for (const v of ["x`", "a b", "a\u0000", '"', ""])
      expect(() => ruleLiteral(v, "host")).toThrow(/Traefik rule/);
    expect(ruleLiteral("shop.acme.io", "host")).toBe("shop.acme.io");
  });
});
