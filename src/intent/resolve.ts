/**
 * Resolve a written App for one environment of a Platform: apply overrides in order
 * (defaults → tier preset → App → Platform environment → App's per-environment override),
 * and check what the schema alone cannot (cross-field and cross-file rules). Pure.
 */
import { createHash } from "node:crypto";
import type { Finding, SourceLocation } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { toPointer } from "../core/json-pointer.js";
import { didYouMean } from "../core/suggest.js";
import { matchRegistry } from "../core/image.js";
import { looksLikeSecret } from "../core/secrets.js";
import {
  DEFAULT_APPROVAL,
  DEFAULT_CPU_TARGET,
  DEFAULT_PROFILE,
  DEFAULT_QUERIES,
  DEFAULT_TERMINATION_GRACE_SECONDS,
  DEFAULT_TIER,
  GATE_DEFAULTS,
  IN_CLUSTER_URL,
  LABELS,
  PROBE_DEFAULTS,
  RESOURCE_PROFILES,
  ROLLING_DEFAULTS,
  SECURITY_DEFAULTS,
  TIER_PRESETS,
} from "./defaults.js";
import type { ProfileName, ResourceValues, Tier } from "./defaults.js";
import type { LoadedApp, LoadedPlatform } from "./load.js";
import type {
  WrittenAppOverride,
  WrittenAppSpec,
  WrittenEnvValue,
  WrittenEnvironment,
  WrittenFiles,
  WrittenGate,
  WrittenProbe,
  WrittenResources,
} from "./schema.js";
import type {
  CanaryStep,
  EnvFrom,
  EnvVar,
  EnvironmentFacts,
  ExposeSpec,
  FileSpec,
  GateSpec,
  Origin,
  Threshold,
  PlatformFacts,
  PortSpec,
  ProbeSpec,
  RegistryAuth,
  Resolved,
  ResolvedApp,
  RolloutSpec,
  SecuritySpec,
  ServiceSpec,
  StorageSpec,
  WeightedCanary,
  WritablePath,
} from "./types.js";
import { gateEvaluator, mergeRollout } from "./rollout.js";
import { parseImage, formatImage, durationSeconds } from "./values.js";

export interface ResolveResult {
  app?: ResolvedApp;
  errors: Finding[];
  warnings: Finding[];
}

/** The platform used when no platform.yaml exists: one environment, `default`, in the app's own namespace. */
export const IMPLICIT_ENVIRONMENT = "default";

/** Environment names available for an intent, in the Platform's order. */
export function environmentNames(platform: LoadedPlatform | undefined): string[] {
  return platform ? Object.keys(platform.value.spec.environments) : [IMPLICIT_ENVIRONMENT];
}

export { looksLikeSecret } from "../core/secrets.js";

export function resolveApp(
  loaded: LoadedApp,
  platform: LoadedPlatform | undefined,
  envName: string,
): ResolveResult {
  return new Resolver(loaded, platform, envName).run();
}

class Resolver {
  readonly errors: Finding[] = [];
  readonly warnings: Finding[] = [];
  readonly spec: WrittenAppSpec;
  readonly name: string;
  readonly doc: SourceDocument;
  readonly pdoc: SourceDocument | undefined;
  readonly penv: WrittenEnvironment;
  readonly override: WrittenAppOverride;
  readonly envName: string;
  /** Registry keys as written (normalized key → written key, and whether the environment wrote it). */
  readonly registryKeys = new Map<string, { key: string; env: boolean }>();

  constructor(
    readonly loaded: LoadedApp,
    readonly platform: LoadedPlatform | undefined,
    envName: string,
  ) {
    this.spec = loaded.value.spec;
    this.name = loaded.value.metadata.name;
    this.doc = loaded.source;
    this.pdoc = platform?.source;
    this.envName = envName;
    const envs = platform?.value.spec.environments ?? {
      [IMPLICIT_ENVIRONMENT]: { cluster: IN_CLUSTER_URL },
    };
    this.penv = envs[envName] ?? { cluster: IN_CLUSTER_URL };
    this.override = this.spec.environments?.[envName] ?? {};
  }

  // --- origins -------------------------------------------------------------------------------

  appLoc(...path: (string | number)[]): SourceLocation {
    return this.doc.locate(toPointer(path));
  }
  fromApp(reason: string, ...path: (string | number)[]): Origin {
    return { from: "app", reason, loc: this.appLoc("spec", ...path) };
  }
  fromOverride(reason: string, ...path: (string | number)[]): Origin {
    return { from: "env", reason, loc: this.appLoc("spec", "environments", this.envName, ...path) };
  }
  fromPlatform(reason: string, ...path: (string | number)[]): Origin {
    const loc = this.pdoc?.locate(toPointer(["spec", "environments", this.envName, ...path]));
    return { from: "platform", reason, ...(loc ? { loc } : {}) };
  }
  fromPlatformSpec(reason: string, ...path: (string | number)[]): Origin {
    const loc = this.pdoc?.locate(toPointer(["spec", ...path]));
    return { from: "platform", reason, ...(loc ? { loc } : {}) };
  }
  byDefault(reason: string): Origin {
    return { from: "default", reason };
  }

  error(
    message: string,
    path: (string | number)[],
    doc: SourceDocument | undefined = this.doc,
    messageId = "invalid-intent",
  ): void {
    const pointer = toPointer(path);
    this.errors.push({
      checkId: "intent",
      messageId,
      severity: "error",
      message,
      path: pointer,
      ...(doc ? { loc: doc.locate(pointer) } : {}),
    });
  }
  warn(
    message: string,
    path: (string | number)[],
    doc: SourceDocument | undefined = this.doc,
    messageId = "intent-warning",
  ): void {
    const pointer = toPointer(path);
    this.warnings.push({
      checkId: "intent",
      messageId,
      severity: "warning",
      message,
      path: pointer,
      ...(doc ? { loc: doc.locate(pointer) } : {}),
    });
  }

  // --- run -----------------------------------------------------------------------------------

  run(): ResolveResult {
    this.checkEnvironmentNames();
    const platformFacts = this.platformFacts();
    const environment = this.environmentFacts();
    const tier = this.tier();
    const preset = TIER_PRESETS[tier.value];
    const ports = this.ports();
    const image = this.image(
      this.override.image ?? this.spec.image,
      this.override.image ? ["environments", this.envName, "image"] : ["image"],
    );
    const replicasAndScaling = this.replicas(tier.value);
    const resources = this.resources();
    const probes = this.probes(ports, tier.value);
    const env = this.envVars(this.mergeEnv(), ["env"]);
    const files = this.files(this.spec.files, ["files"]);
    const security = this.security();
    const expose = this.expose(ports, platformFacts);
    const rollout = this.rollout(platformFacts, environment, ports, expose);
    const scheduling = this.scheduling();
    const maxReplicas = replicasAndScaling.autoscaling?.value.max ?? replicasAndScaling.replicas.value;
    const minReplicas = replicasAndScaling.autoscaling?.value.min ?? replicasAndScaling.replicas.value;

    const pdb: Resolved<boolean> = !preset.pdb
      ? { value: false, origin: this.tierOrigin(tier, preset.why) }
      : minReplicas <= 1
        ? {
            value: false,
            origin: {
              from: "derived",
              reason: "no PodDisruptionBudget: with a single replica it would block every node drain",
            },
          }
        : {
            value: true,
            origin: {
              from: "derived",
              reason: `${tier.value} tier with ${minReplicas}+ replicas: allow at most one pod down during voluntary disruptions (node drains, upgrades)`,
            },
          };
    const spread: Resolved<boolean> =
      preset.spread && maxReplicas > 1
        ? {
            value: true,
            origin: {
              from: "derived",
              reason: `${tier.value} tier: spread replicas across nodes (and zones when labelled) so one failure does not take them all`,
            },
          }
        : {
            value: false,
            origin: {
              from: "derived",
              reason: preset.spread ? "single replica: nothing to spread" : preset.why,
            },
          };

    const networkWritten = this.spec.network;
    const policyOn = networkWritten?.policy ?? preset.networkPolicy;
    const network: ResolvedApp["network"] = {
      value: {
        policy: policyOn,
        allowFrom: (networkWritten?.allowFrom ?? []).map((p) => ({
          ...(p.app !== undefined ? { app: p.app } : {}),
          ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
          ...(p.podLabels !== undefined ? { podLabels: p.podLabels } : {}),
          ...(p.ports !== undefined ? { ports: p.ports } : {}),
        })),
        egress: networkWritten?.egress ?? "all",
      },
      origin:
        networkWritten?.policy !== undefined
          ? this.fromApp(`network policy ${policyOn ? "on" : "off"} as the intent says`, "network", "policy")
          : this.tierOrigin(
              tier,
              policyOn
                ? `${tier.value} tier: default-deny ingress, allowing only the ingress controller and declared peers`
                : preset.why,
            ),
    };

    const platformLabels = this.platform?.value.spec.labels ?? {};
    const labels = sortKeys({
      ...platformLabels,
      ...(this.penv.labels ?? {}),
      ...(this.loaded.value.metadata.labels ?? {}),
      ...(this.override.labels ?? {}),
    });
    const annotations = sortKeys({
      ...(this.platform?.value.metadata.annotations ?? {}),
      ...(this.penv.annotations ?? {}),
      ...(this.loaded.value.metadata.annotations ?? {}),
      ...(this.override.annotations ?? {}),
    });
    this.checkRequiredLabels(labels);
    const { version, versionOrigin } = this.version(image.value, labels);
    delete labels[LABELS.version];
    const service = this.service(ports);

    const pullSecrets = [
      ...(this.penv.imagePullSecrets ?? []),
      ...(this.penv.pullSecret ? [this.penv.pullSecret] : []),
    ];
    const registryAuth = this.registryAuth(image.value, platformFacts);
    const canaryAuth = rollout.value.weighted
      ? this.registryAuth(rollout.value.weighted.image, platformFacts)
      : undefined;
    // A registry the platform says authenticates with a pull secret brings its Secret to the pods.
    const withSecret = [registryAuth, canaryAuth].filter(
      (r): r is NonNullable<typeof r> => r?.value.auth === "pull-secret" && r.value.pullSecret !== undefined,
    );
    const registrySecrets = withSecret.map((r) => r.value.pullSecret as string);
    const firstWithSecret = withSecret[0];
    const imagePullSecrets: Resolved<string[]> =
      pullSecrets.length > 0
        ? {
            value: [...new Set([...pullSecrets, ...registrySecrets])].sort(),
            origin: this.fromPlatform(
              `registry credentials for ${this.envName}`,
              this.penv.pullSecret ? "pullSecret" : "imagePullSecrets",
            ),
          }
        : firstWithSecret
          ? { value: [...new Set(registrySecrets)].sort(), origin: firstWithSecret.origin }
          : { value: [], origin: this.byDefault("no pull secret configured for this environment") };

    const why: Record<string, string> = {};
    if (this.loaded.value.metadata.why) why.app = this.loaded.value.metadata.why;
    if (typeof this.spec.why === "string") why.app = this.spec.why;
    else if (this.spec.why) Object.assign(why, this.spec.why);

    if (this.errors.length > 0) return { errors: this.errors, warnings: this.warnings };

    const app: ResolvedApp = {
      name: this.name,
      environment,
      platform: platformFacts,
      tier,
      labels,
      annotations,
      image,
      version,
      versionOrigin,
      ...(registryAuth ? { registryAuth } : {}),
      imagePullSecrets,
      containerName: this.spec.containerName ?? this.name,
      ...this.commandAndArgs(),
      ports,
      probes,
      resources,
      replicas: replicasAndScaling.replicas,
      ...(replicasAndScaling.autoscaling ? { autoscaling: replicasAndScaling.autoscaling } : {}),
      env,
      envFrom: (this.spec.envFrom ?? []).map((e): EnvFrom =>
        "secret" in e
          ? { secret: e.secret, ...(e.prefix ? { prefix: e.prefix } : {}) }
          : { config: e.config, ...(e.prefix ? { prefix: e.prefix } : {}) },
      ),
      files,
      storage: this.storage(scheduling.value.storageClass),
      ...(expose ? { expose } : {}),
      service,
      security,
      rollout,
      pdb,
      spread,
      network,
      serviceAccount: this.serviceAccount(),
      ...(this.spec.selector ? { selector: sortKeys(this.spec.selector) } : {}),
      podAnnotations: sortKeys(this.spec.podAnnotations ?? {}),
      scheduling,
      terminationGracePeriodSeconds: this.spec.terminationGracePeriod
        ? durationSeconds(this.spec.terminationGracePeriod)
        : DEFAULT_TERMINATION_GRACE_SECONDS,
      why,
      source: { file: this.doc.file, format: this.loaded.format },
    };
    this.checkStorage(app);
    if (app.selector && rollout.value.weighted)
      this.error(
        "`selector` cannot be combined with a weighted canary: the canary's pods are told apart by the instance label kintent sets",
        ["spec", "selector"],
      );
    if (app.selector && Object.keys(app.selector).length === 0)
      this.error("`selector` needs at least one label", ["spec", "selector"]);
    if (this.errors.length > 0) return { errors: this.errors, warnings: this.warnings };
    return { app, errors: this.errors, warnings: this.warnings };
  }

  tierOrigin(tier: Resolved<Tier>, reason: string): Origin {
    return { ...tier.origin, reason };
  }

  checkEnvironmentNames(): void {
    const known = environmentNames(this.platform);
    for (const name of Object.keys(this.spec.environments ?? {})) {
      if (!known.includes(name)) {
        const guess = didYouMean(name, known);
        this.error(
          `environment \`${name}\` is not defined by the platform (${known.join(", ")})` +
            (guess ? ` — did you mean \`${guess}\`?` : ""),
          ["spec", "environments", name],
          this.doc,
          "unknown-environment",
        );
      }
    }
  }

  checkRequiredLabels(labels: Record<string, string>): void {
    const required = this.platform?.value.spec.requiredLabels ?? [];
    const missing = required.filter((k) => !(k in labels) && !DERIVED_LABELS.has(k));
    if (missing.length > 0) {
      this.error(
        `the platform requires label(s) ${missing.map((m) => `\`${m}\``).join(", ")} on every app; add them under metadata.labels`,
        ["metadata"],
        this.doc,
        "required-labels",
      );
    }
  }

  platformFacts(): PlatformFacts {
    const p = this.platform?.value.spec;
    const ing = p?.ingress;
    const tls = p?.tls;
    const metrics = p?.metrics;
    return {
      name: this.platform?.value.metadata.name ?? "default",
      ingress: {
        kind: ing?.kind ?? "ingress",
        ...(ing?.className ? { className: ing.className } : {}),
        ...(ing?.gateway
          ? { gateway: stripUndefined(ing.gateway) as NonNullable<PlatformFacts["ingress"]["gateway"]> }
          : {}),
        entryPoints: {
          web: ing?.entryPoints?.web ?? "web",
          websecure: ing?.entryPoints?.websecure ?? "websecure",
        },
        allowCrossNamespace: ing?.allowCrossNamespace ?? false,
        allowExternalNameServices: ing?.allowExternalNameServices ?? false,
        ...(ing?.controllerNamespace ? { controllerNamespace: ing.controllerNamespace } : {}),
        ...(ing?.controllerPodLabels ? { controllerPodLabels: sortKeys(ing.controllerPodLabels) } : {}),
      },
      ...(tls
        ? {
            tls: {
              issuer: tls.issuer,
              kind: tls.kind ?? "ClusterIssuer",
              group: tls.group ?? "cert-manager.io",
            },
          }
        : {}),
      engine: p?.progressiveDelivery ?? "none",
      ...(metrics
        ? {
            metrics: {
              prometheus: metrics.prometheus,
              successRateQuery: metrics.successRateQuery ?? DEFAULT_QUERIES.successRate,
              latencyQuery: metrics.latencyQuery ?? DEFAULT_QUERIES.latency,
              errorCountQuery: metrics.errorCountQuery ?? DEFAULT_QUERIES.errorCount,
              noData: metrics.noData ?? GATE_DEFAULTS.noData,
              noDataDeadline: metrics.noDataDeadline ?? GATE_DEFAULTS.noDataDeadline,
            },
          }
        : {}),
      gitops: {
        ...(p?.gitops?.repo ? { repo: p.gitops.repo } : {}),
        path: p?.gitops?.path ?? "apps/{app}/{env}",
        revision: p?.gitops?.revision ?? "main",
      },
      registries: this.registries(),
      notes: (p?.notes ?? [])
        .filter((n) => !n.environments || n.environments.includes(this.envName))
        .map((n) => ({ title: n.title, ...(n.why ? { why: n.why } : {}), ...(n.fix ? { fix: n.fix } : {}) })),
      implicit: this.platform === undefined,
    };
  }

  environmentFacts(): EnvironmentFacts {
    const e = this.penv;
    const sync = e.sync ?? "manual";
    const s =
      sync === "auto"
        ? { auto: true, prune: true, selfHeal: true }
        : sync === "manual"
          ? { auto: false, prune: false, selfHeal: false }
          : {
              auto: sync.auto ?? false,
              prune: sync.auto ? (sync.prune ?? true) : false,
              selfHeal: sync.auto ? (sync.selfHeal ?? true) : false,
            };
    return {
      name: this.envName,
      cluster: e.cluster,
      namespace: e.namespace ?? this.name,
      createNamespace: e.createNamespace ?? false,
      sync: s,
      approval: e.approval ?? DEFAULT_APPROVAL,
      project: e.project ?? "default",
      ...(e.why ? { why: e.why } : {}),
    };
  }

  tier(): Resolved<Tier> {
    if (this.override.tier)
      return {
        value: this.override.tier,
        origin: this.fromOverride(`tier ${this.override.tier} for ${this.envName}`, "tier"),
      };
    if (this.penv.tier)
      return {
        value: this.penv.tier,
        origin: this.fromPlatform(
          `the ${this.envName} environment runs every app as tier ${this.penv.tier}`,
          "tier",
        ),
      };
    if (this.spec.tier)
      return {
        value: this.spec.tier,
        origin: this.fromApp(`tier ${this.spec.tier} as the intent says`, "tier"),
      };
    return {
      value: DEFAULT_TIER,
      origin: this.byDefault(`no tier given: ${DEFAULT_TIER} presets apply (safe by default)`),
    };
  }

  image(written: string, path: (string | number)[]): Resolved<string> {
    const ref = parseImage(written);
    if (!ref) {
      this.error(`\`${written}\` is not a valid image reference`, ["spec", ...path]);
      return { value: written, origin: this.byDefault("") };
    }
    if (!ref.tag && !ref.digest) {
      this.warn(
        `image \`${written}\` has no tag: it means \`latest\` and deploys whatever was pushed last — pin a version`,
        ["spec", ...path],
        this.doc,
        "image-tag",
      );
    } else if (ref.tag === "latest") {
      this.warn(
        `image \`${written}\` uses the \`latest\` tag: pin a version so a rollout is reproducible`,
        ["spec", ...path],
        this.doc,
        "image-tag",
      );
    }
    const origin =
      path[0] === "environments"
        ? this.fromOverride(`image for ${this.envName}`, "image")
        : this.fromApp("image as the intent says", ...path);
    if (this.penv.registry) {
      const rewritten = formatImage({ ...ref, registry: this.penv.registry });
      return {
        value: rewritten,
        origin: this.fromPlatform(
          `${this.envName} pulls from ${this.penv.registry} (image \`${written}\` rewritten to that registry)`,
          "registry",
        ),
      };
    }
    return { value: formatImage(ref), origin };
  }

  ports(): PortSpec[] {
    const out: PortSpec[] = [];
    if (this.spec.port !== undefined && this.spec.ports !== undefined) {
      this.error("give either `port` or `ports`, not both", ["spec", "port"]);
    }
    if (this.spec.ports) {
      this.spec.ports.forEach((p, i) => {
        out.push({
          name: p.name ?? (i === 0 ? "http" : `port-${p.port}`),
          port: p.port,
          servicePort: p.servicePort ?? p.port,
          protocol: p.protocol ?? "TCP",
          onService: p.service ?? true,
        });
      });
    } else if (this.spec.port !== undefined) {
      out.push({
        name: "http",
        port: this.spec.port,
        servicePort: this.spec.port,
        protocol: "TCP",
        onService: true,
      });
    }
    const seen = new Set<string>();
    out.forEach((p, i) => {
      if (seen.has(p.name)) this.error(`duplicate port name \`${p.name}\``, ["spec", "ports", i, "name"]);
      seen.add(p.name);
    });
    return out;
  }

  replicas(tier: Tier): { replicas: Resolved<number>; autoscaling?: ResolvedApp["autoscaling"] } {
    const preset = TIER_PRESETS[tier];
    const o = this.override;
    let autoscaling: ResolvedApp["autoscaling"];
    const written = o.autoscaling === false ? undefined : (o.autoscaling ?? this.spec.autoscaling);
    const envPinned =
      o.replicas !== undefined || (this.penv.replicas !== undefined && o.autoscaling === undefined);
    if (written && !envPinned) {
      const path = o.autoscaling ? ["environments", this.envName, "autoscaling"] : ["autoscaling"];
      if (written.min > written.max) {
        this.error(
          `autoscaling min (${written.min}) is greater than max (${written.max})`,
          ["spec", ...path, "min"],
          this.doc,
          "autoscaling-range",
        );
      }
      const cpu =
        written.cpu !== undefined
          ? pct(written.cpu)
          : written.memory === undefined
            ? DEFAULT_CPU_TARGET
            : undefined;
      const memory = written.memory !== undefined ? pct(written.memory) : undefined;
      autoscaling = {
        value: {
          min: written.min,
          max: written.max,
          ...(cpu !== undefined ? { cpu } : {}),
          ...(memory !== undefined ? { memory } : {}),
        },
        origin: o.autoscaling
          ? this.fromOverride(`autoscaling for ${this.envName}`, "autoscaling")
          : this.fromApp(
              `scale between ${written.min} and ${written.max} replicas on ${[cpu !== undefined ? `CPU ${cpu}%` : "", memory !== undefined ? `memory ${memory}%` : ""].filter(Boolean).join(" and ")}${written.cpu === undefined && written.memory === undefined ? " (default CPU target)" : ""}`,
              "autoscaling",
            ),
      };
      return {
        replicas: {
          value: written.min,
          origin: {
            from: "derived",
            reason:
              "the HorizontalPodAutoscaler owns the replica count; it is left out of the workload so Git and the HPA do not fight",
          },
        },
        autoscaling,
      };
    }
    if (o.replicas !== undefined)
      return {
        replicas: {
          value: o.replicas,
          origin: this.fromOverride(`${o.replicas} replica(s) in ${this.envName}`, "replicas"),
        },
      };
    if (this.penv.replicas !== undefined) {
      const note = this.spec.autoscaling
        ? " — autoscaling is off here because the environment pins the count"
        : "";
      return {
        replicas: {
          value: this.penv.replicas,
          origin: this.fromPlatform(
            `the ${this.envName} environment pins ${this.penv.replicas} replica(s)${note}`,
            "replicas",
          ),
        },
      };
    }
    if (this.spec.replicas !== undefined)
      return {
        replicas: {
          value: this.spec.replicas,
          origin: this.fromApp(`${this.spec.replicas} replica(s) as the intent says`, "replicas"),
        },
      };
    return {
      replicas: {
        value: preset.replicas,
        origin: { from: "default", reason: `${tier} tier preset: ${preset.replicas} replica(s)` },
      },
    };
  }

  resources(): ResolvedApp["resources"] {
    let profile: ProfileName | undefined = DEFAULT_PROFILE;
    let requests: ResourceValues = { ...RESOURCE_PROFILES[DEFAULT_PROFILE].requests };
    let limits: ResourceValues = { ...RESOURCE_PROFILES[DEFAULT_PROFILE].limits };
    let origin: Origin = this.byDefault(
      `no resources given: the ${DEFAULT_PROFILE} profile (requests ${fmtRes(requests)}, limits ${fmtRes(limits)})`,
    );
    const apply = (r: WrittenResources | undefined, mk: (reason: string) => Origin) => {
      if (r === undefined) return;
      if (typeof r === "string") {
        profile = r;
        requests = { ...RESOURCE_PROFILES[r].requests };
        limits = { ...RESOURCE_PROFILES[r].limits };
        origin = mk(`the ${r} profile: requests ${fmtRes(requests)}, limits ${fmtRes(limits)}`);
        return;
      }
      if (r.profile) {
        profile = r.profile;
        requests = { ...RESOURCE_PROFILES[r.profile].requests };
        limits = { ...RESOURCE_PROFILES[r.profile].limits };
      }
      if (r.requests || r.limits) profile = r.profile;
      requests = withQuantities(requests, r.requests);
      limits = withQuantities(limits, r.limits);
      origin = mk(
        `${r.profile ? `the ${r.profile} profile with ` : ""}requests ${fmtRes(requests)}, limits ${fmtRes(limits)}`,
      );
    };
    apply(this.spec.resources, (reason) => this.fromApp(reason, "resources"));
    apply(this.penv.resources, (reason) =>
      this.fromPlatform(`${this.envName} environment: ${reason}`, "resources"),
    );
    apply(this.override.resources, (reason) => this.fromOverride(`${this.envName}: ${reason}`, "resources"));
    return {
      value: {
        ...(profile ? { profile } : {}),
        requests: sortKeys(requests as Record<string, string>),
        limits: sortKeys(limits as Record<string, string>),
      },
      origin,
    };
  }

  probes(ports: PortSpec[], tier: Tier): ResolvedApp["probes"] {
    const out: ResolvedApp["probes"] = {};
    const mk = (
      p: WrittenProbe,
      path: (string | number)[],
      kind: "readiness" | "liveness" | "startup",
    ): Resolved<ProbeSpec> | undefined => {
      const port0 = ports[0]?.name;
      const timing = (x: {
        initialDelay?: string | undefined;
        period?: string | undefined;
        timeout?: string | undefined;
        failureThreshold?: number | undefined;
      }) => ({
        ...(x.initialDelay
          ? { initialDelaySeconds: durationSeconds(x.initialDelay) }
          : kind === "liveness"
            ? { initialDelaySeconds: PROBE_DEFAULTS.livenessInitialDelaySeconds }
            : {}),
        periodSeconds: x.period ? durationSeconds(x.period) : PROBE_DEFAULTS.periodSeconds,
        timeoutSeconds: x.timeout ? durationSeconds(x.timeout) : PROBE_DEFAULTS.timeoutSeconds,
        failureThreshold: x.failureThreshold ?? PROBE_DEFAULTS.failureThreshold,
      });
      let spec: ProbeSpec;
      if (typeof p === "string" || "path" in p) {
        const path0 = typeof p === "string" ? p : p.path;
        const port = typeof p === "string" ? port0 : (p.port ?? port0);
        if (port === undefined) {
          this.error("an HTTP probe needs a port: declare `port` or give the probe a `port`", [
            "spec",
            ...path,
          ]);
          return undefined;
        }
        if (typeof port === "string" && !ports.some((x) => x.name === port)) {
          const guess = didYouMean(
            port,
            ports.map((x) => x.name),
          );
          this.error(
            `probe port \`${port}\` is not a declared port name` +
              (guess ? ` — did you mean \`${guess}\`?` : ""),
            ["spec", ...path],
          );
          return undefined;
        }
        spec = { kind: "http", path: path0, port, ...timing(typeof p === "string" ? {} : p) };
      } else if ("tcp" in p) {
        spec = { kind: "tcp", port: p.tcp, ...timing(p) };
      } else {
        spec = { kind: "exec", command: p.exec, ...timing(p) };
      }
      const what =
        spec.kind === "http"
          ? `GET ${spec.path} on port ${spec.port}`
          : spec.kind === "tcp"
            ? `TCP connect to ${spec.port}`
            : `run \`${spec.command.join(" ")}\``;
      const reason =
        kind === "readiness"
          ? `${what}: traffic only reaches pods that answer`
          : kind === "liveness"
            ? `${what}: a hung process is restarted (first check after ${spec.initialDelaySeconds ?? 0}s)`
            : `${what}: liveness waits until startup succeeds`;
      return { value: spec, origin: this.fromApp(reason, ...path) };
    };
    const single = this.spec.probe;
    const pr = this.spec.probes;
    const readiness = pr?.readiness
      ? mk(pr.readiness, ["probes", "readiness"], "readiness")
      : single
        ? mk(single, ["probe"], "readiness")
        : undefined;
    const liveness = pr?.liveness
      ? mk(pr.liveness, ["probes", "liveness"], "liveness")
      : single
        ? mk(single, ["probe"], "liveness")
        : undefined;
    const startup = pr?.startup ? mk(pr.startup, ["probes", "startup"], "startup") : undefined;
    if (readiness) out.readiness = readiness;
    if (liveness) out.liveness = liveness;
    if (startup) out.startup = startup;
    if (!readiness && !liveness && tier !== "dev" && ports.length > 0) {
      this.warn(
        `no health probe: Kubernetes will send traffic before the app is ready and never restart it when hung — add \`probe: /healthz\``,
        ["spec"],
        this.doc,
        "missing-probe",
      );
    }
    return out;
  }

  mergeEnv(): Record<string, WrittenEnvValue> {
    return { ...(this.spec.env ?? {}), ...(this.override.env ?? {}) };
  }

  /** `written` env vars; `locate` names where a variable was written when it is not `spec.<path>` or an override. */
  envVars(
    written: Record<string, WrittenEnvValue>,
    path: (string | number)[],
    locate?: (name: string) => (string | number)[] | undefined,
  ): EnvVar[] {
    const out: EnvVar[] = [];
    for (const [name, v] of Object.entries(written)) {
      const at =
        locate?.(name) ??
        (this.override.env && name in this.override.env
          ? ["spec", "environments", this.envName, "env", name]
          : ["spec", ...path, name]);
      if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
        this.error(`\`${name}\` is not a valid environment variable name`, at);
        continue;
      }
      if (typeof v === "object") {
        if ("secret" in v)
          out.push({
            name,
            secret: v.secret,
            key: v.key,
            ...(v.optional !== undefined ? { optional: v.optional } : {}),
          });
        else if ("config" in v)
          out.push({
            name,
            config: v.config,
            key: v.key,
            ...(v.optional !== undefined ? { optional: v.optional } : {}),
          });
        else out.push({ name, field: v.field });
        continue;
      }
      const value = String(v);
      if (looksLikeSecret(name, value)) {
        this.error(
          `env \`${name}\` holds what looks like a secret value; intents hold references, never values — use \`${name}: {secret: <secret-name>, key: <key>}\``,
          at,
          this.doc,
          "secret-value",
        );
        continue;
      }
      out.push({ name, value });
    }
    return out;
  }

  /** `written` files; `path` is where they are (`spec.<path>.<file>`), or a function from a file to its path. */
  files(
    written: WrittenFiles | undefined,
    path: (string | number)[] | ((file: string) => (string | number)[]),
  ): FileSpec[] {
    const out: FileSpec[] = [];
    for (const [p, src] of Object.entries(written ?? {})) {
      if (p.endsWith("/")) {
        this.error(
          `file path \`${p}\` must name a file, not a directory`,
          typeof path === "function" ? path(p) : ["spec", ...path, p],
        );
        continue;
      }
      if (typeof src === "string") out.push({ path: p, kind: "inline", content: src });
      else if ("content" in src)
        out.push({
          path: p,
          kind: "inline",
          content: src.content,
          ...(src.mode !== undefined ? { mode: src.mode } : {}),
        });
      else if ("configMap" in src)
        out.push({ path: p, kind: "configMap", name: src.configMap, key: src.key });
      else out.push({ path: p, kind: "secret", name: src.secret, key: src.key });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  security(): Resolved<SecuritySpec> {
    const s = this.spec.security ?? {};
    const restricted = (s.profile ?? "restricted") === "restricted";
    // Profile none: only what the intent writes; the cluster's defaults apply to the rest.
    const d: Partial<typeof SECURITY_DEFAULTS> = restricted ? SECURITY_DEFAULTS : {};
    const writable = (s.writablePaths ?? d.writablePaths ?? []).map((w) =>
      typeof w === "string" ? { path: w } : w,
    );
    const byPath = new Map<string, WritablePath>();
    writable.forEach((w, i) => {
      if (byPath.has(w.path))
        this.error(`writable path ${w.path} is listed twice`, ["spec", "security", "writablePaths", i]);
      byPath.set(w.path, {
        path: w.path,
        volume: w.volume ?? writableVolumeName(w.path),
        ...(w.subPath !== undefined ? { subPath: w.subPath } : {}),
      });
    });
    const runAsNonRoot = s.runAsNonRoot ?? (s.runAsUser === 0 ? false : d.runAsNonRoot);
    const allowPrivilegeEscalation =
      s.allowPrivilegeEscalation ?? (s.privileged ? true : d.allowPrivilegeEscalation);
    const value = stripUndefined({
      profile: restricted ? ("restricted" as const) : ("none" as const),
      runAsNonRoot,
      runAsUser: s.runAsUser ?? d.runAsUser,
      runAsGroup: s.runAsGroup ?? d.runAsGroup,
      fsGroup: s.fsGroup ?? d.fsGroup,
      readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? d.readOnlyRootFilesystem,
      allowPrivilegeEscalation,
      privileged: s.privileged ?? d.privileged,
      capabilitiesAdd: [...(s.capabilities?.add ?? d.capabilitiesAdd ?? [])].sort(),
      capabilitiesDrop: [...(s.capabilities?.drop ?? d.capabilitiesDrop ?? [])].sort(),
      seccompProfile: s.seccompProfile ?? d.seccompProfile,
      serviceAccountToken: s.serviceAccountToken ?? d.serviceAccountToken,
      writablePaths: [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    }) as SecuritySpec;
    const relaxed: string[] = [];
    if (!restricted) relaxed.push("no security defaults (profile none)");
    if (value.runAsNonRoot === false) relaxed.push("runs as root");
    if (value.readOnlyRootFilesystem === false) relaxed.push("writable root filesystem");
    if (value.allowPrivilegeEscalation) relaxed.push("privilege escalation allowed");
    if (value.privileged) relaxed.push("privileged");
    if (value.capabilitiesAdd.length > 0)
      relaxed.push(`adds capabilities ${value.capabilitiesAdd.join(", ")}`);
    if (restricted && !value.capabilitiesDrop.includes("ALL")) relaxed.push("does not drop ALL capabilities");
    if (value.seccompProfile === "Unconfined") relaxed.push("seccomp Unconfined");
    if (value.serviceAccountToken) relaxed.push("mounts a service account token");
    if (relaxed.length > 0 && !this.whyFor("security")) {
      this.warn(
        `security relaxed (${relaxed.join("; ")}) without a reason: add \`why: {security: "…"}\` so reviewers know why`,
        ["spec", "security"],
        this.doc,
        "security-why",
      );
    }
    const reason =
      relaxed.length === 0
        ? "restricted Pod Security: non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, no service account token"
        : restricted
          ? `restricted Pod Security except: ${relaxed.join("; ")}`
          : `no security defaults: only what the intent sets${this.whyFor("security") ? ` — ${this.whyFor("security")}` : ""}`;
    return { value, origin: this.spec.security ? this.fromApp(reason, "security") : this.byDefault(reason) };
  }

  serviceAccount(): ResolvedApp["serviceAccount"] {
    const sa = this.spec.serviceAccount;
    const create = sa?.create ?? true;
    const name = sa?.name ?? (create ? this.name : undefined);
    if (!create && sa?.annotations && Object.keys(sa.annotations).length > 0)
      this.error(
        "serviceAccount.annotations need a ServiceAccount kintent creates; with `create: false` annotate the existing one",
        ["spec", "serviceAccount", "annotations"],
      );
    return {
      ...(name !== undefined ? { name } : {}),
      annotations: sortKeys(sa?.annotations ?? {}),
      create,
    };
  }

  whyFor(key: string): string | undefined {
    const w = this.spec.why;
    return w && typeof w === "object" ? w[key] : undefined;
  }

  expose(ports: PortSpec[], platform: PlatformFacts): Resolved<ExposeSpec> | undefined {
    const o = this.override.expose;
    if (o === false) return undefined;
    const base = this.spec.expose;
    if (!base && !o) return undefined;
    const merged = { ...(base ?? {}), ...(o ?? {}) };
    const path = o ? ["spec", "environments", this.envName, "expose"] : ["spec", "expose"];
    if (!merged.host) {
      this.error("expose needs a `host`", path);
      return undefined;
    }
    if (platform.ingress.kind === "none") {
      this.error(
        `the app is exposed at ${merged.host} but the platform has no ingress (ingress.kind: none) — set platform.spec.ingress, or remove expose`,
        path,
      );
      return undefined;
    }
    if (platform.ingress.kind === "gateway" && !platform.ingress.gateway) {
      this.error(
        "the platform routes with Gateway API but names no Gateway: set platform.spec.ingress.gateway.name",
        ["spec", "ingress"],
        this.pdoc,
      );
      return undefined;
    }
    let host = merged.host;
    if (!host.includes(".") && this.penv.domain) host = `${host}.${this.penv.domain}`;
    if (ports.length === 0) {
      this.error("expose needs a port: declare `port` or `ports`", path);
      return undefined;
    }
    let target: PortSpec | undefined = ports.find((p) => p.onService);
    if (merged.port !== undefined) {
      target = ports.find(
        (p) => p.name === merged.port || p.port === merged.port || p.servicePort === merged.port,
      );
      if (!target) {
        const guess =
          typeof merged.port === "string"
            ? didYouMean(
                merged.port,
                ports.map((p) => p.name),
              )
            : undefined;
        this.error(
          `expose.port \`${merged.port}\` is not a declared port` +
            (guess ? ` — did you mean \`${guess}\`?` : ""),
          [...path, "port"],
        );
        return undefined;
      }
    }
    if (!target) {
      this.error("expose needs a port the Service publishes (every port has `service: false`)", path);
      return undefined;
    }
    if (!target.onService) {
      this.error(
        `expose.port \`${merged.port ?? target.name}\` is not published on the Service (\`service: false\`)`,
        [...path, "port"],
      );
      return undefined;
    }
    const tls = merged.tls ?? platform.tls !== undefined;
    if (merged.tls === true && !platform.tls) {
      this.warn(
        `TLS requested but the platform has no cert-manager issuer: the Secret \`${merged.tlsSecret ?? `${this.name}-tls`}\` must already exist in the namespace`,
        [...path, "tls"],
        this.doc,
        "tls-without-issuer",
      );
    }
    const responseHeaders = sortKeys({ ...(base?.responseHeaders ?? {}), ...(o?.responseHeaders ?? {}) });
    if (Object.keys(responseHeaders).length > 0 && platform.ingress.kind === "ingress") {
      this.error(
        "expose.responseHeaders needs Traefik or Gateway API routing (platform.spec.ingress.kind traefik or gateway): an Ingress has no portable way to set response headers",
        [...path, "responseHeaders"],
      );
      return undefined;
    }
    const value: ExposeSpec = {
      host,
      path: merged.path ?? "/",
      servicePort: target.servicePort,
      portName: target.name,
      tls,
      redirectHttp: tls ? (merged.redirectHttp ?? true) : false,
      tlsSecret: merged.tlsSecret ?? `${this.name}-tls`,
      responseHeaders,
    };
    const tlsWhy = tls
      ? platform.tls
        ? `HTTPS with a certificate from ${platform.tls.kind} ${platform.tls.issuer}`
        : "HTTPS with the existing Secret " + value.tlsSecret
      : merged.tls === false
        ? "plain HTTP as the intent says"
        : "plain HTTP: the platform has no TLS issuer (set platform.spec.tls to get certificates)";
    return {
      value,
      origin: o
        ? this.fromOverride(`${host}${value.path}: ${tlsWhy}`, "expose")
        : this.fromApp(`${host}${value.path}: ${tlsWhy}`, "expose"),
    };
  }

  rollout(
    platform: PlatformFacts,
    env: EnvironmentFacts,
    ports: PortSpec[],
    expose: Resolved<ExposeSpec> | undefined,
  ): Resolved<RolloutSpec> {
    const merged = mergeRollout(this.spec.rollout, this.override.rollout, this.envName);
    const at = (...field: string[]) => merged.at(...field);
    const canary = merged.canary;
    const strategy = merged.strategy ?? (canary ? "canary" : "rolling");
    const value: RolloutSpec = {
      strategy,
      maxSurge: merged.maxSurge ?? ROLLING_DEFAULTS.maxSurge,
      maxUnavailable: merged.maxUnavailable ?? ROLLING_DEFAULTS.maxUnavailable,
      revisionHistoryLimit: merged.revisionHistoryLimit ?? ROLLING_DEFAULTS.revisionHistoryLimit,
      steps: [],
    };
    if (strategy !== "canary") {
      if (canary) this.error(`rollout.strategy is ${strategy} but a canary is configured`, at("strategy"));
      const reason =
        strategy === "recreate"
          ? "recreate: all old pods stop before new ones start (for apps that cannot run two versions at once)"
          : `rolling update: surge ${String(value.maxSurge)}, at most ${String(value.maxUnavailable)} unavailable — capacity never drops during a rollout`;
      return {
        value,
        origin: merged.fromEnvironment
          ? this.fromOverride(reason, "rollout")
          : this.spec.rollout
            ? this.fromApp(reason, "rollout")
            : this.byDefault(reason),
      };
    }
    if (platform.engine === "none") {
      this.error(
        "a canary needs a progressive delivery engine, and the platform has none: set platform.spec.progressiveDelivery to argo-rollouts, traefik-weighted or gateway-weighted",
        at("canary"),
      );
      return { value, origin: this.byDefault("") };
    }
    if ((this.spec.storage ?? []).length > 0) {
      this.error("canary rollouts are not supported for apps with storage (StatefulSets)", at("canary"));
    }
    value.steps = (canary?.steps ?? []).map(parseStep);
    const weightedEngine = platform.engine === "traefik-weighted" || platform.engine === "gateway-weighted";
    if (merged.gate) {
      if (!platform.metrics) {
        this.error(
          `a canary gate needs metrics: set platform.spec.metrics.prometheus (${gateEvaluator(platform.engine)})`,
          at("gate"),
        );
      } else {
        value.gate = parseGate(merged.gate);
        if (
          !value.gate.successRate &&
          !value.gate.p99 &&
          !value.gate.errorCount &&
          value.gate.queries.length === 0
        )
          this.error(
            "the canary gate measures nothing: set successRate, p99, errorCount or queries",
            at("gate"),
          );
      }
    }
    const live = (
      ["image", "weight", "replicas", "namespace", "labels", "responseHeaders", "bridge"] as const
    ).find((k) => canary?.[k] !== undefined);
    if (live && !weightedEngine) {
      this.error(
        `canary.${live} describes the live canary of weighted routing (canary.image/weight/replicas/namespace/labels/responseHeaders/bridge); with ${platform.engine} the controller runs the canary — change spec.image to start one`,
        at("canary", live).slice(0, -1),
      );
    }
    if (weightedEngine) {
      if (!expose)
        this.error(
          `weighted routing (${platform.engine}) splits traffic at the ingress, so the app must be exposed`,
          at("canary"),
        );
      if (platform.engine === "traefik-weighted" && platform.ingress.kind !== "traefik") {
        this.error(
          "traefik-weighted canaries need platform.spec.ingress.kind: traefik",
          ["spec", "progressiveDelivery"],
          this.pdoc,
        );
      }
      if (platform.engine === "gateway-weighted" && platform.ingress.kind !== "gateway") {
        this.error(
          "gateway-weighted canaries need platform.spec.ingress.kind: gateway",
          ["spec", "progressiveDelivery"],
          this.pdoc,
        );
      }
      if (canary?.image) {
        const img = this.image(canary.image, at("canary", "image").slice(1));
        const canaryEnv = canary.env ?? {};
        const canaryFiles = canary.files ?? {};
        const weighted: WeightedCanary = {
          image: img.value,
          version: canary.labels?.[LABELS.version] ?? imageVersion(img.value),
          labels: sortKeys(
            Object.fromEntries(Object.entries(canary.labels ?? {}).filter(([k]) => k !== LABELS.version)),
          ),
          responseHeaders: sortKeys({
            ...(expose?.value.responseHeaders ?? {}),
            ...(canary.responseHeaders ?? {}),
          }),
          bridge: canary.bridge ?? `${this.name}-canary-bridge`,
          weight: canary.weight ?? 0,
          replicas: canary.replicas ?? 1,
          namespace: canary.namespace ?? env.namespace,
          env: this.envVars({ ...this.mergeEnv(), ...canaryEnv }, ["env"], (name) =>
            name in canaryEnv ? at("canary", "env", name) : undefined,
          ),
          files: this.files({ ...(this.spec.files ?? {}), ...canaryFiles }, (file) =>
            file in canaryFiles ? at("canary", "files", file) : ["spec", "files", file],
          ),
        };
        value.weighted = weighted;
        if (
          weighted.namespace !== env.namespace &&
          platform.engine === "traefik-weighted" &&
          !platform.ingress.allowCrossNamespace &&
          !platform.ingress.allowExternalNameServices
        ) {
          this.error(
            `the canary runs in namespace ${weighted.namespace} but the route lives in ${env.namespace}: Traefik v3 blocks cross-namespace references by default (providers.kubernetesCRD.allowCrossNamespace=false). ` +
              "Set platform.spec.ingress.allowExternalNameServices: true (kintent then bridges with an ExternalName Service) or allowCrossNamespace: true — matching your Traefik flags — or run the canary in the app namespace",
            at("canary", "namespace"),
          );
        }
      } else if (canary?.weight) {
        this.error(
          "canary.weight is set but there is no canary.image to send traffic to",
          at("canary", "weight"),
        );
      }
    }
    void ports;
    const steps = value.steps
      .map((s) => ("setWeight" in s ? `${s.setWeight}%` : s.pause === "indefinite" ? "pause" : s.pause))
      .join(" → ");
    const reason =
      platform.engine === "argo-rollouts"
        ? `canary with Argo Rollouts: ${steps || "controller defaults"}${value.gate ? ", gated on metrics" : ""}`
        : value.weighted
          ? `weighted canary (${platform.engine}): ${value.weighted.weight}% of traffic to ${value.weighted.image}; steps ${steps || "none"} are taken as Git changes`
          : `weighted canary (${platform.engine}): no canary running; steps ${steps || "none"}`;
    return {
      value,
      origin: merged.fromEnvironment ? this.fromOverride(reason, "rollout") : this.fromApp(reason, "rollout"),
    };
  }

  scheduling(): ResolvedApp["scheduling"] {
    const e = this.penv;
    const affinity: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(e.nodeAffinity ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)))
      affinity[k] = Array.isArray(v) ? [...v] : [v];
    const value = {
      nodeSelector: sortKeys(e.nodeSelector ?? {}),
      nodeAffinity: affinity,
      tolerations: (e.tolerations ?? []).map((t) => stripUndefined(t) as Record<string, unknown>),
      ...(e.storageClass ? { storageClass: e.storageClass } : {}),
    };
    const parts: string[] = [];
    if (Object.keys(value.nodeSelector).length) parts.push(`node selector ${fmtMap(value.nodeSelector)}`);
    if (Object.keys(affinity).length)
      parts.push(
        `required node affinity ${Object.entries(affinity)
          .map(([k, v]) => `${k} in (${v.join(", ")})`)
          .join(", ")}`,
      );
    if (value.tolerations.length) parts.push(`${value.tolerations.length} toleration(s)`);
    return {
      value,
      origin: parts.length
        ? this.fromPlatform(
            `${this.envName} schedules onto ${parts.join("; ")}${e.why ? ` — ${e.why}` : ""}`,
            e.nodeAffinity ? "nodeAffinity" : e.nodeSelector ? "nodeSelector" : "tolerations",
          )
        : this.byDefault("no scheduling constraints"),
    };
  }

  /** The container's command and args: the environment's override wins over the app's, each with its origin. */
  commandAndArgs(): Pick<ResolvedApp, "command" | "commandOrigin" | "args" | "argsOrigin"> {
    const out: Pick<ResolvedApp, "command" | "commandOrigin" | "args" | "argsOrigin"> = {};
    const command = this.override.command ?? this.spec.command;
    if (command) {
      const reason = `runs \`${command.join(" ")}\` instead of the image's entrypoint`;
      out.command = command;
      out.commandOrigin = this.override.command
        ? this.fromOverride(reason, "command")
        : this.fromApp(reason, "command");
    }
    const args = this.override.args ?? this.spec.args;
    if (args) {
      const reason = `started with the arguments \`${args.join(" ")}\``;
      out.args = args;
      out.argsOrigin = this.override.args ? this.fromOverride(reason, "args") : this.fromApp(reason, "args");
    }
    return out;
  }

  /** app.kubernetes.io/version: an explicit label wins (the most specific level that writes one), else the image tag. */
  version(image: string, labels: Record<string, string>): { version: string; versionOrigin: Origin } {
    const explicit = labels[LABELS.version];
    const derived = imageVersion(image);
    if (explicit === undefined)
      return {
        version: derived,
        versionOrigin: {
          from: "derived",
          reason: `app.kubernetes.io/version ${derived} from the image tag; it follows every image change`,
        },
      };
    const reason = `app.kubernetes.io/version ${explicit} as the label says (the image tag would give ${derived})`;
    const key = LABELS.version;
    const versionOrigin: Origin =
      this.override.labels?.[key] !== undefined
        ? this.fromOverride(reason, "labels", key)
        : this.loaded.value.metadata.labels?.[key] !== undefined
          ? { from: "app", reason, loc: this.appLoc("metadata", "labels", key) }
          : this.penv.labels?.[key] !== undefined
            ? this.fromPlatform(reason, "labels", key)
            : this.fromPlatformSpec(reason, "labels", key);
    return { version: explicit, versionOrigin };
  }

  service(ports: PortSpec[]): Resolved<ServiceSpec> {
    const a = this.spec.service ?? {};
    const o = this.override.service ?? {};
    const written = this.spec.service !== undefined || this.override.service !== undefined;
    const externalTrafficPolicy = o.externalTrafficPolicy ?? a.externalTrafficPolicy;
    const value: ServiceSpec = {
      type: o.type ?? a.type ?? "ClusterIP",
      headless: o.headless ?? a.headless ?? false,
      annotations: sortKeys({ ...(a.annotations ?? {}), ...(o.annotations ?? {}) }),
      ...(externalTrafficPolicy ? { externalTrafficPolicy } : {}),
    };
    const at = (field: keyof ServiceSpec): (string | number)[] =>
      o[field] !== undefined
        ? ["spec", "environments", this.envName, "service", field]
        : ["spec", "service", field];
    if (written && ports.length === 0)
      this.error("`service` needs a port to serve: declare `port` or `ports`", [
        "spec",
        this.spec.service ? "service" : "environments",
      ]);
    if (value.headless && value.type !== "ClusterIP")
      this.error(
        `a headless Service has no virtual IP to put behind a ${value.type}: drop \`headless\` or use type ClusterIP`,
        at("headless"),
      );
    if (value.externalTrafficPolicy && value.type === "ClusterIP")
      this.error(
        "externalTrafficPolicy applies to traffic from outside the cluster: it needs type NodePort or LoadBalancer",
        at("externalTrafficPolicy"),
      );
    const what =
      value.type === "LoadBalancer"
        ? "LoadBalancer: the cloud provisions a load balancer with its own address in front of the pods; its ports are open to every source"
        : value.type === "NodePort"
          ? "NodePort: reachable on a port of every node as well as inside the cluster; its ports are open to every source"
          : value.headless
            ? "headless (clusterIP: None): DNS answers with the pods' own addresses"
            : "ClusterIP: a stable name and virtual IP inside the cluster";
    const policy = value.externalTrafficPolicy
      ? value.externalTrafficPolicy === "Local"
        ? "; externalTrafficPolicy Local: outside traffic goes only to pods on the receiving node, keeping the client's source IP"
        : "; externalTrafficPolicy Cluster: outside traffic spreads over every pod (the client IP is replaced)"
      : "";
    const reason = `${what}${policy}`;
    return {
      value,
      origin:
        this.override.service !== undefined
          ? this.fromOverride(`${this.envName}: ${reason}`, "service")
          : this.spec.service !== undefined
            ? this.fromApp(reason, "service")
            : this.byDefault(reason),
    };
  }

  /** Volumes for this environment: the app's, with the environment's override by name. */
  storage(envClass: string | undefined): StorageSpec[] {
    const written = this.spec.storage ?? [];
    const names = written.map((s) => s.name);
    for (const name of Object.keys(this.override.storage ?? {})) {
      if (!names.includes(name)) {
        const guess = didYouMean(name, names);
        this.error(
          names.length === 0
            ? `storage override \`${name}\`: the app declares no storage`
            : `storage override \`${name}\` names no volume of the app (${names.join(", ")})` +
                (guess ? ` — did you mean \`${guess}\`?` : ""),
          ["spec", "environments", this.envName, "storage", name],
        );
      }
    }
    return written.map((s, i): StorageSpec => {
      const o = this.override.storage?.[s.name];
      const base = { name: s.name, path: s.path };
      if (o === "emptyDir") {
        const size = String(s.size);
        return {
          ...base,
          size,
          accessMode: s.accessMode ?? "ReadWriteOnce",
          emptyDir: true,
          origin: this.fromOverride(
            `emptyDir in ${this.envName}: scratch space that lives as long as the pod (up to ${size}), no PersistentVolumeClaim`,
            "storage",
            s.name,
          ),
        };
      }
      const size = String(o?.size ?? s.size);
      const accessMode = o?.accessMode ?? s.accessMode ?? "ReadWriteOnce";
      const sc = o?.storageClass ?? s.storageClass ?? envClass;
      const what = `a ${size} ${accessMode} PersistentVolumeClaim per replica`;
      const origin: Origin =
        o !== undefined
          ? this.fromOverride(
              `${what}${sc ? ` on storage class ${sc}` : ""} in ${this.envName}`,
              "storage",
              s.name,
            )
          : s.storageClass
            ? this.fromApp(`${what} on storage class ${s.storageClass}`, "storage", i, "storageClass")
            : envClass
              ? this.fromPlatform(`${what} on ${this.envName}'s storage class ${envClass}`, "storageClass")
              : this.fromApp(`${what} on the cluster's default storage class`, "storage", i);
      return { ...base, size, accessMode, ...(sc ? { storageClass: sc } : {}), origin };
    });
  }

  /** How registries authenticate here: the platform's, with the environment's merged over by key. */
  registries(): Record<string, RegistryAuth> {
    const merged = {
      ...(this.platform?.value.spec.registries ?? {}),
      ...(this.penv.registries ?? {}),
    };
    const out: Record<string, RegistryAuth> = {};
    for (const [key, r] of Object.entries(merged)) {
      const at =
        this.penv.registries?.[key] !== undefined
          ? ["spec", "environments", this.envName, "registries", key]
          : ["spec", "registries", key];
      const host = normalizeRegistryKey(key);
      if (!host) {
        this.error(
          `registries: \`${key}\` is not a registry host (optionally with a path), e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com or ghcr.io/acme`,
          at,
          this.pdoc,
        );
        continue;
      }
      if (r.pullSecret !== undefined && r.auth !== "pull-secret")
        this.error(
          `registries: ${key} authenticates with ${r.auth}, so \`pullSecret\` would never be used — remove it, or set auth: pull-secret`,
          [...at, "pullSecret"],
          this.pdoc,
        );
      this.registryKeys.set(host, { key, env: this.penv.registries?.[key] !== undefined });
      out[host] = {
        auth: r.auth,
        ...(r.pullSecret ? { pullSecret: r.pullSecret } : {}),
        ...(r.why ? { why: r.why } : {}),
      };
    }
    return sortKeys(out);
  }

  /** The platform's word on how `image`'s registry authenticates (the longest matching key), if any. */
  registryAuth(
    image: string,
    platform: PlatformFacts,
  ): Resolved<RegistryAuth & { registry: string }> | undefined {
    const key = matchRegistry(image, Object.keys(platform.registries));
    const r = key === undefined ? undefined : platform.registries[key];
    if (key === undefined || !r) return undefined;
    const how = {
      "pull-secret": r.pullSecret
        ? `pods pull with the imagePullSecret ${r.pullSecret}`
        : "pods pull with the environment's imagePullSecrets",
      "node-role": "the nodes pull with their own cloud identity: no imagePullSecret",
      "workload-identity": "the kubelet pulls with the pod's ServiceAccount identity: no imagePullSecret",
      anonymous: "public images: no credentials",
    }[r.auth];
    const reason = `${key} authenticates with ${r.auth}: ${how}${r.why ? ` — ${r.why}` : ""}`;
    const written = this.registryKeys.get(key) ?? { key, env: false };
    return {
      value: { ...r, registry: key },
      origin: written.env
        ? this.fromPlatform(reason, "registries", written.key)
        : this.fromPlatformSpec(reason, "registries", written.key),
    };
  }

  checkStorage(app: ResolvedApp): void {
    app.storage.forEach((s, i) => {
      if (app.security.value.writablePaths.some((w) => w.path === s.path))
        this.error(`storage path ${s.path} is also a writable emptyDir path`, ["spec", "storage", i, "path"]);
    });
    if (app.storage.length > 0 && app.autoscaling) {
      this.warn(
        "autoscaling a StatefulSet adds replicas with empty volumes; make sure the app handles that",
        ["spec", "autoscaling"],
      );
    }
  }
}

// --- helpers ------------------------------------------------------------------------------------

/** Volume name of a writable path: `/tmp` → `writable-tmp` (a DNS label, hashed when long). */
export function writableVolumeName(path: string): string {
  const base = `writable-${path === "/tmp" ? "tmp" : path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return base.length <= 63
    ? base
    : `${base.slice(0, 54)}-${createHash("sha256").update(base).digest("hex").slice(0, 8)}`;
}

function pct(v: number | string): number {
  return typeof v === "number" ? v : parseInt(v, 10);
}

/** `base` with the written quantities over it: `false` removes one (or, for the whole map, all). */
function withQuantities(base: ResourceValues, written: object | false | undefined): ResourceValues {
  if (written === false) return {};
  const out: Record<string, string> = { ...(base as Record<string, string>) };
  for (const [k, v] of Object.entries(written ?? {}) as [string, string | number | false | undefined][]) {
    if (v === false) delete out[k];
    else if (v !== undefined) out[k] = String(v);
  }
  return out;
}

function fmtRes(r: ResourceValues): string {
  return [r.cpu, r.memory].filter(Boolean).join("/") || "none";
}

function fmtMap(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

export function sortKeys<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Labels kintent writes on every object itself, so a platform's `requiredLabels` never needs them written. */
const DERIVED_LABELS: ReadonlySet<string> = new Set([
  LABELS.name,
  LABELS.instance,
  LABELS.version,
  LABELS.managedBy,
  LABELS.environment,
  LABELS.tier,
]);

/** `host[/path]` in canonical form (lower-case host, no scheme or trailing slash), or undefined. */
function normalizeRegistryKey(key: string): string | undefined {
  const k = key.trim().replace(/\/+$/, "");
  const [host, ...path] = k.split("/");
  if (!host || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/.test(host)) return undefined;
  if (!path.every((p) => /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return undefined;
  return [host.toLowerCase(), ...path].join("/");
}

export function imageVersion(image: string): string {
  const ref = parseImage(image);
  const raw = ref?.tag ?? (ref?.digest ? ref.digest.replace(/^sha256:/, "").slice(0, 12) : "latest");
  const clean = raw
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return clean || "latest";
}

function parseStep(s: number | string): CanaryStep {
  if (typeof s === "number") return { setWeight: s };
  if (s.endsWith("%")) return { setWeight: parseInt(s, 10) };
  if (s === "pause") return { pause: "indefinite" };
  return { pause: s };
}

function parseGate(g: WrittenGate): GateSpec {
  const out: GateSpec = {
    queries: (g.queries ?? []).map((q) => ({
      name: q.name,
      query: q.query,
      pass: parseThreshold(q.pass),
      ...(q.fail !== undefined ? { fail: parseThreshold(q.fail) } : {}),
    })),
    interval: g.interval ?? GATE_DEFAULTS.interval,
    count: g.count ?? GATE_DEFAULTS.count,
    failureLimit: g.failureLimit ?? GATE_DEFAULTS.failureLimit,
    consecutiveErrorLimit: g.consecutiveErrorLimit ?? GATE_DEFAULTS.consecutiveErrorLimit,
    inconclusiveLimit: g.inconclusiveLimit ?? GATE_DEFAULTS.inconclusiveLimit,
  };
  if (g.errorCount) {
    const m = /^(<=?)\s*(\d+)$/.exec(g.errorCount);
    if (m) out.errorCount = { op: m[1] as "<=" | "<", value: parseInt(m[2] as string, 10) };
  }
  if (g.successRate) {
    const m = /^(>=?)\s*(\d+(?:\.\d+)?)%$/.exec(g.successRate);
    if (m) out.successRate = { op: m[1] as ">=" | ">", value: parseFloat(m[2] as string) / 100 };
  }
  if (g.p99) {
    const m = /^(<=?)\s*(\d+(?:\.\d+)?)(ms|s)$/.exec(g.p99);
    if (m)
      out.p99 = { op: m[1] as "<=" | "<", seconds: parseFloat(m[2] as string) / (m[3] === "ms" ? 1000 : 1) };
  }
  return out;
}

/** `>= 0.95` → {op, value}; the schema has checked the shape. */
function parseThreshold(t: string): Threshold {
  const m = /^(>=|<=|>|<|==|!=)\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  return { op: (m?.[1] ?? "==") as Threshold["op"], value: parseFloat(m?.[2] ?? "0") };
}
