import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { installCrds } from "./api-env.js";
import type { LoadCrdsOptions } from "./crds.js";
import { kubeRequest, serverVersion } from "./kube.js";
import type { KubeEnv } from "./kube.js";
import { removeDir, startReaper, tailLog, waitUntil } from "./process.js";
import { crdCorpusDir, repoRoot, requireTools } from "./tools.js";

/** A kwokctl `--runtime=binary` cluster: real control plane, fake nodes, pods driven by kwok Stages. */
export interface ClusterEnv extends KubeEnv {
  readonly kind: "cluster";
  /** kwokctl's cluster name (random per environment). */
  readonly name: string;
  /** The temporary directory (KWOK_WORKDIR and logs); removed by stop(). */
  readonly dir: string;
  /** Names of the fake nodes, all Ready. */
  readonly nodes: readonly string[];
  /** Directory of the component logs (etcd, kube-apiserver, kube-scheduler, kwok-controller, …). */
  readonly logsDir: string;
  /** Runs kwokctl against this cluster (e.g. `["get", "components"]`), returning its output. */
  kwokctl(args: readonly string[]): Promise<string>;
}

export interface ClusterEnvOptions extends LoadCrdsOptions {
  /** Number of fake nodes. @default 2 */
  nodes?: number;
  /** Allocatable resources of each fake node. @default { cpu: "16", memory: "64Gi", pods: "110" } */
  nodeResources?: { cpu?: string; memory?: string; pods?: string };
  /** Install the CRD corpus too (no controllers run for them). @default false */
  installCrds?: boolean;
  /** Directory holding the kwok Stage files. @default test/harness/kwok-stages */
  stagesDir?: string;
  /** How long kwokctl may take to bring the cluster up. @default 180000 */
  startTimeoutMs?: number;
}

/** The kwok Stage files the cluster environment loads, concatenated as one multi-document YAML. */
export function kwokStages(stagesDir = join(repoRoot, "test", "harness", "kwok-stages")): string {
  return readdirSync(stagesDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => readFileSync(join(stagesDir, f), "utf8").trim())
    .join("\n---\n");
}

interface RunResult {
  code: number | null;
  output: string;
}

async function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<RunResult> {
  return await new Promise<RunResult>((resolveRun, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, output });
    });
  });
}

/**
 * Creates a kwok cluster with `kwokctl create cluster --runtime=binary` from the binaries scripts/tools.sh built,
 * with the Stages of test/harness/kwok-stages, in a fresh temporary KWOK_WORKDIR; adds fake nodes and waits until
 * they are Ready and the default ServiceAccount exists. Always call `stop()`.
 */
export async function startClusterEnv(options: ClusterEnvOptions = {}): Promise<ClusterEnv> {
  const tools = requireTools(
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
    "kwokctl",
  );
  const dir = mkdtempSync(join(tmpdir(), "kintent-kwok-"));
  const workdir = join(dir, "kwok");
  mkdirSync(workdir);
  const name = `kintent-${randomBytes(4).toString("hex")}`;
  const clusterDir = join(workdir, "clusters", name);
  const logsDir = join(clusterDir, "logs");
  const env: NodeJS.ProcessEnv = { ...process.env, KWOK_WORKDIR: workdir };
  // The watchdog kills the component pids kwokctl records if this process dies without stop().
  const reaper = startReaper({ groups: () => [], pidGlob: `'${clusterDir}'/pids/*.pid`, dir });
  const kwokctl = async (args: readonly string[], timeoutMs = 120_000): Promise<string> => {
    const res = await run(tools.kwokctl, ["--name", name, ...args], env, timeoutMs);
    if (res.code !== 0) throw new Error(`kwokctl ${args.join(" ")} failed (${res.code}):\n${res.output}`);
    return res.output;
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await kwokctl(["delete", "cluster"], 60_000);
    } catch {
      // fall through to the pid files
    }
    try {
      for (const f of readdirSync(join(clusterDir, "pids"))) {
        const pid = Number(readFileSync(join(clusterDir, "pids", f), "utf8").trim());
        if (pid > 0) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
    } catch {
      // no pids dir
    }
    reaper.dismiss();
    removeDir(dir);
  };

  try {
    const configPath = join(dir, "kwok.yaml");
    const config = [
      "apiVersion: config.kwok.x-k8s.io/v1alpha1",
      "kind: KwokctlConfiguration",
      "options:",
      "  runtime: binary",
      "  bindAddress: 127.0.0.1",
      `  cacheDir: ${JSON.stringify(join(dir, "cache"))}`,
    ].join("\n");
    writeFileSync(configPath, `${config}\n---\n${kwokStages(options.stagesDir)}\n`);

    const created = await run(
      tools.kwokctl,
      [
        "--name",
        name,
        "--config",
        configPath,
        "create",
        "cluster",
        "--runtime=binary",
        `--kubeconfig=${join(dir, "host-kubeconfig.yaml")}`,
        `--etcd-binary=${tools.etcd}`,
        `--kube-apiserver-binary=${tools["kube-apiserver"]}`,
        `--kube-controller-manager-binary=${tools["kube-controller-manager"]}`,
        `--kube-scheduler-binary=${tools["kube-scheduler"]}`,
        `--kwok-controller-binary=${tools.kwok}`,
        "--wait=120s",
      ],
      env,
      options.startTimeoutMs ?? 180_000,
    );
    reaper.update();
    if (created.code !== 0) {
      throw new Error(
        `kwokctl create cluster failed (${created.code}):\n${created.output}\n${componentLogs(logsDir)}`,
      );
    }

    const kubeconfigPath = join(clusterDir, "kubeconfig.yaml");
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const server = kc.getCurrentCluster()?.server ?? "";
    const kubernetesVersion = await serverVersion(kc);

    const count = options.nodes ?? 2;
    const nodes: string[] = [];
    for (let i = 0; i < count; i++) {
      const nodeName = `kwok-node-${i}`;
      await createFakeNode(kc, nodeName, i, kubernetesVersion, options.nodeResources ?? {});
      nodes.push(nodeName);
    }
    await waitUntil(
      "fake nodes to be Ready",
      async () => {
        const res = await kubeRequest(kc, "/api/v1/nodes");
        const items =
          (
            res.body as {
              items?: {
                metadata: { name: string };
                status?: { conditions?: { type: string; status: string }[] };
              }[];
            }
          ).items ?? [];
        const ready = items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length >= count ? true : undefined;
      },
      { timeoutMs: 60_000, onTimeout: () => componentLogs(logsDir) },
    );
    await waitUntil(
      "the default ServiceAccount",
      async () =>
        (await kubeRequest(kc, "/api/v1/namespaces/default/serviceaccounts/default")).status === 200
          ? true
          : undefined,
      { timeoutMs: 60_000 },
    );
    if (options.installCrds) await installCrds(kc, crdCorpusDir(), options);

    return {
      kind: "cluster",
      name,
      dir,
      kubeconfigPath,
      server,
      kubeConfig: kc,
      kubernetesVersion,
      nodes,
      logsDir,
      kwokctl: (args) => kwokctl(args),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function componentLogs(logsDir: string): string {
  let files: string[];
  try {
    files = readdirSync(logsDir).sort();
  } catch {
    return "(no component logs)";
  }
  return files.map((f) => `--- ${f} ---\n${tailLog(join(logsDir, f), 15)}`).join("\n");
}

async function createFakeNode(
  kc: KubeConfig,
  name: string,
  index: number,
  kubeletVersion: string,
  resources: { cpu?: string; memory?: string; pods?: string },
): Promise<void> {
  const allocatable = {
    cpu: resources.cpu ?? "16",
    memory: resources.memory ?? "64Gi",
    pods: resources.pods ?? "110",
    "ephemeral-storage": "100Gi",
  };
  const node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node-role.kubernetes.io/agent": "",
        "topology.kubernetes.io/zone": `zone-${String.fromCharCode(97 + (index % 3))}`,
        type: "kwok",
      },
    },
    spec: {},
  };
  const created = await kubeRequest(kc, "/api/v1/nodes", { method: "POST", body: node });
  if (created.status !== 201)
    throw new Error(`creating node ${name}: HTTP ${created.status} ${created.text}`);
  const status = {
    status: {
      allocatable,
      capacity: allocatable,
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: "kwok",
        kernelVersion: "",
        osImage: "kwok",
        machineID: "",
        systemUUID: "",
        bootID: "",
      },
    },
  };
  const patched = await kubeRequest(kc, `/api/v1/nodes/${name}/status`, {
    method: "PATCH",
    body: status,
    contentType: "application/merge-patch+json",
  });
  if (patched.status !== 200)
    throw new Error(`setting status of node ${name}: HTTP ${patched.status} ${patched.text}`);
}
