/**
 * `npm run ownership -- export ...`: writes what C1 has into the root stack's ownership document.
 * `npm run ownership -- drift ...`: reports, without changing anything, the owners that differ
 * between C1 and a stack (see drift.ts). Run with --help for the interface. Credentials are read
 * as the provider reads them and are never printed.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { C1Client } from "../../provider/c1/client";
import { resolveSettings, type ConfigSource, type Settings } from "../../provider/c1/settings";
import { findKeyProblem } from "../../provider/model/validation";
import { checkDrift, EXIT_CHECK_FAILED, EXIT_DRIFT, EXIT_NO_DRIFT, formatDriftMarkdown, formatDriftTable, type DriftRow } from "./drift";
import { exportOwnership, type ExportTarget } from "./export";
import { formatOwnershipDocument, ownershipConfigKey, pulumiSecretReader, readStackSettingsConfig, stackFilePath, writeOwnershipDocument } from "./stack-file";

/** The text of `--help`. */
export const USAGE = `usage: npm run ownership -- export --connector APP/CONN [--connector APP/CONN ...] [options]

Reads the current user owners of each connector from C1 (the list endpoint, every page) and writes
them as the ownership document (config c1-ownership:owners) of a stack of the root project.

  --connector APP/CONN  a connector to export, as app id / connector id; repeat for more
                        (ids cannot contain '/', so the first '/' splits them)
  --role SLUG           export only this role of every connector; repeat for more. A role asked
                        for by name is written even when C1 has no owner in it (as []).
                        Default: every role C1 has an owner in.
  --exclusive           write each role as {users: [...], exclusive: true}: the document is then
                        the whole truth for it. Default: the short form, a list of user ids
                        (the stack manages those users and leaves other owners alone).
  --stack NAME          write into Pulumi.NAME.yaml (other config and comments stay) and read
                        conductorone:* settings from it (secrets through pulumi config get)
  --print               print the document instead of writing it (the default without --stack)
  --force               replace an ownership document the stack file already has
  --cwd DIR             the project directory holding Pulumi.yaml. Default: the current directory
  -h, --help            this text

C1 settings and credentials: stack config conductorone:* (with --stack), else the CONDUCTORONE_*
environment variables, exactly as the provider reads them (see README "Configure").
Nothing is written when any listing fails. Exit status: 0 done, 1 failed, 2 bad usage.

Example:
  npm run ownership -- export --connector app-payroll/conn-okta --connector app-github/conn-github --stack prod
  npm run pulumi -- up --stack prod      # adopts every owner; nothing changes in C1`;

/** The text of `drift --help`. */
export const DRIFT_USAGE = `usage: npm run ownership -- drift --stack NAME [--markdown] [--cwd DIR]

Refreshes the stack in preview mode (nothing is changed in C1 or in the stack's state) and prints
each owner that differs, as a table: app, connector, role, user, email (when C1 reported it), and
the change: "removed in C1" (the stack has the owner, C1 no longer does), or "added outside the
code" (an exclusive role has an owner in C1 the stack does not; only exclusive roles report these).

  --stack NAME  the stack of the root project to check
  --markdown    print a GitHub Markdown heading and table instead (for $GITHUB_STEP_SUMMARY)
  --cwd DIR     the project directory holding Pulumi.yaml. Default: the current directory
  -h, --help    this text

The provider reads the C1 settings and credentials as in up (stack config conductorone:*, else
the CONDUCTORONE_* environment variables); the Pulumi backend is the one the CLI is logged in to.
Exit status: ${EXIT_NO_DRIFT} C1 matches the stack, ${EXIT_DRIFT} drift found (the table says what), ${EXIT_CHECK_FAILED} the check could not
run (authentication, network, backend; the reason is printed), 2 bad usage.

Example:
  npm run ownership -- drift --stack prod --markdown >> "$GITHUB_STEP_SUMMARY"`;

/** Bad command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The parsed `export` command. */
export interface ExportCommand {
  targets: ExportTarget[];
  exclusive: boolean;
  stack?: string;
  print: boolean;
  force: boolean;
  cwd: string;
}

function parseConnector(value: string): { appId: string; connectorId: string } {
  const slash = value.indexOf("/");
  if (slash < 0) throw new UsageError(`--connector ${JSON.stringify(value)} must be APP/CONN, e.g. app-payroll/conn-okta`);
  const appId = value.slice(0, slash);
  const connectorId = value.slice(slash + 1);
  for (const [name, id] of [
    ["app id", appId],
    ["connector id", connectorId],
  ] as const) {
    const problem = findKeyProblem(id);
    if (problem) throw new UsageError(`--connector ${JSON.stringify(value)}: the ${name} ${problem}`);
  }
  return { appId, connectorId };
}

/**
 * Parses `export ...` arguments (without the leading `export`).
 * @returns undefined when --help was asked for.
 * @throws UsageError naming the bad option.
 */
export function parseExportArgs(args: string[], cwd = process.cwd()): ExportCommand | undefined {
  const values = parseOptions(args, {
    connector: { type: "string", multiple: true },
    role: { type: "string", multiple: true },
    exclusive: { type: "boolean" },
    stack: { type: "string" },
    print: { type: "boolean" },
    force: { type: "boolean" },
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return undefined;
  const connectors = (values.connector ?? []).map(parseConnector);
  if (connectors.length === 0) throw new UsageError("give at least one --connector APP/CONN");
  const roleSlugs = [...new Set(values.role ?? [])];
  for (const roleSlug of roleSlugs) {
    const problem = findKeyProblem(roleSlug);
    if (problem) throw new UsageError(`--role ${JSON.stringify(roleSlug)}: the role slug ${problem}`);
  }
  if (values.stack !== undefined && values.stack.trim() === "") throw new UsageError("--stack needs a stack name");
  if (values.force && (values.stack === undefined || values.print)) throw new UsageError("--force only applies when writing with --stack");
  const unique = new Map(connectors.map((connector) => [`${connector.appId}/${connector.connectorId}`, connector]));
  return {
    targets: [...unique.values()].map((connector) => ({ ...connector, roleSlugs })),
    exclusive: values.exclusive ?? false,
    stack: values.stack,
    print: values.print ?? values.stack === undefined,
    force: values.force ?? false,
    cwd: values.cwd ?? cwd,
  };
}

/** A subcommand's options, strictly (no positionals, no unknown flags); a bad one is a UsageError. */
function parseOptions<const O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The parsed `drift` command. */
export interface DriftCommand {
  stack: string;
  markdown: boolean;
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
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return undefined;
  if (values.stack === undefined || values.stack.trim() === "") throw new UsageError("give the stack to check with --stack NAME");
  return { stack: values.stack, markdown: values.markdown ?? false, cwd: values.cwd ?? cwd };
}

/** What {@link runDrift} checks with; tests replace it. */
export interface DriftDependencies {
  checkDrift: (request: { stackName: string; cwd: string; env: NodeJS.ProcessEnv }) => Promise<DriftRow[]>;
}

/**
 * Runs a parsed drift check and prints the report on stdout.
 * @returns EXIT_NO_DRIFT or EXIT_DRIFT; a check that cannot run throws (DriftCheckError).
 */
export async function runDrift(
  command: DriftCommand,
  output: ExportOutput,
  env: NodeJS.ProcessEnv = process.env,
  dependencies: DriftDependencies = { checkDrift },
): Promise<number> {
  const rows = await dependencies.checkDrift({ stackName: command.stack, cwd: command.cwd, env });
  output.out(command.markdown ? formatDriftMarkdown(rows, command.stack) : formatDriftTable(rows, command.stack));
  return rows.length === 0 ? EXIT_NO_DRIFT : EXIT_DRIFT;
}

/** Where the export prints: stdout for the document, stderr for everything else. */
export interface ExportOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** What {@link runExport} builds its C1 client with; tests wrap it. */
export interface ExportDependencies {
  createClient: (settings: Settings) => C1Client;
}

/**
 * Runs a parsed export: resolves the C1 settings, reads every connector, then prints or writes
 * the document. Nothing is written unless every listing succeeded.
 */
export async function runExport(
  command: ExportCommand,
  output: ExportOutput,
  env: NodeJS.ProcessEnv = process.env,
  dependencies: ExportDependencies = { createClient: (settings) => C1Client.fromSettings(settings) },
): Promise<void> {
  const file = command.stack === undefined ? undefined : stackFilePath(command.cwd, command.stack);
  let config: ConfigSource | undefined;
  if (file !== undefined) config = await readStackSettingsConfig(file, pulumiSecretReader(command.stack!, command.cwd, env));
  const client = dependencies.createClient(resolveSettings(config, env));
  const result = await exportOwnership(client, { targets: command.targets, exclusive: command.exclusive });
  for (const warning of result.warnings) output.err(`warning: ${warning}\n`);
  const key = await ownershipConfigKey(command.cwd);
  const summary = `${result.ownerCount} owner(s) of ${command.targets.length} connector(s)`;
  if (command.print || file === undefined) {
    output.out(formatOwnershipDocument(result.document, key));
    output.err(`exported ${summary}\n`);
    return;
  }
  await writeOwnershipDocument(file, result.document, { key, force: command.force });
  output.err(`wrote ${summary} to ${key} in ${file}\n`);
}

/** The command line: `export ...`, `drift ...` or `--help`. Returns the exit status. */
export async function main(argv: string[], output: ExportOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? output.err : output.out)(`${USAGE}\n\n${DRIFT_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === "drift") {
    try {
      const parsed = parseDriftArgs(rest);
      if (parsed === undefined) {
        output.out(`${DRIFT_USAGE}\n`);
        return 0;
      }
      return await runDrift(parsed, output, env);
    } catch (error) {
      if (error instanceof UsageError) {
        output.err(`error: ${error.message}\nrun with --help for the options\n`);
        return 2;
      }
      // DriftCheckError messages are one line and redacted; nothing was changed.
      output.err(`error: ${error instanceof Error ? error.message : String(error)}\nThe drift check did not run; nothing was changed.\n`);
      return EXIT_CHECK_FAILED;
    }
  }
  try {
    if (command !== "export") throw new UsageError(`unknown command ${JSON.stringify(command)} (the commands are export and drift)`);
    const parsed = parseExportArgs(rest);
    if (parsed === undefined) {
      output.out(`${USAGE}\n`);
      return 0;
    }
    await runExport(parsed, output, env);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`error: ${error.message}\nrun with --help for the options\n`);
      return 2;
    }
    // Every error here is built from safe fields (C1 errors carry method, path and status only).
    output.err(`error: ${error instanceof Error ? error.message : String(error)}\nNothing was written.\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then((code) => {
    process.exitCode = code;
  });
}
