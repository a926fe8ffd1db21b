/**
 * `npm run bench`: ConnectorUserOwner stacks measured against the engine's own floor.
 *
 *   npm run bench                                   # quick form: N=10, latency 0 and 50 ms, 3 rounds
 *   npm run bench -- --sizes 10,100,500 --latency 0,50 --rounds 3 --json results.json
 *   npm run bench -- --provider source               # the repo's sources instead of the packed package
 *   npm run bench -- --sizes 100 --latency 0,50 --rounds 1 --cpu-prof-dir /tmp/node-prof --engine-prof-dir /tmp/go-prof
 *   npm run bench -- --sizes 100 --latency 0 --rounds 1 --trace-dir /tmp/traces
 *
 * Prints the versions it ran on, a Markdown table and the targets met or missed; writes the whole
 * report as JSON to --json PATH (default: bench-results.json in the system's temp directory).
 * Exits 1 when a run fails; missed targets are reported, not failed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, platform, release, tmpdir } from "node:os";
import * as path from "node:path";
import { ProviderFrom, runBenchmark } from "./benchmark";
import { buildReport, BenchmarkReport, Environment, formatReport } from "./report";

/** What the command line asks for. */
export interface RunOptions {
  providerFrom: ProviderFrom;
  sizes: number[];
  latencies: number[];
  rounds: number;
  jsonPath: string;
  traceDir?: string;
  cpuProfileDir?: string;
  engineProfileDir?: string;
}

/** The quick form: small enough to run in the test suite. */
export const QUICK_FORM = { sizes: [10], latencies: [0, 50], rounds: 3 } as const;

function parseList(flag: string, value: string | undefined, min: number): number[] {
  const items = (value ?? "").split(",").map((item) => item.trim());
  const numbers = items.map(Number);
  if (items.length === 0 || numbers.some((number, index) => items[index] === "" || !Number.isInteger(number) || number < min)) {
    throw new Error(`${flag} takes a comma-separated list of whole numbers >= ${min}, got ${JSON.stringify(value ?? "")}`);
  }
  return numbers;
}

/**
 * Parses `--sizes 10,100 --latency 0,50 --rounds 3 --provider package|source --json PATH
 * --trace-dir DIR --cpu-prof-dir DIR --engine-prof-dir DIR`.
 */
export function parseRunOptions(argv: string[]): RunOptions {
  const options: RunOptions = {
    providerFrom: "package",
    sizes: [...QUICK_FORM.sizes],
    latencies: [...QUICK_FORM.latencies],
    rounds: QUICK_FORM.rounds,
    jsonPath: path.join(tmpdir(), "bench-results.json"),
  };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inline] = argv[index].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++index]);
    switch (flag) {
      case "--sizes":
        options.sizes = parseList(flag, value(), 1);
        break;
      case "--latency":
        options.latencies = parseList(flag, value(), 0);
        break;
      case "--rounds":
        options.rounds = parseList(flag, value(), 1)[0];
        break;
      case "--json":
        options.jsonPath = path.resolve(value() ?? "");
        break;
      case "--trace-dir":
        options.traceDir = path.resolve(value() ?? "");
        break;
      case "--provider": {
        const from = value();
        if (from !== "package" && from !== "source") throw new Error(`--provider takes "package" or "source", got ${JSON.stringify(from)}`);
        options.providerFrom = from;
        break;
      }
      case "--engine-prof-dir":
        options.engineProfileDir = path.resolve(value() ?? "");
        break;
      case "--cpu-prof-dir":
        options.cpuProfileDir = path.resolve(value() ?? "");
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(argv[index])}; use --sizes, --latency, --rounds, --provider, --json, --trace-dir, --cpu-prof-dir, --engine-prof-dir`);
    }
  }
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
    pulumiSdk: (require(sdkManifest) as { version: string }).version,
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
    sizes: options.sizes,
    latencies: options.latencies,
    rounds: options.rounds,
    providerFrom: options.providerFrom,
  });
  mkdirSync(path.dirname(options.jsonPath), { recursive: true });
  writeFileSync(options.jsonPath, `${JSON.stringify({ ...report, samples }, null, 2)}\n`);
  process.stdout.write(`${formatReport(report)}\n\nJSON: ${options.jsonPath}\n`);
  return report;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
