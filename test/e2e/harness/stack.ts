/**
 * One stack of a test program on a throwaway local file backend, driven by the real Pulumi CLI
 * against the C1 emulator: through the Automation API (`stack`, with `recording()`), and as plain
 * CLI runs with `--event-log` (`run`, `start`, `up`, `destroy`) for flags the Automation API lacks
 * and for runs a test interrupts. Every output and engine event is kept for leak checks.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import type { StackConfig } from "./emulator-config";
import { assertExitedZero, isAlive, startProcess, type ProcessResult, type RunningProcess } from "./process";
import { OWNER_RESOURCE_TYPES } from "../../../src/provider/model/type-tokens";

/** The type token of ConnectorUserOwner in state. */
export const OWNER_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwner;

/** One owner as a program declares it in config `owners`. Keys are passed through as given, non-strings included. */
export interface DeclaredOwner {
  name: string;
  appId?: unknown;
  connectorId?: unknown;
  roleSlug?: unknown;
  userId?: unknown;
}

export interface E2eStackOptions {
  programDir: string;
  /** Stack config, `conductorone:*` included (see `emulatorStackConfig`). */
  config: StackConfig;
  /** Extra env for the CLI, and so for the provider process. */
  env?: Record<string, string>;
  /**
   * Type-check the program on every run, as Pulumi does by default. Off, the program is only
   * transpiled: that saves about a second of CPU per engine run, and the test command type-checks
   * every program and example once instead (`npm run typecheck`, test/tsconfig.json). On for what
   * only a run can check, such as an installed package's types in a user's program.
   * @default false
   */
  typeCheck?: boolean;
}

/** What one CLI run did, with the engine events of its `--event-log` (none for other commands). */
export interface CliRun extends ProcessResult {
  events: EngineEvent[];
}

/** A CLI run in progress. */
export type RunningCli = RunningProcess<CliRun>;

/** An owner resource as recorded in the stack's state. */
export interface StateOwner {
  urn: string;
  name: string;
  id: string;
  outputs: Record<string, unknown>;
}

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  external?: boolean;
  outputs?: Record<string, unknown>;
}

/** The exported deployment: resources and any operations left pending by an interrupted run. */
export interface ExportedDeployment {
  resources: StateResource[];
  pendingOperations: Array<{ type: string; urn: string }>;
}

/** The commands that run the engine, and so can write an event log. */
const ENGINE_COMMANDS = ["up", "destroy", "refresh", "preview"];

/** One stack of a program on its own file backend, with every engine output recorded. */
export class E2eStack {
  /** Everything the CLI printed, in every run, for leak checks. */
  readonly transcript: string[] = [];
  /** The engine events of every run, in the order the runs ended. */
  readonly events: EngineEvent[] = [];
  /** Pids of CLI runs and their plugins that a test left running (after SIGKILL); ended in dispose. */
  readonly strays = new Set<number>();
  private runCount = 0;

  private constructor(
    /** The Automation API's view of the stack. */
    readonly stack: Stack,
    readonly stackName: string,
    readonly programDir: string,
    private readonly projectName: string,
    /** Holds the backend and the event logs; removed in dispose. */
    private readonly workDir: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(options: E2eStackOptions): Promise<E2eStack> {
    const workDir = await mkdtemp(path.join(tmpdir(), "c1-e2e-"));
    await mkdir(path.join(workDir, "backend"));
    await mkdir(path.join(workDir, "events"));
    const env: Record<string, string> = {
      PULUMI_BACKEND_URL: `file://${path.join(workDir, "backend")}`,
      // The CLI's own files (the selected stack of each project directory, among others) too: files
      // running side by side share program directories, and must not share those.
      PULUMI_HOME: path.join(workDir, "home"),
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // --event-log is a hidden flag; the Automation API turns it on the same way.
      PULUMI_DEBUG_COMMANDS: "true",
      ...(options.typeCheck ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
      ...options.env,
    };
    const stackName = `e2e-${randomBytes(4).toString("hex")}`;
    let stack: Stack | undefined;
    try {
      stack = await LocalWorkspace.createStack({ stackName, workDir: options.programDir }, { envVars: env });
      const entries = Object.entries(options.config);
      await stack.setAllConfig(Object.fromEntries(entries.filter(([, entry]) => !entry.secret)));
      const { name } = await stack.workspace.projectSettings();
      const created = new E2eStack(stack, stackName, options.programDir, name, workDir, env);
      for (const [key, entry] of entries) if (entry.secret) await created.setConfig(key, entry.value, true);
      return created;
    } catch (error) {
      await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
      await rm(path.join(options.programDir, `Pulumi.${stackName}.yaml`), { force: true });
      await rm(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The file backend's directory. */
  get backendDir(): string {
    return path.join(this.workDir, "backend");
  }

  /** Options for Automation API operations that record output and events. */
  recording() {
    return {
      onOutput: (text: string) => this.transcript.push(text),
      onError: (text: string) => this.transcript.push(text),
      onEvent: (event: EngineEvent) => this.events.push(event),
    };
  }

  /** Sets one config value; a secret goes to the CLI on stdin (the Automation API puts it on the command line). */
  async setConfig(key: string, value: string, secret = false): Promise<void> {
    if (secret) assertExitedZero(await this.run(["config", "set", "--secret", key], { input: value }));
    else await this.stack.setConfig(key, { value, secret });
  }

  async removeConfig(key: string): Promise<void> {
    await this.stack.removeConfig(key);
  }

  /** Sets config `owners`, which the test programs declare one ConnectorUserOwner for each entry of. */
  async setOwners(owners: DeclaredOwner[]): Promise<void> {
    await this.setConfig("owners", JSON.stringify(owners));
  }

  /** Starts `pulumi <args>` for this stack without waiting for it. */
  start(args: string[], options: { env?: Record<string, string>; input?: string } = {}): RunningCli {
    const eventLog = ENGINE_COMMANDS.includes(args[0]) ? path.join(this.workDir, "events", `run-${++this.runCount}.jsonl`) : undefined;
    const flags = [
      "--stack",
      this.stackName,
      "--cwd",
      this.programDir,
      "--non-interactive",
      "--color",
      "never",
      ...(eventLog ? ["--event-log", eventLog] : []),
    ];
    // Flags go before a `--` that ends them, so values after it may start with '-'.
    const end = args.indexOf("--");
    const fullArgs = end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
    const running = startProcess("pulumi", fullArgs, { env: { ...process.env, ...this.env, ...options.env }, input: options.input });
    const done = running.done.then(async (result) => {
      this.transcript.push(result.stdout, result.stderr);
      const events = eventLog ? await readEvents(eventLog) : [];
      this.events.push(...events);
      return { ...result, events };
    });
    return { ...running, done };
  }

  /** Runs `pulumi <args>` for this stack and waits for it. */
  run(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> {
    return this.start(args, options).done;
  }

  /** Runs and throws, with the output, unless the command exits 0. */
  async mustRun(args: string[]): Promise<CliRun> {
    return assertExitedZero(await this.run(args));
  }

  /** `pulumi up --yes --skip-preview` plus `extra` flags, with the CLI. */
  up(extra: string[] = [], options: { env?: Record<string, string> } = {}): Promise<CliRun> {
    return this.run(["up", "--yes", "--skip-preview", ...extra], options);
  }

  /** `pulumi destroy --yes --skip-preview` plus `extra` flags, with the CLI. */
  destroy(extra: string[] = []): Promise<CliRun> {
    return this.run(["destroy", "--yes", "--skip-preview", ...extra]);
  }

  /** Operations planned in the runs recorded since event `since`, as "op name" strings, sorted. */
  plannedSteps(since: number): string[] {
    return (
      this.events
        .slice(since)
        .map((event) => event.resourcePreEvent?.metadata)
        .filter((metadata): metadata is NonNullable<typeof metadata> => metadata !== undefined)
        // "refresh" steps only read state and "same" steps change nothing. Provider resources are left
        // out: the default pulumi-nodejs provider receives the whole stack config, so any config edit
        // shows as an (inert) update of it.
        .filter((metadata) => metadata.op !== "same" && metadata.op !== "refresh")
        .filter((metadata) => !metadata.urn.includes("pulumi:pulumi:Stack") && !metadata.urn.includes("::pulumi:providers:"))
        .map((metadata) => `${metadata.op} ${metadata.urn.split("::").pop()}`)
        .sort()
    );
  }

  /** `pulumi stack export` (secrets stay encrypted): resources and pending operations. */
  async exportDeployment(): Promise<ExportedDeployment> {
    const run = await this.mustRun(["stack", "export"]);
    const exported = JSON.parse(run.stdout) as {
      deployment?: { resources?: StateResource[]; pending_operations?: Array<{ type: string; resource: { urn: string } }> };
    };
    return {
      resources: exported.deployment?.resources ?? [],
      pendingOperations: (exported.deployment?.pending_operations ?? []).map((op) => ({ type: op.type, urn: op.resource.urn })),
    };
  }

  /** The managed ConnectorUserOwner resources in state, sorted by URN (reads made with `get` are left out). */
  async stateOwners(): Promise<StateOwner[]> {
    const { resources } = await this.exportDeployment();
    return (
      resources
        .filter((resource) => resource.type === OWNER_TYPE && !resource.external)
        .map((resource) => {
          const { __provider: _provider, ...outputs } = resource.outputs ?? {};
          return { urn: resource.urn, name: resource.urn.split("::").pop()!, id: resource.id ?? "", outputs };
        })
        // The engine may rewrite resources in another order; the order means nothing here.
        .sort((a, b) => a.urn.localeCompare(b.urn))
    );
  }

  /** The __provider strings in the current state, one per dynamic resource. */
  async providerTexts(): Promise<string[]> {
    const exported = await this.stack.exportStack();
    const resources = (exported.deployment?.resources ?? []) as StateResource[];
    return resources.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic")).map((resource) => String(resource.outputs?.__provider ?? ""));
  }

  /** Lock files left in the backend, e.g. by a killed `pulumi up`. */
  async lockFiles(): Promise<string[]> {
    const dir = path.join(this.backendDir, ".pulumi", "locks", "organization", this.projectName, this.stackName);
    if (!existsSync(dir)) return [];
    return (await readdir(dir)).filter((file) => file.endsWith(".json"));
  }

  /** Every file of the backend (state, history, backups, locks) as text. */
  rawBackendText(): Promise<string> {
    return readTreeText(this.backendDir);
  }

  /**
   * The same stack (name, backend, config) run from another program of the same project name, as
   * when a project's program changes between releases. Its config file is copied over; dispose the
   * returned stack: it removes both config files, the stack and the backend.
   */
  async movedTo(programDir: string): Promise<E2eStack> {
    const file = `Pulumi.${this.stackName}.yaml`;
    await copyFile(path.join(this.programDir, file), path.join(programDir, file));
    await rm(path.join(this.programDir, file), { force: true });
    const stack = await LocalWorkspace.selectStack({ stackName: this.stackName, workDir: programDir }, { envVars: this.env });
    return new E2eStack(stack, this.stackName, programDir, this.projectName, this.workDir, this.env);
  }

  /** Ends the strays, removes the stack and its settings file, and deletes the backend. */
  async dispose(): Promise<void> {
    for (const pid of this.strays) {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    await this.stack.workspace.removeStack(this.stackName, { force: true }).catch(() => undefined);
    await rm(path.join(this.programDir, `Pulumi.${this.stackName}.yaml`), { force: true });
    await rm(this.workDir, { recursive: true, force: true });
  }
}

async function readEvents(file: string): Promise<EngineEvent[]> {
  if (!existsSync(file)) return [];
  const events: EngineEvent[] = [];
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // A killed run can leave a half-written last line.
    }
  }
  return events;
}

/** Every file of a directory tree as text (nothing when it does not exist). */
async function readTreeText(dir: string): Promise<string> {
  const texts: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current)) {
      const full = path.join(current, entry);
      if ((await stat(full)).isDirectory()) await walk(full);
      else texts.push(await readFile(full, "latin1"));
    }
  };
  if (existsSync(dir)) await walk(dir);
  return texts.join("\n");
}
