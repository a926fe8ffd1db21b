/**
 * One stack of a benchmark program, driven with the real `pulumi` CLI on a local file backend.
 * Each timed run records the wall time from spawn to exit, the CPU time of the whole process tree,
 * and the dynamic provider processes the engine started (with their peak memory and CPU time).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseDocument } from "yaml";
import { type ProviderProcess, ProviderProcessWatch } from "./process-watch";

/** What one CLI run did. */
export interface CliRun {
  code: number;
  ms: number;
  stdout: string;
  stderr: string;
  /**
   * User + system CPU time of the CLI and every descendant it waited for (the engine, the language
   * host, the program; the provider processes too when reaped), in ms, from the shell's `times`.
   */
  treeCpuMs: number;
  /** Dynamic provider processes the engine started, with their peak memory and CPU time. */
  providers: ProviderProcess[];
}

// Runs the CLI under a shell that reports, on fd 3, the CPU time of everything it waited for.
const TIMED_CLI = 'pulumi "$@"; status=$?; times >&3; exit $status';

/** The children's line of bash's `times` ("0m1.234s 0m0.567s"): user + system, in ms. */
export function parseChildTimes(text: string): number {
  const line = text.trim().split("\n")[1] ?? "";
  const times = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60_000 + Number(match[2]) * 1000);
  return times.length === 2 ? Math.round(times[0] + times[1]) : Number.NaN;
}

/** The environment of every CLI run: ours, without settings that would change what is measured. */
function baseEnv(backendDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // Provider settings come from stack config only; the engine's parallelism stays its default;
    // checkpointing is the benchmark's choice per run (PULUMI_SKIP_CHECKPOINTS).
    if (name.startsWith("CONDUCTORONE_") || name === "PULUMI_PARALLEL" || name === "PULUMI_SKIP_CHECKPOINTS" || /^npm_/i.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Both programs are transpiled, not type-checked: checking the provider's TypeScript sources is
    // a cost of running from this repo, not of the provider (an installed package ships JavaScript).
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
}

/** Where a stack keeps its config, and config that is not a plain string. */
export interface BenchStackOptions {
  /**
   * Keep the stack's config file (Pulumi.<stack>.yaml) in this directory instead of the program
   * directory: the commands that read config get `--config-file`, so nothing is written into the
   * project directory (the root stack's is the repo itself, which others work in).
   */
  configDir?: string;
  /** Structured values (maps, lists) by full key, written into the config file as YAML. */
  objectConfig?: Record<string, unknown>;
}

// The commands that take --config-file (`stack init`, `stack export` and `stack rm` do not).
const COMMANDS_READING_CONFIG = new Set(["up", "preview", "destroy", "refresh", "config"]);

/** Stack config values by full key; `secret` ones are stored encrypted. */
export type BenchStackConfig = Record<string, { value: string; secret?: boolean }>;

/**
 * The provider settings for an emulator and one of its clients. The emulator serves on 127.0.0.1,
 * not on its client ids' tenant host: credentials may go there.
 */
export function emulatorProviderConfig(emulatorUrl: string, client: { clientId: string; clientSecret: string }): BenchStackConfig {
  return {
    "conductorone:serverUrl": { value: emulatorUrl },
    "conductorone:allowCredentialsToHost": { value: new URL(emulatorUrl).host },
    "conductorone:clientId": { value: client.clientId },
    "conductorone:clientSecret": { value: client.clientSecret, secret: true },
  };
}

/** A stack of `programDir` on the file backend in `backendDir`. */
export class BenchStack {
  private constructor(
    readonly programDir: string,
    readonly stackName: string,
    private readonly env: NodeJS.ProcessEnv,
    /** The stack's config file: Pulumi.<stack>.yaml in the program directory or in `configDir`. */
    readonly configFile: string,
    private readonly configFileFlag: boolean,
  ) {}

  /** Creates the stack and sets its config (`secret` values are stored encrypted). */
  static async create(programDir: string, backendDir: string, config: BenchStackConfig, options: BenchStackOptions = {}): Promise<BenchStack> {
    const stackName = `bench-${randomBytes(4).toString("hex")}`;
    const configDir = options.configDir ?? programDir;
    const configFile = path.join(configDir, `Pulumi.${stackName}.yaml`);
    const stack = new BenchStack(programDir, stackName, baseEnv(backendDir), configFile, options.configDir !== undefined);
    if (options.configDir !== undefined) {
      // `stack init` writes the config file (its encryptionsalt) beside the project file it finds,
      // and takes no --config-file: give it a copy of the project file (same project name).
      await copyFile(path.join(programDir, "Pulumi.yaml"), path.join(options.configDir, "Pulumi.yaml"));
    }
    await stack.mustRun(["stack", "init", stackName, "--non-interactive", "--cwd", configDir], {}, false);
    const entries = Object.entries(config);
    const pairs = entries.filter(([, entry]) => !entry.secret).flatMap(([key, { value }]) => ["--plaintext", `${key}=${value}`]);
    if (pairs.length > 0) await stack.mustRun(["config", "set-all", ...pairs]);
    // Secrets go in on stdin: on a command line any process on the machine could read them.
    for (const [key, { value, secret }] of entries) if (secret) await stack.mustRun(["config", "set", "--secret", key], {}, true, value);
    if (options.objectConfig !== undefined) await stack.setObjectConfig(options.objectConfig);
    return stack;
  }

  /** Writes structured values (maps, lists) by full key into the stack's config file, as YAML: no command-line length limit. */
  async setObjectConfig(values: Record<string, unknown>): Promise<void> {
    const yaml = parseDocument(await readFile(this.configFile, "utf8"));
    for (const [key, value] of Object.entries(values)) yaml.setIn(["config", key], yaml.createNode(value));
    await writeFile(this.configFile, yaml.toString());
  }

  private stackArgs(command: string | undefined): string[] {
    const configFile = this.configFileFlag && command !== undefined && COMMANDS_READING_CONFIG.has(command) ? ["--config-file", this.configFile] : [];
    return ["--stack", this.stackName, "--cwd", this.programDir, ...configFile, "--non-interactive"];
  }

  /** Runs `pulumi ARGS --stack NAME --cwd DIR [--config-file FILE] --non-interactive --color never`, timed and watched; `input` goes to its stdin. */
  run(args: string[], extraEnv: Record<string, string> = {}, onStack = true, input?: string): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const cliArgs = [...args, ...(onStack ? this.stackArgs(args[0]) : []), "--color", "never"];
      const child = spawn("bash", ["-c", TIMED_CLI, "bash", ...cliArgs], {
        env: { ...this.env, ...extraEnv },
        stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe", "pipe"],
      });
      if (input !== undefined) child.stdin!.end(input);
      const watch = child.pid === undefined ? undefined : new ProviderProcessWatch(child.pid);
      let stdout = "";
      let stderr = "";
      let times = "";
      child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => (times += chunk.toString()));
      child.on("error", (error) => {
        watch?.stop();
        reject(error);
      });
      child.on("exit", (code) => {
        const ms = performance.now() - started;
        const providers = watch?.stop() ?? [];
        child.on("close", () => resolve({ code: code ?? -1, ms, treeCpuMs: parseChildTimes(times), stdout, stderr, providers }));
      });
    });
  }

  /** Runs the CLI and throws, with its output, when it fails. */
  async mustRun(args: string[], extraEnv: Record<string, string> = {}, onStack = true, input?: string): Promise<CliRun> {
    const result = await this.run(args, extraEnv, onStack, input);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} (stack ${this.stackName}) exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** The stack's deployment, as `pulumi stack export` prints it. */
  async exportDeployment(): Promise<{ resources?: Array<{ type: string; outputs?: Record<string, unknown> }> }> {
    const result = await this.mustRun(["stack", "export"]);
    return (JSON.parse(result.stdout) as { deployment: { resources?: [] } }).deployment;
  }

  /** Removes the stack (and whatever it still holds) and its config file, wherever it is. */
  async dispose(): Promise<void> {
    await this.run(["stack", "rm", "--yes", "--force"]).catch(() => undefined);
    await rm(this.configFile, { force: true });
    await rm(path.join(this.programDir, `Pulumi.${this.stackName}.yaml`), { force: true });
  }
}
