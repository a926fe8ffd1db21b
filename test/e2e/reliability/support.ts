/**
 * Shared pieces of the reliability tests: a stack of the `programs/reliability` program driven by
 * spawning the real Pulumi CLI (so a test can interrupt or kill it), the engine events of every
 * run, and the checks that C1 (the emulator), the stack's state and the declared owners agree.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { readTreeText } from "../harness";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { C1Emulator, OwnerKey, RequestLogEntry } from "../../../scripts/c1-emulator";
import { formatOwnerId } from "../../../provider/model/ids";

/** The program every reliability test drives: one ConnectorUserOwner per entry of config `owners`. */
export const PROGRAM_DIR = path.resolve(__dirname, "../programs/reliability");
export const PROJECT = "c1-owners-reliability";
export const OWNER_TYPE = "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner";

/** Longer runs (more rounds, each bad input on its own `up`) when C1_SOAK=1. */
export const SOAK = process.env.C1_SOAK === "1";

/**
 * Retry tuning for tests: the same rules, short waits. retryMaxDelayMs stays above the emulator's
 * 1 s Retry-After so that a 429 is waited out, not given up on.
 */
export const FAST_RETRY_CONFIG = {
  "conductorone:maxRetries": "3",
  "conductorone:retryBaseDelayMs": "50",
  "conductorone:retryMaxDelayMs": "2000",
  "conductorone:retryMaxElapsedMs": "15000",
};

/** One owner as the program declares it. Keys are passed through as given, non-strings included. */
export interface DeclaredOwner {
  name: string;
  appId?: unknown;
  connectorId?: unknown;
  roleSlug?: unknown;
  userId?: unknown;
}

/** An owner key as a string, for set comparisons. */
export function keyString(owner: { appId?: unknown; connectorId?: unknown; roleSlug?: unknown; userId?: unknown }): string {
  return JSON.stringify([owner.appId, owner.connectorId, owner.roleSlug, owner.userId]);
}

/** One engine event from `--event-log` (the fields the tests read). */
export interface EngineEventLine {
  sequence?: number;
  diagnosticEvent?: { urn?: string; message: string; severity: string; prefix?: string };
}

/** What one CLI run did. */
export interface CliRun {
  args: string[];
  /** Exit code; null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: EngineEventLine[];
  ms: number;
}

/** A CLI run in progress. */
export interface RunningCli {
  child: ChildProcess;
  pid: number;
  done: Promise<CliRun>;
}

/** Error diagnostics the engine attached to the resource `name` in a run. */
export function errorsFor(run: CliRun, name: string): string[] {
  return run.events
    .map((event) => event.diagnosticEvent)
    .filter((diag): diag is NonNullable<typeof diag> => diag !== undefined && diag.severity === "error" && (diag.urn ?? "").endsWith(`::${name}`))
    .map((diag) => diag.message.trim());
}

/** Every error diagnostic of a run, whatever resource it belongs to. */
export function allErrors(run: CliRun): string[] {
  return run.events
    .map((event) => event.diagnosticEvent)
    .filter((diag): diag is NonNullable<typeof diag> => diag !== undefined && diag.severity === "error")
    .map((diag) => diag.message.trim());
}

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

/** The pids of every descendant of `pid` (children, grandchildren, ...), read from /proc. */
export async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const statLine = await readFile(`/proc/${entry}/stat`, "utf8");
      // Field 4 (after the parenthesised command, which may hold spaces) is the parent pid.
      const ppid = Number(statLine.slice(statLine.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True while a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const status = readFileSync(`/proc/${pid}/stat`, "utf8");
    return status.slice(status.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, polling; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export interface ReliabilityStackOptions {
  /** Stack config; values marked secret are stored encrypted. */
  config: Record<string, { value: string; secret?: boolean }>;
  /** Extra env for the CLI, and so for the provider process. */
  env?: Record<string, string>;
}

/**
 * One stack of the reliability program on its own file backend, driven by spawning the CLI.
 * Every stdout and stderr is kept in `outputs` for leak checks.
 */
export class ReliabilityStack {
  readonly outputs: string[] = [];
  /** Pids of CLI runs and their plugins that a test left running (after SIGKILL); ended in dispose. */
  readonly strays = new Set<number>();
  private runCount = 0;

  private constructor(
    readonly stackName: string,
    readonly backendDir: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(options: ReliabilityStackOptions): Promise<ReliabilityStack> {
    const backendDir = await mkdtemp(path.join(tmpdir(), "c1-reliability-"));
    const env = {
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "reliability-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // --event-log is a hidden flag; the Automation API turns it on the same way.
      PULUMI_DEBUG_COMMANDS: "true",
      // Type-checking the program and the provider on every run costs seconds; transpiling is enough.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      ...options.env,
    };
    const stack = new ReliabilityStack(`rel-${randomBytes(4).toString("hex")}`, backendDir, env);
    try {
      await stack.mustRun(["stack", "init", stack.stackName], { withStack: false });
      for (const [key, { value, secret }] of Object.entries(options.config)) await stack.setConfig(key, value, secret);
    } catch (error) {
      await stack.dispose();
      throw error;
    }
    return stack;
  }

  /** Starts `pulumi <args>` for this stack without waiting for it. */
  start(args: string[], options: { env?: Record<string, string>; withStack?: boolean } = {}): RunningCli {
    const eventLog = path.join(this.backendDir, `events-${++this.runCount}.jsonl`);
    const wantsEvents = ["up", "destroy", "refresh", "preview"].includes(args[0]);
    const flags = [
      ...(options.withStack === false ? [] : ["--stack", this.stackName]),
      "--cwd",
      PROGRAM_DIR,
      "--non-interactive",
      "--color",
      "never",
      ...(wantsEvents ? ["--event-log", eventLog] : []),
    ];
    // Flags go before a `--` that ends them, so values after it may start with '-'.
    const end = args.indexOf("--");
    const fullArgs = end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
    const started = Date.now();
    const child = spawn("pulumi", fullArgs, { env: { ...process.env, ...this.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<CliRun>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", async (code, signal) => {
        this.outputs.push(stdout, stderr);
        const events = wantsEvents ? await readEvents(eventLog) : [];
        resolve({ args, code, signal, stdout, stderr, events, ms: Date.now() - started });
      });
    });
    return { child, pid: child.pid!, done };
  }

  /** Runs `pulumi <args>` for this stack and waits for it. */
  run(args: string[], options: { env?: Record<string, string>; withStack?: boolean } = {}): Promise<CliRun> {
    return this.start(args, options).done;
  }

  /** Runs and throws, with the output, unless the command exits 0. */
  async mustRun(args: string[], options: { env?: Record<string, string>; withStack?: boolean } = {}): Promise<CliRun> {
    const run = await this.run(args, options);
    if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${run.code}:\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-4000)}`);
    return run;
  }

  /** `pulumi up --yes --skip-preview` plus `extra` flags. */
  up(extra: string[] = [], options: { env?: Record<string, string> } = {}): Promise<CliRun> {
    return this.run(["up", "--yes", "--skip-preview", ...extra], options);
  }

  /** `pulumi destroy --yes --skip-preview` plus `extra` flags. */
  destroy(extra: string[] = []): Promise<CliRun> {
    return this.run(["destroy", "--yes", "--skip-preview", ...extra]);
  }

  async setConfig(key: string, value: string, secret = false): Promise<void> {
    // `--` so values starting with '-' are not read as flags.
    await this.mustRun(["config", "set", ...(secret ? ["--secret"] : ["--plaintext"]), "--", key, value]);
  }

  async removeConfig(key: string): Promise<void> {
    await this.mustRun(["config", "rm", key]);
  }

  async setOwners(owners: DeclaredOwner[]): Promise<void> {
    await this.setConfig("owners", JSON.stringify(owners));
  }

  /** `pulumi stack export`: resources and pending operations. */
  async exportDeployment(): Promise<ExportedDeployment> {
    const run = await this.mustRun(["stack", "export"]);
    const exported = JSON.parse(run.stdout) as { deployment?: { resources?: StateResource[]; pending_operations?: Array<{ type: string; resource: { urn: string } }> } };
    return {
      resources: exported.deployment?.resources ?? [],
      pendingOperations: (exported.deployment?.pending_operations ?? []).map((op) => ({ type: op.type, urn: op.resource.urn })),
    };
  }

  /** The managed ConnectorUserOwner resources in state, sorted by URN (reads made with `get` are left out). */
  async stateOwners(): Promise<StateOwner[]> {
    const { resources } = await this.exportDeployment();
    return resources
      .filter((resource) => resource.type === OWNER_TYPE && !resource.external)
      .map((resource) => {
        const { __provider: _provider, ...outputs } = resource.outputs ?? {};
        return { urn: resource.urn, name: resource.urn.split("::").pop()!, id: resource.id ?? "", outputs };
      })
      // The engine may rewrite resources in another order; the order means nothing here.
      .sort((a, b) => a.urn.localeCompare(b.urn));
  }

  /** Lock files left in the backend, e.g. by a killed `pulumi up`. */
  async lockFiles(): Promise<string[]> {
    const dir = path.join(this.backendDir, ".pulumi", "locks", "organization", PROJECT, this.stackName);
    if (!existsSync(dir)) return [];
    return (await readdir(dir)).filter((file) => file.endsWith(".json"));
  }

  /** Every file of the backend (state, history, backups, locks) as text. */
  rawBackendText(): Promise<string> {
    return readTreeText(path.join(this.backendDir, ".pulumi"));
  }

  async dispose(): Promise<void> {
    for (const pid of this.strays) {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    await this.run(["stack", "rm", "--yes", "--force"]).catch(() => undefined);
    await rm(path.join(PROGRAM_DIR, `Pulumi.${this.stackName}.yaml`), { force: true });
    await rm(this.backendDir, { recursive: true, force: true });
  }
}

async function readEvents(file: string): Promise<EngineEventLine[]> {
  if (!existsSync(file)) return [];
  const events: EngineEventLine[] = [];
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as EngineEventLine);
    } catch {
      // A killed run can leave a half-written last line.
    }
  }
  return events;
}

/** Where C1, the state and the declared owners disagree. Every list should be empty. */
export interface Agreement {
  declared: number;
  inC1: number;
  inState: number;
  /** In C1 but not declared (orphans). */
  onlyInC1: string[];
  /** Declared but missing from C1. */
  missingFromC1: string[];
  /** In state but C1 lacks them. */
  stateWithoutC1: string[];
  /** Declared but not in state. */
  missingFromState: string[];
  /** The same owner recorded by two resources, or one name twice. */
  duplicatesInState: string[];
  /** Recorded with outputs that do not describe the owner (no user, wrong id, missing keys). */
  emptyOutputs: string[];
  pendingOperations: number;
  /** The sum of every list above plus pending operations: the goal is 0. */
  mismatches: number;
}

/**
 * Compares the declared owners, the emulator's owners and the stack's state. `scope` limits the
 * emulator's owners to those of this stack when several stacks share one emulator.
 */
export async function checkAgreement(
  stack: ReliabilityStack,
  emulator: C1Emulator,
  declared: DeclaredOwner[],
  scope: Partial<OwnerKey> = {},
): Promise<Agreement> {
  const { pendingOperations } = await stack.exportDeployment();
  const stateOwners = await stack.stateOwners();
  const declaredKeys = new Set(declared.map(keyString));
  const c1Keys = new Set(emulator.store.listOwners(scope).map(keyString));
  const stateKeys = stateOwners.map((owner) => keyString(owner.outputs));
  const stateKeySet = new Set(stateKeys);
  const seen = new Set<string>();
  const duplicatesInState: string[] = [];
  for (const key of stateKeys) {
    if (seen.has(key)) duplicatesInState.push(key);
    seen.add(key);
  }
  const names = stateOwners.map((owner) => owner.name);
  duplicatesInState.push(...names.filter((name, index) => names.indexOf(name) !== index));
  const emptyOutputs = stateOwners
    .filter((owner) => {
      const user = owner.outputs.user as { id?: unknown; email?: unknown } | undefined;
      const key = owner.outputs as { appId: string; connectorId: string; roleSlug: string; userId: string };
      return (
        typeof user?.email !== "string" ||
        user.id !== key.userId ||
        typeof owner.outputs.createdAt !== "string" ||
        owner.id !== formatOwnerId(key)
      );
    })
    .map((owner) => owner.name);
  const agreement = {
    declared: declaredKeys.size,
    inC1: c1Keys.size,
    inState: stateOwners.length,
    onlyInC1: [...c1Keys].filter((key) => !declaredKeys.has(key)),
    missingFromC1: [...declaredKeys].filter((key) => !c1Keys.has(key)),
    stateWithoutC1: [...stateKeySet].filter((key) => !c1Keys.has(key)),
    missingFromState: [...declaredKeys].filter((key) => !stateKeySet.has(key)),
    duplicatesInState,
    emptyOutputs,
    pendingOperations: pendingOperations.length,
  };
  const mismatches =
    agreement.onlyInC1.length +
    agreement.missingFromC1.length +
    agreement.stateWithoutC1.length +
    agreement.missingFromState.length +
    agreement.duplicatesInState.length +
    agreement.emptyOutputs.length +
    agreement.pendingOperations;
  return { ...agreement, mismatches };
}

/** Request counts over a slice of the emulator's log. */
export function requestFigures(entries: RequestLogEntry[]) {
  const api = entries.filter((entry) => entry.kind === "api");
  const token = entries.filter((entry) => entry.kind === "token");
  const byMethod = (method: string) => api.filter((entry) => entry.method === method).length;
  return {
    total: api.length + token.length,
    api: api.length,
    token: token.length,
    post: byMethod("POST"),
    get: byMethod("GET"),
    delete: byMethod("DELETE"),
    status401: api.filter((entry) => entry.status === 401).length,
  };
}

/** Log entries after `sinceSeq` (the `seq` of the last entry seen before). */
export function requestsSince(emulator: C1Emulator, sinceSeq: number): RequestLogEntry[] {
  return emulator.requests.filter((entry) => entry.seq > sinceSeq);
}

/** The `seq` of the newest log entry, to slice the log per run. */
export function lastSeq(emulator: C1Emulator): number {
  const entries = emulator.requests;
  return entries.length === 0 ? 0 : entries[entries.length - 1].seq;
}

/** Prints one summary line in the test output, `[reliability] label: key=value ...`. */
export function printSummary(label: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  console.log(`[reliability] ${label}: ${parts.join(" ")}`);
}

/** Path of one owner in C1's API, exactly as the provider sends it (each segment percent-encoded). */
export function apiPathOf(owner: { appId: string; connectorId: string; roleSlug: string; userId: string }): string {
  const segment = encodeURIComponent;
  return `/api/v2/apps/${segment(owner.appId)}/connectors/${segment(owner.connectorId)}/owners/users/${segment(owner.roleSlug)}/${segment(owner.userId)}`;
}
