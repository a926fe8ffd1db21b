/**
 * The benchmark: stacks of N owners against the C1 emulator, each operation measured beside the
 * same operation on a floor stack (N resources behind a no-op dynamic provider), interleaved floor,
 * ours, floor, ours, ... so that both see the same machine load. Ours is one of two programs:
 *   owners: N single ConnectorUserOwner resources (bench/programs/owners);
 *   root:   the root stack (Pulumi.yaml at the repo's top, program stack/index.ts) with an
 *           ownership document of N owners over about N/3 roles, one ConnectorUserOwners per role.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { C1Emulator, isUsersPath } from "../src/emulator";
import type { RequestLogEntry } from "../src/emulator";
import type { ProviderProcess } from "./process-watch";
import { buildBenchDocument } from "./root-document";
import { BenchStack, type BenchStackConfig, type CliRun, emulatorProviderConfig } from "./stack";

/** The operations measured, in the order a round runs them. */
export const OPERATIONS = ["up", "preview-refresh", "drift-up", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The CLI arguments of each operation. Updates skip the preview, so only the update is timed. */
export const OPERATION_ARGS: Readonly<Record<Operation, readonly string[]>> = {
  // Create all N.
  up: ["up", "--yes", "--skip-preview"],
  // Read all N, plan nothing: --expect-no-changes makes a plan with changes fail the run.
  "preview-refresh": ["preview", "--refresh", "--expect-no-changes"],
  // One owner was removed in C1 (the floor's read reports one resource gone): read all N, create one.
  "drift-up": ["up", "--yes", "--skip-preview", "--refresh"],
  // Delete all N.
  destroy: ["destroy", "--yes", "--skip-preview"],
};

/** Which stack a measurement is of. */
export type Variant = "floor" | "ours";

/** Which program ours is: N single ConnectorUserOwner resources, or the root stack's ownership document. */
export type BenchProgram = "owners" | "root";

/** The CLI's env var that makes the engine write the state once at the end instead of after every step. */
export const SKIP_CHECKPOINTS_ENV = "PULUMI_SKIP_CHECKPOINTS";

/**
 * Where the owners program takes ConnectorUserOwner from: `package` is `npm pack` of this repo
 * unpacked into the program's node_modules, as users install it (the provider is serialized into
 * state as a require of the package); `source` is the repo's TypeScript, as the e2e tests use it
 * (the serializer inlines the provider's code into every resource's state).
 */
export type ProviderFrom = "package" | "source";

export interface BenchmarkOptions {
  /** @default "owners" */
  program?: BenchProgram;
  /** Where the owners program takes ConnectorUserOwner from (the root stack always imports the staged package). @default "package" */
  providerFrom?: ProviderFrom;
  /** Stack sizes (number of owners). */
  sizes: number[];
  /** Added latency per emulator request (token endpoint and API), in ms. */
  latencies: number[];
  /** Rounds per size and latency; medians are taken over them. */
  rounds: number;
  /**
   * Run each round without and/or with PULUMI_SKIP_CHECKPOINTS=true (both stacks alike), in this
   * order within the round. @default [false]
   */
  skipCheckpoints?: boolean[];
  /** When set, every run writes an engine trace (`--tracing file:...`) into this directory. */
  traceDir?: string;
  /** When set, every run writes the engine's Go CPU and memory profiles (`--profiling`) into this directory. */
  engineProfileDir?: string;
  /**
   * When set, the program and the provider process of every run write V8 CPU profiles into a
   * subdirectory of this one per run (see cpu-profile-hook.js).
   */
  cpuProfileDir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What C1 (the emulator) saw during one operation. */
export interface RequestCounts {
  post: number;
  get: number;
  delete: number;
  /** Users read by check, to know who a change makes an owner (GET /api/v1/users/..., the users search). */
  users: number;
  /** Token endpoint requests. */
  token: number;
  /** API requests repeating one (same method, path and query) whose answer was not 2xx. */
  retries: number;
  /** API answers that were not 2xx, by status (the drifted owner's GET answers 404). */
  errors: Record<string, number>;
}

/** How many API requests C1 was answering at once during one operation. */
export interface Concurrency {
  /** The most at any moment. */
  peak: number;
  /** The mean over the time from the first request's arrival to the last answer. */
  mean: number;
}

/** One operation of one round, on both stacks. */
export interface OperationSample {
  /** Owners: the floor's resources, and ours' owners (resources for `owners`, over roles for `root`). */
  size: number;
  latencyMs: number;
  /** Whether both runs had PULUMI_SKIP_CHECKPOINTS=true. */
  skipCheckpoints: boolean;
  operation: Operation;
  round: number;
  floorMs: number;
  oursMs: number;
  /** CPU time of each run's whole process tree (engine, language host, program, providers), in ms. */
  floorCpuMs: number;
  oursCpuMs: number;
  requests: RequestCounts;
  concurrency: Concurrency;
  floorProviders: ProviderProcess[];
  oursProviders: ProviderProcess[];
}

/** The serialized provider in the state after `up`, per stack. */
export interface StateSample {
  size: number;
  variant: Variant;
  resources: number;
  /** The largest `__provider` of a resource, in bytes (they are all the same). */
  providerBytesPerResource: number;
  /** The whole deployment as JSON, in bytes. */
  stateBytes: number;
}

/** The ownership document the root stack ran with, per size (`--program root` only). */
export interface DocumentSample {
  size: number;
  /** Roles: ConnectorUserOwners resources. */
  roles: number;
  exclusiveRoles: number;
  apps: number;
  connectors: number;
  /** Distinct users the document names. */
  users: number;
  /** Pages C1 serves to list every role once (at its largest page size): the most GETs a refresh needs. */
  listPages: number;
}

export interface BenchmarkSamples {
  operations: OperationSample[];
  states: StateSample[];
  /** Present for `--program root`. */
  documents?: DocumentSample[];
}

const repoDir = path.resolve(__dirname, "..");
const APP_ID = "app-bench";
const CONNECTOR_ID = "conn-bench";
const ROLE_SLUG = "owner";
const programsDir = path.resolve(__dirname, "programs");
/** The root stack's project directory (its Pulumi.yaml names stack/ as the program). */
const rootProjectDir = repoDir;

/** The user id of owner `index`, as both programs name it. */
export function benchUserId(index: number): string {
  return `u-bench-${String(index).padStart(4, "0")}`;
}

/** Runs a command to completion; rejects with its output when it fails. */
function runCommand(command: string, args: string[], cwd: string): Promise<void> {
  // An outer `npm run` sets npm_* variables that would point a child npm at the outer project.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited with ${code}:\n${output}`))));
  });
}

/** Copies the floor's no-op provider module into the floor program's node_modules. */
async function installNoopProvider(): Promise<void> {
  const source = path.join(programsDir, "floor/noop-provider");
  const target = path.join(programsDir, "floor/node_modules/c1-bench-noop-provider");
  // Left alone when already current: another benchmark (the e2e test) may be running the floor.
  const files = await readdir(source);
  const current = await Promise.all(
    files.map(async (file) => (await readFile(path.join(source, file), "utf8")) === (await readFile(path.join(target, file), "utf8").catch(() => undefined))),
  );
  if (current.every(Boolean)) return;
  await rm(target, { recursive: true, force: true });
  await mkdir(path.dirname(target), { recursive: true });
  await cp(source, target, { recursive: true });
}

/**
 * Packs this repo (`npm pack`, which builds through `prepack`) and unpacks the tarball into the
 * owners program's node_modules, as `npm install` would. Its dependencies resolve from the repo's
 * node_modules, so the program, the package and the provider process share one @pulumi/pulumi.
 */
async function installPackedProvider(workDir: string): Promise<void> {
  await runCommand("npm", ["pack", "--pack-destination", workDir, "--loglevel=error"], repoDir);
  const tarball = (await readdir(workDir)).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack left no tarball in ${workDir}`);
  const target = path.join(programsDir, "owners/node_modules/pulumi-conductorone-owners");
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await runCommand("tar", ["-xzf", path.join(workDir, tarball), "-C", target, "--strip-components=1"], repoDir);
}

/**
 * The root program's package as the root stack loads it: this repo's provider, built and staged
 * into node_modules by scripts/with-toolchain.sh (which `npm run bench` runs under).
 * @throws Error when it is not staged.
 */
function assertRootPackageStaged(): void {
  const programDir = path.join(rootProjectDir, readRootProject().main ?? ".");
  let manifest: string;
  try {
    // As the program resolves it: a require from here would resolve the repo itself (a package may import itself by name).
    manifest = createRequire(path.join(programDir, "index.ts")).resolve("pulumi-conductorone-owners/package.json");
  } catch {
    manifest = "";
  }
  if (!manifest.startsWith(path.join(repoDir, "node_modules") + path.sep) || !existsSync(path.join(path.dirname(manifest), ".in-repo-build"))) {
    throw new Error(
      `the root stack imports "pulumi-conductorone-owners", which is not staged in ${path.join(repoDir, "node_modules")}: ` +
        "run `scripts/with-toolchain.sh true` (npm run bench does it)",
    );
  }
}

/** The root project file: its name (the config namespace of the document) and its program directory. */
function readRootProject(): { name: string; main?: string } {
  return parse(readFileSync(path.join(rootProjectDir, "Pulumi.yaml"), "utf8")) as { name: string; main?: string };
}

/** Requests by kind (user lookups apart from owner GETs and POSTs), retries, and non-2xx answers by status. */
export function countRequests(entries: RequestLogEntry[]): RequestCounts {
  const counts: RequestCounts = { post: 0, get: 0, delete: 0, users: 0, token: 0, retries: 0, errors: {} };
  const failed = new Set<string>();
  for (const entry of entries) {
    if (entry.kind === "token") {
      counts.token += 1;
      continue;
    }
    if (entry.kind !== "api") continue;
    if (isUsersPath(entry.path)) counts.users += 1;
    else if (entry.method === "POST") counts.post += 1;
    else if (entry.method === "GET") counts.get += 1;
    else if (entry.method === "DELETE") counts.delete += 1;
    // The query tells list pages apart (role_slug, page_token); a request repeated after a success
    // is not a retry (up --refresh lists the drifted role again to update it).
    const target = `${entry.method} ${entry.path}?${new URLSearchParams(entry.query).toString()}`;
    if (failed.has(target)) counts.retries += 1;
    if (entry.status < 200 || entry.status >= 300) {
      counts.errors[entry.status] = (counts.errors[entry.status] ?? 0) + 1;
      failed.add(target);
    } else {
      failed.delete(target);
    }
  }
  return counts;
}

/** In-flight API requests over time, from each request's arrival and answer time in the log. */
export function measureConcurrency(entries: RequestLogEntry[]): Concurrency {
  const api = entries.filter((entry) => entry.kind === "api");
  if (api.length === 0) return { peak: 0, mean: 0 };
  const edges = api.flatMap((entry) => {
    const start = Date.parse(entry.at);
    return [
      { at: start, delta: 1 },
      { at: start + Math.max(entry.ms, 1), delta: -1 },
    ];
  });
  // Ends sort before starts at the same millisecond, so back-to-back requests do not overlap.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let peak = 0;
  let busy = 0;
  for (let index = 0; index < edges.length; index++) {
    current += edges[index].delta;
    peak = Math.max(peak, current);
    if (index + 1 < edges.length) busy += current * (edges[index + 1].at - edges[index].at);
  }
  const span = edges[edges.length - 1].at - edges[0].at;
  return { peak, mean: span > 0 ? Math.round((busy / span) * 10) / 10 : peak };
}

async function measureState(stack: BenchStack, size: number, variant: Variant): Promise<StateSample> {
  const deployment = await stack.exportDeployment();
  const dynamic = (deployment.resources ?? []).filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/"));
  const bytes = dynamic.map((resource) => Buffer.byteLength(String(resource.outputs?.__provider ?? "")));
  return {
    size,
    variant,
    resources: dynamic.length,
    providerBytesPerResource: Math.max(0, ...bytes),
    stateBytes: Buffer.byteLength(JSON.stringify(deployment)),
  };
}

/** Stack config by full key, as BenchStack.create sets it. */

/** Ours at one size: its stack, and how to change and count what it manages behind its back. */
interface Subject {
  stack: BenchStack;
  /** Removes one owner in C1, as someone in the C1 UI would. */
  drift(): void;
  /** The owners C1 holds of those the stack declares. */
  countOwners(): number;
}

/** N single ConnectorUserOwner resources of one connector role (bench/programs/owners). */
async function createOwnersSubject(emulator: C1Emulator, size: number, backendDir: string, config: BenchStackConfig): Promise<Subject> {
  const stack = await BenchStack.create(path.join(programsDir, "owners"), backendDir, config);
  const driftedUser = benchUserId(Math.floor(size / 2));
  return {
    stack,
    drift: () => void emulator.store.removeOwner(APP_ID, CONNECTOR_ID, ROLE_SLUG, driftedUser),
    countOwners: () => emulator.store.listOwners({ appId: APP_ID }).length,
  };
}

/**
 * The root stack with a document of N owners over about N/3 roles, its directory (apps,
 * connectors, users) added to the emulator. The stack's config file stays in `configDir`, out of
 * the repo (where the project file is).
 */
async function createRootSubject(
  emulator: C1Emulator,
  size: number,
  backendDir: string,
  configDir: string,
  config: BenchStackConfig,
): Promise<{ subject: Subject; document: DocumentSample }> {
  const bench = buildBenchDocument(size);
  for (const { appId, connectorIds } of bench.apps) emulator.store.addApp(appId, connectorIds);
  for (const id of bench.userIds) emulator.store.addUser({ id });
  const documentKey = `${readRootProject().name}:owners`;
  const stack = await BenchStack.create(rootProjectDir, backendDir, config, { configDir, objectConfig: { [documentKey]: bench.document } });
  const pageSize = emulator.settings.maxPageSize;
  const document: DocumentSample = {
    size,
    roles: bench.roles.length,
    exclusiveRoles: bench.roles.filter((role) => role.exclusive).length,
    apps: bench.apps.length,
    connectors: bench.apps.reduce((sum, app) => sum + app.connectorIds.length, 0),
    users: bench.userIds.length,
    listPages: bench.roles.reduce((sum, role) => sum + Math.max(1, Math.ceil(role.userIds.length / pageSize)), 0),
  };
  const declared = new Set(bench.roles.flatMap((role) => role.userIds.map((userId) => JSON.stringify([role.appId, role.connectorId, role.roleSlug, userId]))));
  return {
    subject: {
      stack,
      drift: () => void emulator.store.removeOwner(bench.drifted),
      countOwners: () =>
        emulator.store.listOwners().filter((owner) => declared.has(JSON.stringify([owner.appId, owner.connectorId, owner.roleSlug, owner.userId]))).length,
    },
    document,
  };
}

/** Runs the benchmark and returns every sample. */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkSamples> {
  const log = options.log ?? (() => undefined);
  const program = options.program ?? "owners";
  const skipModes = options.skipCheckpoints ?? [false];
  const samples: BenchmarkSamples = { operations: [], states: [], ...(program === "root" ? { documents: [] } : {}) };
  // A log long enough for the largest operation: 2,000 owners' destroy alone is 2,000 requests.
  const emulator = new C1Emulator({ seed: false, requestLogLimit: 100_000 });
  const providerFrom = options.providerFrom ?? "package";
  const backendDir = await mkdtemp(path.join(tmpdir(), "c1-bench-state-"));
  const configDir = program === "root" ? await mkdtemp(path.join(tmpdir(), "c1-bench-config-")) : undefined;
  const stacks: BenchStack[] = [];
  try {
    await installNoopProvider();
    if (program === "root") {
      assertRootPackageStaged();
    } else if (providerFrom === "package") {
      log("packing this repo (npm pack) into the owners program's node_modules");
      const packDir = await mkdtemp(path.join(tmpdir(), "c1-bench-pack-"));
      await installPackedProvider(packDir).finally(() => rm(packDir, { recursive: true, force: true }));
    }
    await emulator.listen();
    const { clientId, clientSecret } = emulator.createClient("bench");
    emulator.store.addApp(APP_ID, [CONNECTOR_ID]);
    if (program === "owners") for (let index = 0; index < Math.max(...options.sizes); index++) emulator.store.addUser({ id: benchUserId(index) });
    const providerConfig: BenchStackConfig = emulatorProviderConfig(emulator.url, { clientId, clientSecret });

    for (const size of options.sizes) {
      const floorConfig: BenchStackConfig = {
        owners: { value: String(size) },
        providerFrom: { value: providerFrom },
        appId: { value: APP_ID },
        connectorId: { value: CONNECTOR_ID },
        ...providerConfig,
      };
      log(`N=${size}: creating the floor and ${program === "root" ? "root" : "owners"} stacks`);
      const floor = await BenchStack.create(path.join(programsDir, "floor"), backendDir, floorConfig);
      stacks.push(floor);
      let subject: Subject;
      if (program === "root") {
        const root = await createRootSubject(emulator, size, backendDir, configDir!, providerConfig);
        subject = root.subject;
        samples.documents!.push(root.document);
        const { roles, exclusiveRoles, apps, connectors, users } = root.document;
        log(`N=${size}: ${roles} roles (${exclusiveRoles} exclusive) on ${connectors} connectors of ${apps} apps, ${users} users`);
      } else {
        subject = await createOwnersSubject(emulator, size, backendDir, floorConfig);
      }
      const ours = subject.stack;
      stacks.push(ours);
      const floorDriftedId = [APP_ID, CONNECTOR_ID, ROLE_SLUG, benchUserId(Math.floor(size / 2))].join("/");

      for (const latencyMs of options.latencies) {
        emulator.faults.clear();
        if (latencyMs > 0) emulator.faults.add({ delayMs: latencyMs, times: Infinity });
        for (let round = 1; round <= options.rounds; round++) {
          for (const skipCheckpoints of skipModes) {
            const checkpointEnv: Record<string, string> = skipCheckpoints ? { [SKIP_CHECKPOINTS_ENV]: "true" } : {};
            for (const operation of OPERATIONS) {
              const runName = (variant: Variant) => `n${size}-l${latencyMs}${skipCheckpoints ? "-skip" : ""}-r${round}-${operation}-${variant}`;
              const traceArgs = (variant: Variant): string[] => [
                ...(options.traceDir ? ["--tracing", `file:${path.join(options.traceDir, `${runName(variant)}.trace`)}`] : []),
                ...(options.engineProfileDir ? ["--profiling", path.join(options.engineProfileDir, runName(variant))] : []),
              ];
              const profileEnv = (variant: Variant): Record<string, string> =>
                options.cpuProfileDir
                  ? {
                      NODE_OPTIONS: `--require ${path.join(__dirname, "cpu-profile-hook.js")}`,
                      BENCH_CPU_PROFILE_DIR: path.join(options.cpuProfileDir, runName(variant)),
                    }
                  : {};

              const floorEnv: Record<string, string> = operation === "drift-up" ? { BENCH_FLOOR_GONE: floorDriftedId } : {};
              const floorRun = await floor.mustRun([...OPERATION_ARGS[operation], ...traceArgs("floor")], {
                ...checkpointEnv,
                ...floorEnv,
                ...profileEnv("floor"),
              });

              if (operation === "drift-up") subject.drift();
              const lastSeq = emulator.requests.at(-1)?.seq ?? 0;
              const oursRun: CliRun = await ours.mustRun([...OPERATION_ARGS[operation], ...traceArgs("ours")], { ...checkpointEnv, ...profileEnv("ours") });
              const entries = emulator.requests.filter((entry) => entry.seq > lastSeq);
              const requests = countRequests(entries);
              const expected = operation === "destroy" ? 0 : size;
              const actual = subject.countOwners();
              if (actual !== expected) throw new Error(`after ${operation}: the emulator holds ${actual} of the stack's owners, expected ${expected}`);

              samples.operations.push({
                size,
                latencyMs,
                skipCheckpoints,
                operation,
                round,
                floorMs: floorRun.ms,
                oursMs: oursRun.ms,
                floorCpuMs: floorRun.treeCpuMs,
                oursCpuMs: oursRun.treeCpuMs,
                requests,
                concurrency: measureConcurrency(entries),
                floorProviders: floorRun.providers,
                oursProviders: oursRun.providers,
              });
              log(
                `N=${size} latency=${latencyMs}ms${skipCheckpoints ? " skip-checkpoints" : ""} round ${round} ${operation}: ` +
                  `floor ${Math.round(floorRun.ms)} ms (CPU ${floorRun.treeCpuMs} ms), ours ${Math.round(oursRun.ms)} ms (CPU ${oursRun.treeCpuMs} ms)`,
              );

              if (operation === "up" && round === 1 && latencyMs === options.latencies[0] && skipCheckpoints === skipModes[0]) {
                samples.states.push(await measureState(floor, size, "floor"), await measureState(ours, size, "ours"));
              }
            }
          }
        }
      }
      // Each size starts from fresh stacks.
      for (const stack of stacks.splice(0)) await stack.dispose();
    }
  } finally {
    for (const stack of stacks) await stack.dispose();
    await emulator.close();
    await rm(backendDir, { recursive: true, force: true });
    if (configDir) await rm(configDir, { recursive: true, force: true });
  }
  return samples;
}
