/**
 * `npm run bench`: ConnectorUserOwner stacks, or the root stack's ownership document
 * (`--program root`), measured against the engine's own floor.
 *
 *   npm run bench                                   # quick form: N=10, latency 0 and 50 ms, 3 rounds
 *   npm run bench -- --program root --owners 100,1000,2000 --rounds 1 --skip-checkpoints on
 *   npm run bench -- --sizes 10,100,500 --latency 0,50 --rounds 3 --json results.json
 *   npm run bench -- --provider source               # the repo's sources instead of the packed package
 *   npm run bench -- --sizes 100 --latency 0,50 --rounds 1 --cpu-prof-dir /tmp/node-prof --engine-prof-dir /tmp/go-prof
 *   npm run bench -- --sizes 100 --latency 0 --rounds 1 --trace-dir /tmp/traces
 *
 * Prints the versions it ran on, a Markdown table and the targets met or missed; writes the whole
 * report as JSON to --json PATH (default: bench-results.json in the system's temp directory).
 * `--help` lists the flags. Exits 1 when a run fails or the command line is bad; missed targets
 * are reported, not failed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, platform, release, tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type BenchProgram, type ProviderFrom, runBenchmark } from "./benchmark";
import { buildReport, type BenchmarkReport, type Environment, formatReport } from "./report";

/** What the command line asks for. */
export interface RunOptions {
  program: BenchProgram;
  providerFrom: ProviderFrom;
  /** Owners per stack. */
  sizes: number[];
  latencies: number[];
  rounds: number;
  /** Without (false) and/or with (true) PULUMI_SKIP_CHECKPOINTS=true, in this order per round. */
  skipCheckpoints: boolean[];
  jsonPath: string;
  traceDir?: string;
  cpuProfileDir?: string;
  engineProfileDir?: string;
}

/** The quick form: small enough to run in the test suite. */
export const QUICK_FORM = { sizes: [10], latencies: [0, 50], rounds: 3 } as const;

/** The defaults of `--program root`: the size and latency of its targets, each case with and without checkpoints. */
export const ROOT_DEFAULTS = { sizes: [100], latencies: [0], rounds: 3, skipCheckpoints: "both" } as const;

/** What `--skip-checkpoints` takes, and the checkpoint modes each runs. */
const SKIP_CHECKPOINTS_MODES: Readonly<Record<string, boolean[]>> = { off: [false], on: [true], both: [false, true] };

/** The flags `parseArgs` accepts; every value flag takes one value, as `--flag VALUE` or `--flag=VALUE`. */
const FLAGS = {
  program: { type: "string" },
  sizes: { type: "string" },
  owners: { type: "string" },
  latency: { type: "string" },
  rounds: { type: "string" },
  "skip-checkpoints": { type: "string" },
  provider: { type: "string" },
  json: { type: "string" },
  "trace-dir": { type: "string" },
  "cpu-prof-dir": { type: "string" },
  "engine-prof-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** What `--help` prints. */
export const USAGE = `usage: npm run bench -- [options]

  --program KIND         what is measured against the floor (N single no-op resources):
                           "owners" (default): N single ConnectorUserOwner resources (bench/programs/owners)
                           "root": the root stack (Pulumi.yaml, stack/index.ts) with a
                             document of N owners over about N/3 roles of 2-4 users, every 10th role
                             exclusive: one ConnectorUserOwners per role, from the package
                             scripts/with-toolchain.sh stages in node_modules
  --sizes N,N,...        owners per stack (whole numbers >= 1; default ${QUICK_FORM.sizes.join(",")}, with --program root ${ROOT_DEFAULTS.sizes.join(",")})
  --owners N,N,...       the same as --sizes (give one of the two)
  --latency MS,MS,...    emulator latency in ms (whole numbers >= 0; default ${QUICK_FORM.latencies.join(",")}, with --program root ${ROOT_DEFAULTS.latencies.join(",")})
  --rounds N             rounds per size and latency (whole number >= 1; default ${QUICK_FORM.rounds})
  --skip-checkpoints M   run both stacks with PULUMI_SKIP_CHECKPOINTS=true: "off", "on" or "both"
                         (each round without, then with; default off, with --program root ${ROOT_DEFAULTS.skipCheckpoints})
  --provider KIND        --program owners only: "package" (the packed package, default) or "source" (the repo's sources)
  --json PATH            where to write the JSON report (default: bench-results.json in the temp directory)
  --trace-dir DIR        write engine traces there (pulumi --tracing file:; large)
  --cpu-prof-dir DIR     write CPU profiles of the program and the provider process there
  --engine-prof-dir DIR  write the engine's Go profiles there (pulumi --profiling)
  -h, --help             print this and exit`;

/** A command line the benchmark cannot run with; the message says which flag and why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function parseList(flag: string, value: string, min: number): number[] {
  const items = value.split(",").map((item) => item.trim());
  const numbers = items.map(Number);
  if (numbers.some((number, index) => items[index] === "" || !Number.isInteger(number) || number < min)) {
    throw new UsageError(`--${flag} takes a comma-separated list of whole numbers >= ${min}, got ${JSON.stringify(value)}`);
  }
  return numbers;
}

function parseCount(flag: string, value: string, min: number): number {
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isInteger(number) || number < min) {
    throw new UsageError(`--${flag} takes a whole number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function parsePath(flag: string, value: string): string {
  if (value.trim() === "") throw new UsageError(`--${flag} takes a path, got an empty value`);
  return path.resolve(value);
}

/** The command line as `parseArgs` reads it; its errors (unknown flag, missing value) become UsageErrors. */
function readFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const flags = Object.keys(FLAGS)
      .map((flag) => `--${flag}`)
      .join(", ");
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}; the flags are ${flags}`);
  }
}

/** True when the command line asks for the usage (`--help` or `-h`) instead of a run. */
export function isHelpRequested(argv: string[]): boolean {
  return readFlags(argv).help === true;
}

/**
 * Parses `--program owners|root --sizes 10,100 (or --owners 10,100) --latency 0,50 --rounds 3
 * --skip-checkpoints off|on|both --provider package|source --json PATH --trace-dir DIR
 * --cpu-prof-dir DIR --engine-prof-dir DIR` (each also as `--flag=VALUE`; the last of a repeated
 * flag wins). @throws UsageError for an unknown flag, a missing or bad value, an argument that is
 * not a flag, both --sizes and --owners, --provider with --program root, or `--help`.
 */
export function parseRunOptions(argv: string[]): RunOptions {
  const flags = readFlags(argv);
  if (flags.help) throw new UsageError("--help asks for the usage, not a run");
  if (flags.program !== undefined && flags.program !== "owners" && flags.program !== "root") {
    throw new UsageError(`--program takes "owners" or "root", got ${JSON.stringify(flags.program)}`);
  }
  const program: BenchProgram = flags.program ?? "owners";
  const defaults = program === "root" ? ROOT_DEFAULTS : { ...QUICK_FORM, skipCheckpoints: "off" };
  const options: RunOptions = {
    program,
    providerFrom: "package",
    sizes: [...defaults.sizes],
    latencies: [...defaults.latencies],
    rounds: defaults.rounds,
    skipCheckpoints: [...SKIP_CHECKPOINTS_MODES[defaults.skipCheckpoints]],
    jsonPath: path.join(tmpdir(), "bench-results.json"),
  };
  if (flags.sizes !== undefined && flags.owners !== undefined) throw new UsageError("--sizes and --owners are the same flag: give one of them");
  if (flags.sizes !== undefined) options.sizes = parseList("sizes", flags.sizes, 1);
  if (flags.owners !== undefined) options.sizes = parseList("owners", flags.owners, 1);
  if (flags.latency !== undefined) options.latencies = parseList("latency", flags.latency, 0);
  if (flags.rounds !== undefined) options.rounds = parseCount("rounds", flags.rounds, 1);
  const skipCheckpoints = flags["skip-checkpoints"];
  if (skipCheckpoints !== undefined) {
    if (!Object.hasOwn(SKIP_CHECKPOINTS_MODES, skipCheckpoints)) {
      throw new UsageError(`--skip-checkpoints takes "off", "on" or "both", got ${JSON.stringify(skipCheckpoints)}`);
    }
    options.skipCheckpoints = [...SKIP_CHECKPOINTS_MODES[skipCheckpoints]];
  }
  if (flags.provider !== undefined && program === "root") {
    throw new UsageError("--provider applies to --program owners only: the root stack imports the package staged in node_modules");
  }
  if (flags.provider !== undefined) {
    if (flags.provider !== "package" && flags.provider !== "source") {
      throw new UsageError(`--provider takes "package" or "source", got ${JSON.stringify(flags.provider)}`);
    }
    options.providerFrom = flags.provider;
  }
  if (flags.json !== undefined) options.jsonPath = parsePath("json", flags.json);
  if (flags["trace-dir"] !== undefined) options.traceDir = parsePath("trace-dir", flags["trace-dir"]);
  if (flags["cpu-prof-dir"] !== undefined) options.cpuProfileDir = parsePath("cpu-prof-dir", flags["cpu-prof-dir"]);
  if (flags["engine-prof-dir"] !== undefined) options.engineProfileDir = parsePath("engine-prof-dir", flags["engine-prof-dir"]);
  return options;
}

function describeCommit(): string {
  try {
    const repo = path.resolve(__dirname, "..");
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repo, encoding: "utf8" }).trim() !== "";
    return dirty ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}

/** The Node, CLI and SDK the engine runs the programs and the provider with. */
export function describeEnvironment(): Environment {
  const programDir = path.resolve(__dirname, "programs/owners");
  const sdkManifest = require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] });
  const cpus = availableParallelism();
  return {
    node: execFileSync("node", ["--version"], { encoding: "utf8" }).trim(),
    pulumiCli: execFileSync("pulumi", ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim(),
    pulumiSdk: (JSON.parse(readFileSync(sdkManifest, "utf8")) as { version: string }).version,
    // pulumi up/preview/destroy default --parallel to 4 x GOMAXPROCS (pkg/cmd/pulumi/operations/up.go).
    defaultParallelism: Number(process.env.PULUMI_PARALLEL) > 0 ? Number(process.env.PULUMI_PARALLEL) : 4 * cpus,
    cpus,
    platform: `${platform()} ${release()}`,
    commit: describeCommit(),
  };
}

/** Runs the benchmark, prints the table and writes the JSON report. */
export async function main(argv: string[]): Promise<BenchmarkReport> {
  const options = parseRunOptions(argv);
  const environment = describeEnvironment();
  for (const dir of [options.traceDir, options.cpuProfileDir, options.engineProfileDir]) if (dir) mkdirSync(dir, { recursive: true });
  const samples = await runBenchmark({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  const report = buildReport(samples, environment, {
    program: options.program,
    sizes: options.sizes,
    latencies: options.latencies,
    rounds: options.rounds,
    skipCheckpoints: options.skipCheckpoints,
    providerFrom: options.providerFrom,
  });
  mkdirSync(path.dirname(options.jsonPath), { recursive: true });
  writeFileSync(options.jsonPath, `${JSON.stringify({ ...report, samples }, null, 2)}\n`);
  process.stdout.write(`${formatReport(report)}\n\nJSON: ${options.jsonPath}\n`);
  return report;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  let run: Promise<unknown>;
  try {
    run = isHelpRequested(argv) ? Promise.resolve(process.stdout.write(`${USAGE}\n`)) : main(argv);
  } catch (error) {
    run = Promise.reject(error);
  }
  run.catch((error: unknown) => {
    // A bad command line needs its message, not a stack.
    const detail = error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench: ${detail}\n`);
    process.exit(1);
  });
}
