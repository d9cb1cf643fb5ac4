import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { scaffoldApp, scaffoldPlatform } from "../../intent/scaffold.js";
import { dnsLabel } from "../../intent/schema.js";
import { parseImage } from "../../intent/values.js";

interface InitFlags {
  name: string;
  image: string;
  port: string;
  dir: string;
  platform: boolean;
  force?: boolean;
}

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command("init")
    .description("Scaffold a kintent.yaml (and a platform.yaml when none is found) for a new service")
    .requiredOption("--name <name>", "app name (a DNS-1123 label, e.g. shop)")
    .requiredOption("--image <image>", "container image with a tag, e.g. ghcr.io/acme/shop:1.4.2")
    .option("--port <port>", "container port", "8080")
    .option("--dir <dir>", "directory to write into", ".")
    .option("--no-platform", "do not write platform.yaml")
    .option("--force", "overwrite existing files")
    .action((flags: InitFlags) => {
      ctx.exitCode = runInit(ctx, flags);
    });
}

function runInit(ctx: CommandContext, flags: InitFlags): number {
  if (!dnsLabel.safeParse(flags.name).success) {
    throw new UsageError(
      `--name \`${flags.name}\` must be a DNS-1123 label: lower-case letters, digits and '-' (e.g. shop)`,
    );
  }
  if (!parseImage(flags.image))
    throw new UsageError(`--image \`${flags.image}\` is not a valid image reference`);
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port must be 1–65535, got ${flags.port}`);
  const dir = resolve(ctx.io.cwd, flags.dir);
  const files: [string, string][] = [
    [join(dir, "kintent.yaml"), scaffoldApp({ name: flags.name, image: flags.image, port })],
  ];
  if (flags.platform) files.push([join(dir, "platform.yaml"), scaffoldPlatform({ name: flags.name })]);
  const existing = files.filter(([p]) => existsSync(p)).map(([p]) => p);
  if (existing.length > 0 && !flags.force) {
    throw new UsageError(`${existing.join(", ")} already exist(s); use --force to overwrite`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [p, text] of files) {
    writeFileSync(p, text);
    ctx.io.stderr.write(`kintent: wrote ${p}\n`);
  }
  ctx.io.stderr.write(`next: kintent build ${flags.dir === "." ? "" : `${flags.dir} `}--env dev\n`);
  return ExitCode.Ok;
}
