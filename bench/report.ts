/**
 * Turns benchmark samples into the summary people read (a table) and machines read (JSON), and
 * checks the summary against the targets of issue #6.
 */
import {
  type BenchmarkSamples,
  type BenchProgram,
  type DocumentSample,
  type Operation,
  type OperationSample,
  type ProviderFrom,
  type RequestCounts,
  type StateSample,
} from "./benchmark";

/** The machine, CLI and SDK a benchmark ran on. */
export interface Environment {
  node: string;
  pulumiCli: string;
  pulumiSdk: string;
  /** The engine's default parallelism on this machine: 4 x GOMAXPROCS (the CPU count). */
  defaultParallelism: number;
  cpus: number;
  platform: string;
  /** The commit measured, with "+dirty" when the work tree had changes. */
  commit: string;
}

/** One operation at one size, latency and checkpoint mode, over all rounds. */
export interface OperationSummary {
  size: number;
  latencyMs: number;
  /** Whether both stacks ran with PULUMI_SKIP_CHECKPOINTS=true. */
  skipCheckpoints: boolean;
  operation: Operation;
  rounds: number;
  floorMs: number[];
  oursMs: number[];
  floorMedianMs: number;
  oursMedianMs: number;
  /** oursMedianMs / floorMedianMs. */
  ratio: number;
  /** The median of the rounds' ours / floor ratios: each pair ran back to back, under the same load. */
  pairedRatio: number;
  /** The median of the rounds' ours - floor differences, in ms. */
  pairedExtraMs: number;
  /**
   * Median CPU time of the whole process tree (engine, language host, program, providers), in ms:
   * less sensitive than wall time to what else the machine runs.
   */
  floorCpuMedianMs: number;
  oursCpuMedianMs: number;
  /** Median CPU time of the provider processes alone, in ms. */
  floorProviderCpuMedianMs: number;
  oursProviderCpuMedianMs: number;
  /** Requests of the first round; `requestsSameEveryRound` says whether the others matched. */
  requests: RequestCounts;
  requestsSameEveryRound: boolean;
  /** Medians over rounds of the most and the mean API requests C1 was answering at once. */
  inFlightPeak: number;
  inFlightMean: number;
  /** Provider processes the engine started for the operation (ours; the floor's is the same). */
  providerProcesses: number;
  /** The median over rounds of the largest provider process peak (VmHWM), in MiB. */
  oursProviderPeakMb: number;
  floorProviderPeakMb: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchmarkReport {
  environment: Environment;
  options: { program: BenchProgram; sizes: number[]; latencies: number[]; rounds: number; skipCheckpoints: boolean[]; providerFrom: ProviderFrom };
  operations: OperationSummary[];
  states: StateSample[];
  /** The root stack's documents, per size (`--program root`). */
  documents?: DocumentSample[];
  targets: TargetCheck[];
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;
const peakMb = (providers: { peakKb: number }[]) => Math.max(0, ...providers.map((provider) => provider.peakKb)) / 1024;
const providerCpuMs = (providers: { cpuMs: number }[]) => providers.reduce((sum, provider) => sum + provider.cpuMs, 0);

function summarize(group: OperationSample[]): OperationSummary {
  const first = group[0];
  const floorMs = group.map((sample) => round1(sample.floorMs));
  const oursMs = group.map((sample) => round1(sample.oursMs));
  const floorMedianMs = median(floorMs);
  const oursMedianMs = median(oursMs);
  return {
    size: first.size,
    latencyMs: first.latencyMs,
    skipCheckpoints: first.skipCheckpoints,
    operation: first.operation,
    rounds: group.length,
    floorMs,
    oursMs,
    floorMedianMs: round1(floorMedianMs),
    oursMedianMs: round1(oursMedianMs),
    ratio: round3(oursMedianMs / floorMedianMs),
    pairedRatio: round3(median(group.map((sample) => sample.oursMs / sample.floorMs))),
    pairedExtraMs: round1(median(group.map((sample) => sample.oursMs - sample.floorMs))),
    floorCpuMedianMs: Math.round(median(group.map((sample) => sample.floorCpuMs))),
    oursCpuMedianMs: Math.round(median(group.map((sample) => sample.oursCpuMs))),
    floorProviderCpuMedianMs: Math.round(median(group.map((sample) => providerCpuMs(sample.floorProviders)))),
    oursProviderCpuMedianMs: Math.round(median(group.map((sample) => providerCpuMs(sample.oursProviders)))),
    requests: first.requests,
    inFlightPeak: median(group.map((sample) => sample.concurrency.peak)),
    inFlightMean: round1(median(group.map((sample) => sample.concurrency.mean))),
    requestsSameEveryRound: group.every((sample) => JSON.stringify(sample.requests) === JSON.stringify(first.requests)),
    providerProcesses: Math.max(...group.map((sample) => sample.oursProviders.length)),
    oursProviderPeakMb: round1(median(group.map((sample) => peakMb(sample.oursProviders)))),
    floorProviderPeakMb: round1(median(group.map((sample) => peakMb(sample.floorProviders)))),
  };
}

/**
 * The requests an operation on N owners should make, besides one token request per run. With the
 * root stack's `document`, each role is one resource: its reads are one list page each (all roles
 * have fewer users than a page holds), and creating or updating a role lists it first. Check looks
 * up each user a change adds, once: every user on the first `up`, the drifted owner's on `drift-up`.
 */
export function expectedRequests(operation: Operation, size: number, document?: DocumentSample): Pick<RequestCounts, "post" | "get" | "delete" | "users"> {
  if (document) {
    const pages = document.listPages;
    switch (operation) {
      case "up":
        return { post: size, get: pages, delete: 0, users: document.users };
      case "preview-refresh":
        return { post: 0, get: pages, delete: 0, users: 0 };
      case "drift-up":
        // Every role read, then the drifted role listed again by its update, which POSTs its owner back.
        return { post: 1, get: pages + 1, delete: 0, users: 1 };
      case "destroy":
        return { post: 0, get: 0, delete: size, users: 0 };
    }
  }
  switch (operation) {
    case "up":
      return { post: size, get: 0, delete: 0, users: size };
    case "preview-refresh":
      return { post: 0, get: size, delete: 0, users: 0 };
    case "drift-up":
      return { post: 1, get: size, delete: 0, users: 1 };
    case "destroy":
      return { post: 0, get: 0, delete: size, users: 0 };
  }
}

/** `N=100 0ms` and, with PULUMI_SKIP_CHECKPOINTS=true, ` skip-checkpoints`: the case a summary is of. */
function describeCase(summary: OperationSummary): string {
  return `N=${summary.size} ${summary.latencyMs}ms${summary.skipCheckpoints ? " skip-checkpoints" : ""}`;
}

/** Checks the summaries against the targets; `documents` are the root stack's (`--program root`). */
export function checkTargets(
  operations: OperationSummary[],
  states: StateSample[],
  environment: Environment,
  providerFrom: ProviderFrom,
  documents?: DocumentSample[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const documentOf = (size: number) => documents?.find((document) => document.size === size);
  for (const summary of operations) {
    const expected = expectedRequests(summary.operation, summary.size, documentOf(summary.size));
    const { post, get, delete: deletes, users, token, retries } = summary.requests;
    checks.push({
      target: `${describeCase(summary)} ${summary.operation}: ${expected.post} POST, ${expected.get} GET, ${expected.delete} DELETE, ${expected.users} user lookups, 1 token request, 0 retries`,
      measured: `${post} POST, ${get} GET, ${deletes} DELETE, ${users} user lookups, ${token} token, ${retries} retries${summary.requestsSameEveryRound ? "" : " (differed between rounds)"}`,
      met:
        post === expected.post &&
        get === expected.get &&
        deletes === expected.delete &&
        users === expected.users &&
        token === 1 &&
        retries === 0 &&
        summary.requestsSameEveryRound,
    });
  }
  const findAll = (size: number, latencyMs: number, operation: Operation) =>
    operations.filter((summary) => summary.size === size && summary.latencyMs === latencyMs && summary.operation === operation);
  for (const operation of ["up", "preview-refresh", "destroy"] as const) {
    for (const summary of findAll(100, 0, operation)) {
      checks.push({
        target: `${describeCase(summary)} ${operation} <= 1.15 x floor`,
        measured: `${summary.ratio} x (median of paired ratios ${summary.pairedRatio} x)`,
        met: summary.ratio <= 1.15,
      });
    }
  }
  if (documents) {
    // One resource per role instead of one per owner: the engine's share of the work shrinks.
    for (const operation of ["up", "preview-refresh"] as const) {
      for (const summary of findAll(2000, 0, operation)) {
        checks.push({
          target: `${describeCase(summary)} ${operation} over ${documentOf(2000)?.roles} roles <= 0.5 x floor (2000 single no-op resources)`,
          measured: `${summary.ratio} x (median of paired ratios ${summary.pairedRatio} x)`,
          met: summary.ratio <= 0.5,
        });
      }
    }
    for (const summary of operations.filter((entry) => entry.operation === "preview-refresh")) {
      const document = documentOf(summary.size);
      if (!document) continue;
      checks.push({
        target: `${describeCase(summary)} preview-refresh: at most one GET per role page (${document.roles} roles, ${document.listPages} pages)`,
        measured: `${summary.requests.get} GET`,
        met: summary.requests.get <= document.listPages,
      });
    }
  } else {
    for (const slow of findAll(100, 50, "up")) {
      const allowance = 1.3 * (100 / environment.defaultParallelism) * 50;
      const limit = slow.floorMedianMs + allowance;
      checks.push({
        target: `${describeCase(slow)} up <= floor + 1.3 x (100 / ${environment.defaultParallelism}) x 50 ms = ${Math.round(limit)} ms`,
        measured:
          `${Math.round(slow.oursMedianMs)} ms (floor ${Math.round(slow.floorMedianMs)} ms, extra ${Math.round(slow.oursMedianMs - slow.floorMedianMs)} ms ` +
          `of ${Math.round(allowance)} allowed; median of paired extras ${Math.round(slow.pairedExtraMs)} ms)`,
        met: slow.oursMedianMs <= limit,
      });
    }
  }
  const ours = states.find((state) => state.variant === "ours");
  if (ours) {
    checks.push({
      target:
        providerFrom === "package"
          ? "__provider <= 2048 bytes per resource (installed package)"
          : "__provider <= 2048 bytes per resource (repo sources; the target is for an installed package)",
      measured: `${ours.providerBytesPerResource} bytes`,
      met: ours.providerBytesPerResource <= 2048,
    });
  }
  return checks;
}

/** Summarizes the samples: one entry per size, latency, checkpoint mode and operation, in run order. */
export function buildReport(samples: BenchmarkSamples, environment: Environment, options: BenchmarkReport["options"]): BenchmarkReport {
  const groups = new Map<string, OperationSample[]>();
  for (const sample of samples.operations) {
    const key = `${sample.size}/${sample.latencyMs}/${sample.skipCheckpoints}/${sample.operation}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  const operations = [...groups.values()].map(summarize);
  return {
    environment,
    options,
    operations,
    states: samples.states,
    ...(samples.documents ? { documents: samples.documents } : {}),
    targets: checkTargets(operations, samples.states, environment, options.providerFrom, samples.documents),
  };
}

function formatRequests(requests: RequestCounts): string {
  const parts = [
    requests.post ? `${requests.post} POST` : "",
    requests.get ? `${requests.get} GET` : "",
    requests.delete ? `${requests.delete} DELETE` : "",
    requests.users ? `${requests.users} user lookups` : "",
    `${requests.token} token`,
    requests.retries ? `${requests.retries} retries` : "",
  ];
  return parts.filter((part) => part !== "").join(" + ");
}

/** A Markdown table with padded columns. */
function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** The report as Markdown: versions, one row per operation, state sizes and targets. */
export function formatReport(report: BenchmarkReport): string {
  const { environment: env } = report;
  const root = report.options.program === "root";
  const subject = root
    ? "ours: the root stack (stack/index.ts with declareOwnership, one ConnectorUserOwners per role, from the staged package in node_modules), N owners over about N/3 roles; " +
      "floor: N single no-op resources"
    : `ConnectorUserOwner from the ${report.options.providerFrom === "package" ? "packed package (npm pack, installed)" : "repo's sources"}`;
  const lines = [
    `node ${env.node}, pulumi CLI ${env.pulumiCli}, @pulumi/pulumi ${env.pulumiSdk}, ${env.cpus} CPUs (default parallelism ${env.defaultParallelism}), ${env.platform}, commit ${env.commit}; ` +
      `${subject}; ${report.options.rounds} rounds, medians`,
    "",
  ];
  if (report.documents && report.documents.length > 0) {
    const documentHeader = ["N", "roles (resources)", "exclusive roles", "connectors", "apps", "users", "list pages"];
    const documentRows = report.documents.map((document) =>
      [document.size, document.roles, document.exclusiveRoles, document.connectors, document.apps, document.users, document.listPages].map(String),
    );
    lines.push(formatTable(documentHeader, documentRows), "");
  }
  // The checkpoint mode gets a column when some runs skipped checkpoints.
  const showCheckpoints = report.options.skipCheckpoints.includes(true);
  const header = [
    "N",
    "latency",
    ...(showCheckpoints ? ["checkpoints"] : []),
    "operation",
    "floor ms",
    "ours ms",
    "ratio",
    "paired",
    "CPU ms floor / ours",
    "provider CPU ms floor / ours",
    "requests (ours)",
    "in flight peak / mean",
    "provider peak MiB floor / ours",
  ];
  const rows = report.operations.map((summary) => [
    String(summary.size),
    `${summary.latencyMs} ms`,
    ...(showCheckpoints ? [summary.skipCheckpoints ? "skipped" : "written"] : []),
    summary.operation,
    String(Math.round(summary.floorMedianMs)),
    String(Math.round(summary.oursMedianMs)),
    summary.ratio.toFixed(2),
    summary.pairedRatio.toFixed(2),
    `${summary.floorCpuMedianMs} / ${summary.oursCpuMedianMs}`,
    `${summary.floorProviderCpuMedianMs} / ${summary.oursProviderCpuMedianMs}`,
    formatRequests(summary.requests) + (summary.requestsSameEveryRound ? "" : " (varied)"),
    `${summary.inFlightPeak} / ${summary.inFlightMean}`,
    `${summary.floorProviderPeakMb.toFixed(0)} / ${summary.oursProviderPeakMb.toFixed(0)}`,
  ]);
  lines.push(formatTable(header, rows));
  lines.push("");
  const stateRows = report.states.map((state) => [
    String(state.size),
    state.variant,
    ...(root ? [String(state.resources)] : []),
    String(state.providerBytesPerResource),
    ...(root ? [String(Math.round(state.stateBytes / Math.max(1, state.resources)))] : []),
    String(Math.round(state.stateBytes / 1024)),
  ]);
  const stateHeader = root
    ? ["N", "stack", "resources", "__provider bytes per resource", "state bytes per resource", "state KiB"]
    : ["N", "stack", "__provider bytes per resource", "state KiB"];
  lines.push(formatTable(stateHeader, stateRows));
  lines.push("");
  for (const check of report.targets.filter((check) => !check.target.includes("token request"))) {
    lines.push(`${check.met ? "met   " : "MISSED"}  ${check.target}: ${check.measured}`);
  }
  const requestChecks = report.targets.filter((check) => check.target.includes("token request"));
  const missed = requestChecks.filter((check) => !check.met);
  lines.push(
    missed.length === 0
      ? `met     requests: ${root ? "one list page per role read, one POST per owner created, one DELETE per owner deleted" : "one per create, read and delete"}, ` +
          `one token request per run, no retries (${requestChecks.length} of ${requestChecks.length} operations)`
      : missed.map((check) => `MISSED  ${check.target}: ${check.measured}`).join("\n"),
  );
  return lines.join("\n");
}
