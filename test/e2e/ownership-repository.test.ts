/**
 * The journey of a new user, as the README tells it: an ownership repository of their own, made
 * from the template, outside this repository, with nothing of it but the packed tarball and the
 * template folder, and only the project's built Pulumi CLI and Node on PATH. `pulumi new` from the
 * template, `npm install` of the tarball, `c1-ownership emulator` seeded with owners the stack never
 * made, `c1-ownership export`, `pulumi up` (no write to C1), `c1-ownership drift` (clean, then the
 * row of an owner removed in C1), `pulumi preview --policy-pack`, `pulumi destroy`.
 *
 * Each step's command and output go to test-results/journey.txt, from which the README's journey
 * is taken.
 *
 * Time: 24 s alone with a warm npm cache (`npm pack` 3 s, `npm install` 7 s, the rest the CLI):
 * `npm test -- test/e2e/ownership-repository.test.ts`.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_NAME, packRepo } from "../support/consumer-project";
import { findLeak } from "../support/provider-fixture";
import { runProcess, startProcess, type ProcessResult, type RunningProcess } from "./harness";

const STEP_TIMEOUT = 240_000;
/** Set-up installs packages: from the npm cache when warm, from the registry when it is empty. */
const SETUP_TIMEOUT = 600_000;
/** The template's dependencies, pinned to the versions this repository installs and tests with (so npm finds them in its cache). */
const PINNED = ["@pulumi/pulumi", "@pulumi/policy", "typescript", "@types/node"];
const repo = path.resolve(__dirname, "../..");
const TEMPLATE_DIR = path.join(repo, "templates/ownership-repository");
const TRANSCRIPT = path.join(repo, "test-results/journey.txt");
const STACK = "dev";
const PROJECT = "acme-ownership";

/** The owners "someone set by hand in C1" before the repository existed: two per role, as the guardrails want. */
const SEEDED = [
  { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" },
  { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" },
  { appId: "app-github", connectorId: "conn-github", roleSlug: "admin", userId: "u-dave" },
  { appId: "app-github", connectorId: "conn-github", roleSlug: "admin", userId: "u-erin" },
];

/** The directory on PATH that holds `name`, from the PATH the test command set up. */
function dirOnPath(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) if (dir && existsSync(path.join(dir, name))) return dir;
  throw new Error(`${name} is not on PATH`);
}

let workDir: string;
let repoDir: string;
let env: NodeJS.ProcessEnv;
let emulatorProcess: RunningProcess | undefined;
let emulatorUrl: string;
let emulatorEnv: Record<string, string>;
const transcript: string[] = [];
/** What every command printed (the emulator's banner, which shows its throwaway secret by design, aside). */
const commandOutputs: string[] = [];

/** Runs a command in the ownership repository, as a person would type it, and records it. */
async function run(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<ProcessResult> {
  const result = await runProcess(command, args, { cwd: repoDir, env: { ...env, ...extraEnv } });
  transcript.push(`$ ${[command, ...args].join(" ")}\n${result.output.trimEnd()}\n(exit ${result.code}, ${(result.ms / 1000).toFixed(1)} s)\n`);
  commandOutputs.push(result.output);
  return result;
}

const c1 = (args: string[]) => run("npx", ["--no-install", "c1-ownership", ...args], emulatorEnv);
const pulumi = (args: string[]) => run("pulumi", [...args, "--stack", STACK, "--non-interactive", "--color", "never"], emulatorEnv);

async function admin(method: string, name: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/_emulator/${name}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} /_emulator/${name}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function apiWrites(): Promise<string[]> {
  const { requests } = (await admin("GET", "requests")) as { requests: { kind: string; method: string; path: string }[] };
  return requests.filter((entry) => entry.kind === "api" && entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
}

async function c1Owners(): Promise<string[]> {
  const { owners } = (await admin("GET", "owners")) as { owners: { appId: string; connectorId: string; roleSlug: string; userId: string }[] };
  return owners.map((owner) => `${owner.appId}/${owner.connectorId}/${owner.roleSlug}/${owner.userId}`).sort();
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "c1-ownership-repo-"));
  repoDir = path.join(workDir, PROJECT);
  const packStarted = Date.now();
  const tarball = await packRepo(workDir);
  transcript.push(`$ npm pack  # this repository, into ${path.basename(tarball)}\n(${((Date.now() - packStarted) / 1000).toFixed(1)} s)\n`);
  env = {
    // The machine's own settings (its npm config and CA certificates reach the registry through
    // them), without the outer npm run's variables, any C1 setting or the outer Pulumi state.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|CONDUCTORONE_|PULUMI_)/i.test(name))),
    // Only the built Pulumi CLI (with its language host and plugin shim) and Node (with npm and npx).
    PATH: [dirOnPath("pulumi"), path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    PULUMI_HOME: path.join(workDir, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(workDir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "journey",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  await mkdir(path.join(workDir, "backend"));
  const created = await runProcess(
    "pulumi",
    ["new", TEMPLATE_DIR, "--dir", repoDir, "--name", PROJECT, "--description", "Who owns which Acme connector", "--yes", "--generate-only"],
    { cwd: workDir, env },
  );
  expect(created.code, created.output).toBe(0);
  transcript.push(`$ pulumi new <template> --dir ${PROJECT} --generate-only ...\n(exit ${created.code})\n`);
  const manifestPath = path.join(repoDir, "package.json");
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  for (const name of PINNED) {
    const version = (JSON.parse(await readFile(path.join(repo, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    const section = name in manifest.dependencies ? manifest.dependencies : manifest.devDependencies;
    expect(section[name], `the template's package.json lists ${name}`).toBeDefined();
    section[name] = version;
  }
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const installed = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball]);
  expect(installed.code, installed.output).toBe(0);
  const init = await run("pulumi", ["stack", "init", STACK, "--non-interactive"]);
  expect(init.code, init.output).toBe(0);
}, SETUP_TIMEOUT);

afterAll(async () => {
  emulatorProcess?.child.kill("SIGTERM");
  const stopped = await emulatorProcess?.done.catch(() => undefined);
  if (stopped) transcript.push(`(the emulator, on SIGTERM)\n${stopped.stdout.split("Press Ctrl+C to stop.")[1]?.trim() ?? ""}\n(exit ${stopped.code})\n`);
  await mkdir(path.dirname(TRANSCRIPT), { recursive: true });
  await writeFile(TRANSCRIPT, transcript.join("\n"));
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("an ownership repository of one's own, from the template and the packed package", () => {
  it("has the template's files with the project's name, and the package's bin", async () => {
    const manifest = JSON.parse(await readFile(path.join(repoDir, "package.json"), "utf8"));
    expect(manifest.name).toBe(PROJECT);
    expect(manifest.dependencies[PACKAGE_NAME]).toMatch(/^file:.*\.tgz$/);
    expect(await readFile(path.join(repoDir, "Pulumi.yaml"), "utf8")).toMatch(new RegExp(`^name: ${PROJECT}\\n`));
    expect(await readFile(path.join(repoDir, "index.ts"), "utf8")).toContain('from "pulumi-conductorone-owners/ownership"');
    for (const file of [".github/workflows/ownership-preview.yml", "policy/PulumiPolicy.yaml", "policy/config.json", "README.md", "Pulumi.prod.yaml"]) {
      await expect(readFile(path.join(repoDir, file), "utf8")).resolves.toBeTruthy();
    }
    const help = await run("npx", ["--no-install", "c1-ownership", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: c1-ownership <command>/);
  });

  it(
    "starts c1-ownership emulator, whose banner gives the provider's settings, and seeds owners the stack never made",
    async () => {
      // The bin npm linked, as `npx c1-ownership` runs it, but without npx in between, so that the
      // SIGTERM at the end reaches the emulator itself.
      emulatorProcess = startProcess(path.join(repoDir, "node_modules/.bin/c1-ownership"), ["emulator"], { cwd: repoDir, env });
      const banner = await new Promise<string>((resolve, reject) => {
        let text = "";
        emulatorProcess!.child.stdout!.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("Press Ctrl+C")) resolve(text);
        });
        emulatorProcess!.done.then((result) => reject(new Error(`the emulator exited: ${result.output}`)), reject);
      });
      emulatorEnv = Object.fromEntries([...banner.matchAll(/^export (\w+)='([^']*)'$/gm)].map((match) => [match[1]!, match[2]!]));
      // The banner shows the throwaway secret by design (to paste); the transcript on disk does not keep it.
      transcript.push(
        `$ npx c1-ownership emulator\n${banner
          .trimEnd()
          .split(emulatorEnv.CONDUCTORONE_CLIENT_SECRET ?? "\0")
          .join("[redacted]")}\n`,
      );
      expect(Object.keys(emulatorEnv).sort()).toEqual([
        "CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST",
        "CONDUCTORONE_CLIENT_ID",
        "CONDUCTORONE_CLIENT_SECRET",
        "CONDUCTORONE_SERVER_URL",
      ]);
      emulatorUrl = emulatorEnv.CONDUCTORONE_SERVER_URL!;
      expect(emulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(banner).toMatch(/^unset CONDUCTORONE_ACCESS_TOKEN$/m);
      for (const owner of SEEDED) await admin("POST", "owners", owner);
      expect(await c1Owners()).toHaveLength(SEEDED.length);
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-ownership export writes what C1 has into Pulumi.dev.yaml, and check finds it valid",
    async () => {
      const exported = await c1(["export", "--connector", "app-payroll/conn-okta", "--connector", "app-github/conn-github", "--stack", STACK]);
      expect(exported.code, exported.output).toBe(0);
      expect(exported.stderr).toContain(`wrote 4 owner(s) of 2 connector(s) to ${PROJECT}:owners in`);
      const stackFile = await readFile(path.join(repoDir, `Pulumi.${STACK}.yaml`), "utf8");
      expect(stackFile).toContain(`${PROJECT}:owners:`);
      const checked = await c1(["check", "--stack", STACK]);
      expect(checked.code, checked.output).toBe(0);
      expect(checked.stdout).toContain("is valid: 4 owner(s) in 2 role(s)");
    },
    STEP_TIMEOUT,
  );

  it(
    "pulumi up adopts every exported owner: the emulator's log shows no POST and no DELETE",
    async () => {
      const up = await pulumi(["up", "--yes"]);
      expect(up.code, up.output).toBe(0);
      expect(await apiWrites()).toEqual([]);
      const outputs = await pulumi(["stack", "output", "ownerCount"]);
      expect(outputs.stdout.trim()).toBe("4");
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-ownership drift exits 0 while C1 matches, and 3 with the row once an owner is removed in C1",
    async () => {
      const clean = await c1(["drift", "--stack", STACK]);
      expect(clean.code, clean.output).toBe(0);
      expect(clean.stdout).toContain(`C1 matches the stack ${STACK}`);

      await admin("DELETE", "owners", SEEDED[1]);
      const drifted = await c1(["drift", "--stack", STACK]);
      expect(drifted.code, drifted.output).toBe(3);
      expect(drifted.stdout).toMatch(/app-payroll +conn-okta +owner +u-bob +bob@example\.com +removed in C1/);
      expect(await apiWrites()).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "pulumi preview --policy-pack runs the template's guardrails, with its config",
    async () => {
      const preview = await pulumi(["preview", "--policy-pack", "policy", "--policy-pack-config", "policy/config.json"]);
      expect(preview.code, preview.output).toBe(0);
      expect(preview.stdout).toContain("c1-ownership-guardrails");
      expect(await apiWrites()).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "pulumi destroy removes the owners the stack manages, and no credential reached the output",
    async () => {
      const destroy = await pulumi(["destroy", "--yes"]);
      expect(destroy.code, destroy.output).toBe(0);
      expect(await c1Owners()).toEqual([]);
      expect(findLeak(commandOutputs.join("\n"), [emulatorEnv.CONDUCTORONE_CLIENT_SECRET!])).toBeUndefined();
      expect(findLeak(transcript.join("\n"), [emulatorEnv.CONDUCTORONE_CLIENT_SECRET!])).toBeUndefined();
    },
    STEP_TIMEOUT,
  );
});
