/**
 * `c1-ownership drift`: refreshes a stack in preview mode and reports each owner that differs
 * between C1 and the stack, for the person on call and for a scheduled workflow.
 */
import type { DriftCheckRequest, DriftRow } from "../../ownership/drift";
import { formatDriftJson, formatDriftMarkdown, formatDriftTable } from "../drift-report";
import { EXIT, EXIT_CODES_HELP } from "../exit-codes";
import { type CommandOutput, parseOptions, stackOption, UsageError } from "../options";
import { progressOn } from "../progress";

/** The text of `drift --help`. */
export const DRIFT_USAGE = `usage: c1-ownership drift --stack NAME [--markdown | --json] [--cwd DIR]

Refreshes the stack in preview mode (nothing is changed in C1 or in the stack's state) and prints
each owner that differs, as a table: app, connector, role, user, email (when C1 reported it), and
the change: "removed in C1" (the stack has the owner, C1 no longer does), or "added outside the
code" (an exclusive role has an owner in C1 the stack does not; only exclusive roles report these).

  --stack NAME  the stack to check
  --markdown    print a GitHub Markdown heading and table instead (for $GITHUB_STEP_SUMMARY)
  --json        print {stack, driftCount, drift: [rows]} as JSON instead
  --cwd DIR     the project directory holding Pulumi.yaml. Default: the current directory
  -h, --help    this text

It runs your pulumi CLI (on PATH) through the Automation API, with the backend it is logged in to;
the provider reads the C1 settings and credentials as in up (stack config conductorone:*, else the
CONDUCTORONE_* environment variables). On a terminal, progress is shown on stderr.
${EXIT_CODES_HELP}

Example:
  c1-ownership drift --stack prod --markdown >> "$GITHUB_STEP_SUMMARY"`;

/** The parsed `drift` command. */
export interface DriftCommand {
  stack: string;
  format: "table" | "markdown" | "json";
  cwd: string;
}

/**
 * Parses `drift ...` arguments (without the leading `drift`).
 * @returns undefined when --help was asked for.
 * @throws UsageError naming the bad option.
 */
export function parseDriftArgs(args: string[], cwd = process.cwd()): DriftCommand | undefined {
  const values = parseOptions(args, {
    stack: { type: "string" },
    markdown: { type: "boolean" },
    json: { type: "boolean" },
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return undefined;
  const stack = stackOption(values.stack, "give the stack to check with --stack NAME");
  if (values.markdown && values.json) throw new UsageError("--markdown and --json are two formats of the report: give one");
  return { stack, format: values.json ? "json" : values.markdown ? "markdown" : "table", cwd: values.cwd ?? cwd };
}

/** What {@link runDrift} checks with; tests replace it. */
export interface DriftDependencies {
  checkDrift: (request: DriftCheckRequest) => Promise<DriftRow[]>;
}

// The Automation API is loaded only when a drift check runs: every other command starts faster.
const loadCheckDrift: DriftDependencies["checkDrift"] = async (request) => (await import("../../ownership/drift")).checkDrift(request);

const FORMATS = { table: formatDriftTable, markdown: formatDriftMarkdown, json: formatDriftJson } as const;

/**
 * Runs a parsed drift check and prints the report on stdout.
 * @returns EXIT.OK or EXIT.DRIFT; a check that cannot run throws (DriftCheckError).
 */
export async function runDrift(
  command: DriftCommand,
  output: CommandOutput,
  env: NodeJS.ProcessEnv = process.env,
  dependencies: DriftDependencies = { checkDrift: loadCheckDrift },
): Promise<number> {
  const progress = progressOn(output);
  progress.update(`refreshing stack ${command.stack} in preview mode...`);
  const rows = await dependencies
    .checkDrift({
      stackName: command.stack,
      cwd: command.cwd,
      env,
      onProgress: (read, total) => progress.update(`refreshing stack ${command.stack}: ${read} of ${total} role(s) read from C1`),
    })
    .finally(() => progress.done());
  output.out(FORMATS[command.format](rows, command.stack));
  return rows.length === 0 ? EXIT.OK : EXIT.DRIFT;
}
