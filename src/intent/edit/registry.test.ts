import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.js";
import type { VerbOptions } from "./operation.js";
import { parseOps } from "./parse-ops.js";
import { OPERATIONS } from "./registry.js";

const nameOf = (d: (typeof OPERATIONS)[number]) => d.schema.shape.op.value;

function verb(name: string) {
  const v = OPERATIONS.find((d) => nameOf(d) === name)?.verb;
  if (!v) throw new Error(`no verb ${name}`);
  return v;
}

const files: Record<string, string> = { "conf/app.conf": "a = 1\n" };
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT ${path}`);
  return text;
};

describe("the operation registry", () => {
  it("names each operation once and describes it", () => {
    const names = OPERATIONS.map(nameOf);
    expect(new Set(names).size).toBe(names.length);
    for (const d of OPERATIONS) expect(d.schema.description, nameOf(d)).toMatch(/\S/);
  });

  it("has a `kintent set` verb for every operation people type, in the order of `kintent set --help`", () => {
    expect(OPERATIONS.filter((d) => d.verb).map(nameOf)).toEqual([
      "image",
      "replicas",
      "env",
      "resources",
      "autoscaling",
      "canary-weight",
      "canary-image",
      "canary-promote",
      "canary-abort",
      "rollout-steps",
      "gate",
      "expose",
      "service",
      "probe",
      "tier",
      "port",
      "args",
      "label",
      "why",
      "storage",
      "file",
      "allow-from",
      "egress",
      "network-policy",
      "ref",
      "security",
    ]);
  });

  it("records `--why` under the key of the verb's operation (why and security read it themselves)", () => {
    const keys = Object.fromEntries(
      OPERATIONS.filter((d) => d.verb).map((d) => [nameOf(d), d.verb?.ownsWhy ? "(own)" : (d.why ?? "app")]),
    );
    expect(keys).toEqual({
      image: "image",
      replicas: "replicas",
      env: "env",
      resources: "resources",
      autoscaling: "autoscaling",
      "canary-weight": "rollout",
      "canary-image": "rollout",
      "canary-promote": "rollout",
      "canary-abort": "rollout",
      "rollout-steps": "rollout",
      gate: "rollout",
      expose: "expose",
      probe: "probe",
      tier: "tier",
      port: "port",
      args: "app",
      label: "labels",
      why: "(own)",
      service: "service",
      storage: "storage",
      file: "files",
      "allow-from": "network",
      egress: "network",
      "network-policy": "network",
      ref: "references",
      security: "(own)",
    });
  });
});

describe("verbs: argv → operations the schema accepts", () => {
  it.each<[string, string[], VerbOptions, unknown[]]>([
    ["image", [":1.5.0"], { env: "prod" }, [{ op: "image", tag: "1.5.0", env: "prod" }]],
    ["replicas", ["5"], {}, [{ op: "replicas", replicas: 5 }]],
    [
      "env",
      ["A=1", "B-", "C"],
      { fromSecret: "s:k" },
      [
        { op: "env", name: "A", value: "1" },
        { op: "unset-env", name: "B" },
        { op: "env", name: "C", fromSecret: { name: "s", key: "k" } },
      ],
    ],
    [
      "resources",
      ["medium"],
      { limitMemory: "1Gi" },
      [{ op: "resources", profile: "medium", limits: { memory: "1Gi" } }],
    ],
    ["autoscaling", ["2-6"], { cpu: "60%" }, [{ op: "autoscaling", min: 2, max: 6, cpu: "60%" }]],
    ["autoscaling", ["off"], { env: "dev" }, [{ op: "autoscaling-off", env: "dev" }]],
    ["canary-weight", ["30%"], {}, [{ op: "canary-weight", weight: 30 }]],
    [
      "canary-image",
      [":2"],
      { replicas: "2", namespace: "c" },
      [{ op: "canary-image", tag: "2", replicas: 2, namespace: "c" }],
    ],
    ["canary-promote", [], { env: "prod" }, [{ op: "canary-promote", env: "prod" }]],
    ["canary-abort", [], {}, [{ op: "canary-abort" }]],
    ["rollout-steps", ["10%", "1m", "100%"], {}, [{ op: "rollout-steps", steps: ["10%", "1m", "100%"] }]],
    [
      "gate",
      [],
      { successRate: ">= 99%", failureLimit: "2" },
      [{ op: "gate", successRate: ">= 99%", failureLimit: 2 }],
    ],
    ["expose", ["a.example.com"], { tls: false }, [{ op: "expose", host: "a.example.com", tls: false }]],
    ["expose", ["off"], { env: "dev" }, [{ op: "unexpose", env: "dev" }]],
    ["probe", ["tcp:8080"], {}, [{ op: "probe", tcp: 8080 }]],
    [
      "probe",
      ["/ready"],
      { port: "metrics", kind: "readiness" },
      [{ op: "probe", path: "/ready", port: "metrics", kind: "readiness" }],
    ],
    ["tier", ["dev"], {}, [{ op: "tier", tier: "dev" }]],
    ["port", ["9090"], {}, [{ op: "port", port: 9090 }]],
    ["args", ["a", "b"], {}, [{ op: "args", args: ["a", "b"] }]],
    ["args", [], { remove: true }, [{ op: "args", args: null }]],
    [
      "label",
      ["team=web", "old-"],
      {},
      [
        { op: "label", key: "team", value: "web" },
        { op: "label", key: "old", value: null },
      ],
    ],
    ["why", ["rollout", "slow", "ramp"], {}, [{ op: "why", key: "rollout", text: "slow ramp" }]],
    [
      "storage",
      ["data"],
      { path: "/data", size: "1Gi" },
      [{ op: "storage", name: "data", path: "/data", size: "1Gi" }],
    ],
    ["storage", ["data"], { remove: true }, [{ op: "unset-storage", name: "data" }]],
    [
      "file",
      ["/etc/app.conf"],
      { fromFile: "conf/app.conf" },
      [{ op: "file", path: "/etc/app.conf", content: "a = 1\n" }],
    ],
    ["file", ["/etc/app.conf"], { remove: true }, [{ op: "unset-file", path: "/etc/app.conf" }]],
    ["allow-from", [], { fromApp: "billing" }, [{ op: "allow-from", app: "billing" }]],
    ["egress", ["dns-only"], {}, [{ op: "egress", egress: "dns-only" }]],
    ["network-policy", ["off"], {}, [{ op: "network-policy", enabled: false }]],
    [
      "security",
      [],
      { writablePath: ["/tmp", "/cache"], runAsNonRoot: "on", why: "cache" },
      [{ op: "security", writablePaths: ["/tmp", "/cache"], runAsNonRoot: true, why: "cache" }],
    ],
  ])("%s %j %j", (name, args, options, expected) => {
    const ops = verb(name).build(args, options, { readFile });
    expect(ops).toEqual(expected);
    expect(parseOps(ops).errors).toEqual([]);
  });

  it.each<[string, string[], VerbOptions, string]>([
    ["replicas", ["x"], {}, "replicas must be a whole number ≥ 0, got `x`"],
    ["env", ["A"], {}, "env `A`: write NAME=value, NAME- or NAME with --from-secret <secret>:<key>"],
    ["env", ["A"], { fromSecret: "nokey" }, "--from-secret must be <name>:<key>, got `nokey`"],
    ["autoscaling", ["2to6"], {}, "autoscaling range must be <min>-<max> (e.g. 2-10) or off, got `2to6`"],
    ["label", ["=x"], {}, "label `=x`: write key=value or key-"],
    ["file", ["/etc/app.conf"], {}, "file: give --from-file <file>, --content <text> or --remove"],
    ["network-policy", ["maybe"], {}, "network-policy must be on or off, got `maybe`"],
  ])("%s %j %j is a usage error", (name, args, options, message) => {
    expect(() => verb(name).build(args, options, { readFile })).toThrow(new UsageError(message));
  });
});
