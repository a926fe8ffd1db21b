/**
 * `c1-ownership export`: reads the current user owners of connectors from C1 and writes them as a
 * stack's ownership document, so `pulumi up` adopts them without a write to C1.
 */
import { C1Client } from "../../provider/c1/client";
import { resolveSettings, type ConfigSource, type Settings } from "../../provider/c1/settings";
import { findKeyProblem } from "../../provider/model/validation";
import { exportOwnership, type ExportTarget } from "../../ownership/export";
import { EXIT, EXIT_CODES_HELP } from "../exit-codes";
import { type CommandOutput, parseOptions, UsageError } from "../options";
import { progressOn } from "../progress";
import { formatOwnershipDocument, ownershipConfigKey, pulumiSecretReader, readStackSettingsConfig, stackFilePath, writeOwnershipDocument } from "../stack-file";

/** The text of `export --help`. */
export const EXPORT_USAGE = `usage: c1-ownership export --connector APP/CONN [--connector APP/CONN ...] [options]

Reads the current user owners of each connector from C1 (the list endpoint, every page) and writes
them as the ownership document (config <project>:owners) of a stack, so that the next pulumi up
adopts them: no owner is created or deleted in C1.

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
  --json                with --print: print {document, ownerCount, connectorCount, warnings} as JSON
  --force               replace an ownership document the stack file already has
  --cwd DIR             the project directory holding Pulumi.yaml. Default: the current directory
  -h, --help            this text

C1 settings and credentials: stack config conductorone:* (with --stack), else the CONDUCTORONE_*
environment variables, exactly as the provider reads them (docs/configure.md). Nothing is written
when any listing fails. On a terminal, progress is shown on stderr, connector by connector.
${EXIT_CODES_HELP}

Example:
  c1-ownership export --connector app-payroll/conn-okta --connector app-github/conn-github --stack prod
  pulumi up --stack prod      # adopts every owner; nothing changes in C1`;

/** The parsed `export` command. */
export interface ExportCommand {
  targets: ExportTarget[];
  exclusive: boolean;
  stack?: string;
  print: boolean;
  json: boolean;
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
    json: { type: "boolean" },
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
  const print = values.print ?? values.stack === undefined;
  if (values.force && (values.stack === undefined || values.print)) throw new UsageError("--force only applies when writing with --stack");
  if (values.json && !print) throw new UsageError("--json prints the document: use it with --print (or without --stack)");
  const unique = new Map(connectors.map((connector) => [`${connector.appId}/${connector.connectorId}`, connector]));
  return {
    targets: [...unique.values()].map((connector) => ({ ...connector, roleSlugs })),
    exclusive: values.exclusive ?? false,
    stack: values.stack,
    print,
    json: values.json ?? false,
    force: values.force ?? false,
    cwd: values.cwd ?? cwd,
  };
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
  output: CommandOutput,
  env: NodeJS.ProcessEnv = process.env,
  dependencies: ExportDependencies = { createClient: (settings) => C1Client.fromSettings(settings) },
): Promise<number> {
  const file = command.stack === undefined ? undefined : stackFilePath(command.cwd, command.stack);
  let config: ConfigSource | undefined;
  if (file !== undefined) config = await readStackSettingsConfig(file, pulumiSecretReader(command.stack!, command.cwd, env));
  const client = dependencies.createClient(resolveSettings(config, env));
  const progress = progressOn(output);
  const result = await exportOwnership(client, { targets: command.targets, exclusive: command.exclusive }, ({ target, done, total, ownerCount }) =>
    progress.update(`reading ${target.appId}/${target.connectorId} (connector ${done + 1} of ${total}, ${ownerCount} owner(s) so far)`),
  ).finally(() => progress.done());
  for (const warning of result.warnings) output.err(`warning: ${warning}\n`);
  const summary = `${result.ownerCount} owner(s) of ${command.targets.length} connector(s)`;
  if (command.json) {
    const { document, ownerCount, warnings, emails } = result;
    output.out(`${JSON.stringify({ document, ownerCount, connectorCount: command.targets.length, warnings, emails }, null, 2)}\n`);
    return EXIT.OK;
  }
  const key = await ownershipConfigKey(command.cwd);
  if (command.print || file === undefined) {
    output.out(formatOwnershipDocument(result.document, key, result.emails));
    output.err(`exported ${summary}\n`);
    return EXIT.OK;
  }
  await writeOwnershipDocument(file, result.document, { key, force: command.force, emails: result.emails });
  output.err(`wrote ${summary} to ${key} in ${file}\n`);
  return EXIT.OK;
}
