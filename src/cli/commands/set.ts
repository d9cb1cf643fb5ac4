import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { parse as parseYaml } from "yaml";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { printFindings } from "../output.js";
import { readStdin } from "../read-stdin.js";
import { applyOpsToDir } from "../../ai/apply.js";
import type { ApplyOpsResult } from "../../ai/apply.js";
import { parseOps } from "../../intent/edit/index.js";
import type { IntentOp } from "../../intent/edit/index.js";
import { opProblem } from "../../ai/answer.js";
import { formatChanges, summarizeChanges } from "../../core/diff.js";
import { findingsOfEnvironments, loadValidateOptions, wrapUsageAsync } from "../ai-options.js";

interface CommonFlags {
  dir: string;
  env?: string;
  app?: string;
  platform?: string;
  config?: string;
  dryRun?: boolean;
  why?: string;
  output: "text" | "json";
}

/** `key=value` pairs of a verb's flags turned into an operation; `undefined` values are dropped. */
function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function int(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number ≥ 0, got \`${v}\``);
  return n;
}

function ref(v: string, what: string): { name: string; key: string } {
  const i = v.indexOf(":");
  if (i <= 0 || i === v.length - 1) throw new UsageError(`${what} must be <name>:<key>, got \`${v}\``);
  return { name: v.slice(0, i), key: v.slice(i + 1) };
}

function imageOrTag(v: string): { image?: string; tag?: string } {
  return v.startsWith(":") ? { tag: v.slice(1) } : { image: v };
}

function onOff(v: string, what: string): boolean {
  if (/^(on|true|yes)$/i.test(v)) return true;
  if (/^(off|false|no)$/i.test(v)) return false;
  throw new UsageError(`${what} must be on or off, got \`${v}\``);
}

/** The `why` key a verb's `--why` is recorded under. */
const WHY_KEY: Record<string, string> = {
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
  label: "labels",
  storage: "storage",
  file: "files",
  "allow-from": "network",
  egress: "network",
  "network-policy": "network",
  security: "security",
};

type Verb = (cmd: Command) => Command;

export function registerSet(program: Command, ctx: CommandContext): void {
  const set = program
    .command("set")
    .description(
      "Change an intent file in place (comments and formatting kept): prints the intent diff and the manifest diff of every environment, validates, and writes only a valid result",
    );

  const verb = (
    name: string,
    args: string,
    description: string,
    build: (args: string[], o: Record<string, string | boolean | string[] | undefined>) => IntentOp[],
    extra?: Verb,
  ) => {
    let cmd = set.command(`${name}${args ? ` ${args}` : ""}`).description(description);
    if (extra) cmd = extra(cmd);
    common(cmd).action(async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const o = command.opts<Record<string, string | boolean | string[] | undefined>>();
      const positional = raw.slice(0, -2).flat() as string[];
      ctx.exitCode = await wrapUsageAsync(async () => {
        const ops = build(positional, o);
        return run(ctx, name, ops, o as unknown as CommonFlags);
      });
    });
  };
  const env = (o: Record<string, unknown>) => (typeof o.env === "string" ? { env: o.env } : {});

  verb(
    "image",
    "<image>",
    "container image (`ghcr.io/acme/shop:1.5.0`, or `:1.5.0` for the tag only)",
    ([v], o) => [{ op: "image", ...imageOrTag(v ?? ""), ...env(o) }],
  );
  verb("replicas", "<n>", "fixed replica count", ([v], o) => [
    { op: "replicas", replicas: int("replicas", v ?? ""), ...env(o) },
  ]);
  verb(
    "env",
    "<vars...>",
    "environment variables: NAME=value (literals only, never secrets), NAME- to remove, or NAME with --from-secret/--from-configmap",
    (vars, o) =>
      vars.map((v): IntentOp => {
        if (v.endsWith("-") && !v.includes("=")) return { op: "unset-env", name: v.slice(0, -1), ...env(o) };
        const eq = v.indexOf("=");
        if (eq > 0) return { op: "env", name: v.slice(0, eq), value: v.slice(eq + 1), ...env(o) };
        if (typeof o.fromSecret === "string")
          return { op: "env", name: v, fromSecret: ref(o.fromSecret, "--from-secret"), ...env(o) };
        if (typeof o.fromConfigmap === "string")
          return { op: "env", name: v, fromConfigMap: ref(o.fromConfigmap, "--from-configmap"), ...env(o) };
        throw new UsageError(
          `env \`${v}\`: write NAME=value, NAME- or NAME with --from-secret <secret>:<key>`,
        );
      }),
    (c) =>
      c
        .option("--from-secret <secret:key>", "reference a key of an existing Secret")
        .option("--from-configmap <configmap:key>", "reference a key of a ConfigMap"),
  );
  verb(
    "resources",
    "[profile]",
    "resource profile (small|medium|large|xlarge) and/or explicit requests and limits",
    ([profile], o) => {
      const req = clean({ cpu: o.cpu as string | undefined, memory: o.memory as string | undefined });
      const lim = clean({
        cpu: o.limitCpu as string | undefined,
        memory: o.limitMemory as string | undefined,
      });
      return [
        clean({
          op: "resources" as const,
          profile: profile as "small" | undefined,
          requests: Object.keys(req).length ? req : undefined,
          limits: Object.keys(lim).length ? lim : undefined,
          ...env(o),
        }),
      ];
    },
    (c) =>
      c
        .option("--cpu <q>", "CPU request")
        .option("--memory <q>", "memory request")
        .option("--limit-cpu <q>", "CPU limit")
        .option("--limit-memory <q>", "memory limit"),
  );
  verb(
    "autoscaling",
    "<range>",
    "autoscale between min and max replicas: `2-10` (with --cpu/--memory targets), or `off`",
    ([range], o) => {
      if (range === "off") return [{ op: "autoscaling-off", ...env(o) }];
      const m = /^(\d+)-(\d+)$/.exec(range ?? "");
      if (!m)
        throw new UsageError(`autoscaling range must be <min>-<max> (e.g. 2-10) or off, got \`${range}\``);
      return [
        clean({
          op: "autoscaling" as const,
          min: Number(m[1]),
          max: Number(m[2]),
          cpu: o.cpu as string | undefined,
          memory: o.memory as string | undefined,
          ...env(o),
        }),
      ];
    },
    (c) =>
      c
        .option("--cpu <percent>", "target CPU utilisation, e.g. 70%")
        .option("--memory <percent>", "target memory utilisation"),
  );
  verb(
    "canary-weight",
    "<percent>",
    "weighted canary: share of traffic (0-100) sent to the canary",
    ([v], o) => [{ op: "canary-weight", weight: int("weight", (v ?? "").replace(/%$/, "")), ...env(o) }],
  );
  verb(
    "canary-image",
    "<image>",
    "weighted canary: start or update the canary with this image (or `:tag`)",
    ([v], o) => [
      clean({
        op: "canary-image" as const,
        ...imageOrTag(v ?? ""),
        replicas: typeof o.replicas === "string" ? int("--replicas", o.replicas) : undefined,
        namespace: o.namespace as string | undefined,
        ...env(o),
      }),
    ],
    (c) =>
      c.option("--replicas <n>", "canary replicas").option("--namespace <ns>", "the canary's own namespace"),
  );
  verb(
    "canary-promote",
    "",
    "weighted canary: the canary's image becomes stable; the canary stops",
    (_a, o) => [{ op: "canary-promote", ...env(o) }],
  );
  verb("canary-abort", "", "weighted canary: stop the canary, all traffic back to stable", (_a, o) => [
    { op: "canary-abort", ...env(o) },
  ]);
  verb("rollout-steps", "<steps...>", "canary steps, e.g. 20% 2m 50% 2m 100%", (steps, o) => [
    { op: "rollout-steps", steps, ...env(o) },
  ]);
  verb(
    "gate",
    "",
    "canary metric gate",
    (_a, o) => [
      clean({
        op: "gate" as const,
        successRate: o.successRate as string | undefined,
        p99: o.p99 as string | undefined,
        interval: o.interval as string | undefined,
        failureLimit: typeof o.failureLimit === "string" ? int("--failure-limit", o.failureLimit) : undefined,
        ...env(o),
      }),
    ],
    (c) =>
      c
        .option("--success-rate <expr>", "e.g. '>= 95%'")
        .option("--p99 <expr>", "e.g. '< 500ms'")
        .option("--interval <duration>", "e.g. 1m")
        .option("--failure-limit <n>", "failed measurements tolerated"),
  );
  verb(
    "expose",
    "<host>",
    "expose on a host (HTTPS by default), or `off`",
    ([host], o) =>
      host === "off"
        ? [{ op: "unexpose", ...env(o) }]
        : [
            clean({
              op: "expose" as const,
              host,
              path: o.path as string | undefined,
              tls: o.tls === false ? false : undefined,
              ...env(o),
            }),
          ],
    (c) => c.option("--path <path>", "path prefix").option("--no-tls", "plain HTTP"),
  );
  verb(
    "probe",
    "<check>",
    "health check: an HTTP path (/healthz) or tcp:<port>",
    ([check], o) => {
      const kind = o.kind as "both" | "readiness" | "liveness" | "startup" | undefined;
      const tcp = /^tcp:(.+)$/.exec(check ?? "");
      if (tcp) {
        const p = tcp[1] ?? "";
        return [clean({ op: "probe" as const, tcp: /^\d+$/.test(p) ? Number(p) : p, kind })];
      }
      const port = o.port as string | undefined;
      return [
        clean({
          op: "probe" as const,
          path: check,
          port: port === undefined ? undefined : /^\d+$/.test(port) ? Number(port) : port,
          kind,
        }),
      ];
    },
    (c) =>
      c
        .option("--port <port>", "port number or name for an HTTP check")
        .addOption(
          new Option("--kind <kind>", "which probe").choices(["both", "readiness", "liveness", "startup"]),
        ),
  );
  verb("tier", "<tier>", "tier presets: production, staging or dev", ([t], o) => [
    { op: "tier", tier: t as "production", ...env(o) },
  ]);
  verb("port", "<port>", "the container port", ([p]) => [{ op: "port", port: int("port", p ?? "") }]);
  verb(
    "args",
    "[args...]",
    "arguments to the image's entrypoint (`--remove` to drop them)",
    (args, o) => [{ op: "args", args: o.remove ? null : args }],
    (c) => c.option("--remove", "remove the arguments"),
  );
  verb("label", "<labels...>", "organisation labels: key=value, or key- to remove", (labels, o) =>
    labels.map((l): IntentOp => {
      if (l.endsWith("-") && !l.includes("="))
        return { op: "label", key: l.slice(0, -1), value: null, ...env(o) };
      const eq = l.indexOf("=");
      if (eq <= 0) throw new UsageError(`label \`${l}\`: write key=value or key-`);
      return { op: "label", key: l.slice(0, eq), value: l.slice(eq + 1), ...env(o) };
    }),
  );
  verb("why", "<key> <text...>", "record why (spec.why.<key>)", ([key, ...text]) => [
    { op: "why", key: key ?? "", text: text.join(" ") },
  ]);
  verb(
    "storage",
    "<name>",
    "a persistent volume (--path, --size), or `<name> --remove`",
    ([name], o) =>
      o.remove
        ? [{ op: "unset-storage", name: name ?? "" }]
        : [
            clean({
              op: "storage" as const,
              name: name ?? "",
              path: (o.path as string | undefined) ?? "",
              size: (o.size as string | undefined) ?? "",
              storageClass: o.storageClass as string | undefined,
              accessMode: o.accessMode as "ReadWriteOnce" | undefined,
            }),
          ],
    (c) =>
      c
        .option("--path <path>", "mount path")
        .option("--size <size>", "e.g. 10Gi")
        .option("--storage-class <class>", "storage class")
        .option("--access-mode <mode>", "ReadWriteOnce, ReadWriteOncePod, ReadWriteMany or ReadOnlyMany")
        .option("--remove", "remove the volume"),
  );
  verb(
    "file",
    "<path>",
    "mount a read-only file (--from-file, --content) or remove it (--remove)",
    ([path], o) => {
      if (o.remove) return [{ op: "unset-file", path: path ?? "" }];
      const content =
        typeof o.fromFile === "string"
          ? readFileSync(resolve(ctx.io.cwd, o.fromFile), "utf8")
          : (o.content as string | undefined);
      if (content === undefined)
        throw new UsageError("file: give --from-file <file>, --content <text> or --remove");
      return [{ op: "file", path: path ?? "", content }];
    },
    (c) =>
      c
        .option("--from-file <file>", "content from a local file")
        .option("--content <text>", "inline content")
        .option("--remove", "remove the file"),
  );
  verb(
    "allow-from",
    "",
    "allow connections from another app, namespace or pods",
    (_a, o) => [
      clean({
        op: "allow-from" as const,
        app: o.fromApp as string | undefined,
        namespace: o.namespace as string | undefined,
      }),
    ],
    (c) => c.option("--from-app <app>", "another kintent app").option("--namespace <ns>", "its namespace"),
  );
  verb("egress", "<mode>", "egress allowed by the NetworkPolicy: all, dns-only or none", ([m]) => [
    { op: "egress", egress: m as "all" },
  ]);
  verb("network-policy", "<on|off>", "emit the default-deny NetworkPolicy or not", ([v]) => [
    { op: "network-policy", enabled: onOff(v ?? "", "network-policy") },
  ]);
  verb(
    "security",
    "",
    "container security settings (a person may relax them; record why with --why)",
    (_a, o) => {
      const bool = (k: string) => (typeof o[k] === "string" ? onOff(o[k], `--${k}`) : undefined);
      return [
        clean({
          op: "security" as const,
          writablePaths: o.writablePath as string[] | undefined,
          runAsUser: typeof o.runAsUser === "string" ? int("--run-as-user", o.runAsUser) : undefined,
          runAsNonRoot: bool("runAsNonRoot"),
          readOnlyRootFilesystem: bool("readOnlyRootFilesystem"),
          allowPrivilegeEscalation: bool("allowPrivilegeEscalation"),
          privileged: bool("privileged"),
          capabilitiesAdd: o.addCapability as string[] | undefined,
          seccompProfile: o.seccompProfile as "RuntimeDefault" | undefined,
          serviceAccountToken: bool("serviceAccountToken"),
          why: o.why as string | undefined,
        }),
      ];
    },
    (c) =>
      c
        .option("--writable-path <path...>", "writable emptyDir mounts")
        .option("--run-as-user <uid>", "user id")
        .option("--run-as-non-root <on|off>", "")
        .option("--read-only-root-filesystem <on|off>", "")
        .option("--allow-privilege-escalation <on|off>", "")
        .option("--privileged <on|off>", "")
        .option("--add-capability <cap...>", "capabilities to add")
        .option("--seccomp-profile <profile>", "RuntimeDefault, Localhost or Unconfined")
        .option("--service-account-token <on|off>", ""),
  );

  common(
    set
      .command("ops")
      .argument(
        "<file>",
        "a JSON or YAML list of operations (`-` for stdin): the schema `kintent ask` models answer with",
      )
      .description("apply a list of intent operations"),
  ).action(async (file: string, flags: CommonFlags) => {
    ctx.exitCode = await wrapUsageAsync(async () => {
      const text = file === "-" ? await readStdin(ctx.io.stdin) : readText(resolve(ctx.io.cwd, file));
      let value: unknown;
      try {
        value = parseYaml(text);
      } catch (e) {
        throw new UsageError(`${file}: not valid JSON or YAML: ${(e as Error).message.split("\n")[0] ?? ""}`);
      }
      const parsed = parseOps(value);
      if (parsed.errors.length > 0)
        throw new UsageError(`${file}: ${parsed.errors.map(opProblem).join("; ")}`);
      return run(ctx, "ops", parsed.ops, flags);
    });
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function common(cmd: Command): Command {
  return cmd
    .option("-C, --dir <dir>", "intent directory or file", ".")
    .option("-e, --env <env>", "change only this environment (an override under spec.environments)")
    .option("--app <name>", "the app, when the directory holds several")
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--config <file>", "validation configuration (default: .kintent.yaml here or in a parent)")
    .option("--dry-run", "show the diffs and findings; write nothing")
    .option("-m, --why <text>", "record why (spec.why)")
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"));
}

async function run(ctx: CommandContext, verb: string, ops: IntentOp[], flags: CommonFlags): Promise<number> {
  const { io } = ctx;
  const all: IntentOp[] = [...ops];
  if (flags.why !== undefined && verb !== "why" && verb !== "security")
    all.push({ op: "why", key: WHY_KEY[verb] ?? "app", text: flags.why });
  const parsed = parseOps(all);
  if (parsed.errors.length > 0) throw new UsageError(parsed.errors.map(opProblem).join("; "));
  const validateOptions = await loadValidateOptions(ctx, flags.dir, flags.config);
  const result: ApplyOpsResult = applyOpsToDir(flags.dir, parsed.ops, {
    cwd: io.cwd,
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    ...(flags.app !== undefined ? { app: flags.app } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(validateOptions ? { validateOptions } : {}),
  });
  return report(ctx, result, flags);
}

/** Print a result: diffs on stdout, findings and status on stderr. Returns the exit code. */
export function report(ctx: CommandContext, r: ApplyOpsResult, flags: { output: "text" | "json" }): number {
  const { io } = ctx;
  const code =
    r.status === "failed" ? ExitCode.Failure : r.status === "invalid" ? ExitCode.Findings : ExitCode.Ok;
  if (flags.output === "json") {
    io.stdout.write(
      JSON.stringify(
        {
          status: r.status,
          file: r.file,
          app: r.app,
          applied: r.applied,
          errors: r.errors.map(opProblem),
          diff: r.diff,
          environments: (r.preview?.envs ?? []).map((e) => ({
            env: e.env,
            changes: e.changes,
            findings: e.findings,
          })),
          findings: r.intentErrors,
        },
        null,
        2,
      ) + "\n",
    );
    return code;
  }
  if (r.errors.length > 0) {
    for (const e of r.errors) io.stderr.write(`kintent: ${opProblem(e)}\n`);
    return code;
  }
  if (r.intentErrors.length > 0) {
    printFindings(ctx, r.intentErrors);
    io.stderr.write("kintent: the change makes the intent invalid; nothing written\n");
    return code;
  }
  if (r.status === "unchanged") {
    io.stderr.write(`kintent: ${r.file ?? "the intent"} already says that; nothing to change\n`);
    return code;
  }
  io.stdout.write(r.diff);
  for (const e of r.preview?.envs ?? []) {
    io.stdout.write(`\n# manifests, environment ${e.env}: ${summarizeChanges(e.changes)}\n`);
    io.stdout.write(formatChanges(e.changes, "  "));
  }
  printFindings(ctx, findingsOfEnvironments(r.preview?.envs ?? []));
  if (r.status === "invalid") io.stderr.write("kintent: refusing to write: the result has error findings\n");
  else if (r.status === "dry-run") io.stderr.write(`kintent: dry run; ${r.file ?? ""} not written\n`);
  else io.stderr.write(`kintent: wrote ${r.file ?? ""}\n`);
  return code;
}
