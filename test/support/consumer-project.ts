/**
 * Builds what a user of the published package has: the npm tarball of this repo (made by
 * `npm pack`, which compiles through `prepack`) and a Pulumi program of their own that installs
 * it from that tarball next to a chosen @pulumi/pulumi.
 */
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { assertExitedZero, runProcess } from "../e2e/harness/process";

const repo = path.resolve(__dirname, "../..");

/** The package's name, as consumers import it. */
export const PACKAGE_NAME = "pulumi-conductorone-owners";

/**
 * The environment for a child npm: ours, minus the `npm_*` variables an outer `npm test` sets,
 * which would otherwise point the child at the outer project (its prefix, its package).
 */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

/** Runs a command to completion with {@link npmEnv}; rejects with its output when it exits non-zero. */
async function runCommand(command: string, args: string[], cwd: string): Promise<void> {
  assertExitedZero(await runProcess(command, args, { cwd, env: npmEnv() }), { cwd });
}

/**
 * Packs this repo into `destDir` with `npm pack` under the pinned toolchain (Node 22), which runs
 * `prepack` (tsc) first. Returns the tarball's path.
 */
export async function packRepo(destDir: string): Promise<string> {
  await runCommand(path.join(repo, "scripts/with-toolchain.sh"), ["npm", "pack", "--pack-destination", destDir, "--loglevel=error"], repo);
  const tarballs = (await readdir(destDir)).filter((name) => name.endsWith(".tgz"));
  if (tarballs.length !== 1) throw new Error(`expected one tarball in ${destDir}, found: ${tarballs.join(", ") || "none"}`);
  return path.join(destDir, tarballs[0]);
}

export interface ConsumerProjectOptions {
  /** The template program to copy (its package.json gets the dependencies below). */
  templateDir: string;
  /** Where the project goes; must not exist yet or be empty. */
  projectDir: string;
  /** The exact @pulumi/pulumi version to install. */
  sdkVersion: string;
  /** The tarball from {@link packRepo}. */
  tarball: string;
}

/**
 * Copies the template program to `projectDir`, makes it depend on exactly `sdkVersion` of
 * @pulumi/pulumi and on the tarball, and runs `npm install` there (from the npm cache when it can).
 */
export async function createConsumerProject(options: ConsumerProjectOptions): Promise<void> {
  const { templateDir, projectDir, sdkVersion, tarball } = options;
  await cp(templateDir, projectDir, { recursive: true });
  const manifestPath = path.join(projectDir, "package.json");
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Record<string, unknown>;
  manifest.dependencies = { "@pulumi/pulumi": sdkVersion, [PACKAGE_NAME]: `file:${tarball}` };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await runCommand("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], projectDir);
}

/** The version of `name` installed in `projectDir`'s node_modules. */
export async function installedVersion(projectDir: string, name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(projectDir, "node_modules", name, "package.json"), "utf8")) as { version: string };
  return manifest.version;
}
