/**
 * `c1-ownership check`: checks stacks' ownership documents offline, with the same checks and the
 * same messages as the program, and prints every problem with its path. No C1, no Pulumi backend.
 */
import { checkOwnershipDocument, formatProblem, OWNERSHIP_DOCUMENT_KEY, type DocumentProblem } from "../../ownership/document";
import { EXIT, EXIT_CODES_HELP } from "../exit-codes";
import { type CommandOutput, parseOptions, UsageError } from "../options";
import { listStackFiles, ownershipConfigKey, readStackDocument, stackFilePath } from "../stack-file";

/** The text of `check --help`. */
export const CHECK_USAGE = `usage: c1-ownership check [--stack NAME ...] [--json] [--cwd DIR]

Checks the ownership document (config <project>:owners) of each stack file, offline, as pulumi
preview and up will check it, and prints every problem with its path in the document, e.g.
owners.app-payroll.conn-okta.owner[2]: userId must not contain '/' (...). The same path works
with pulumi config set --path.

  --stack NAME  check Pulumi.NAME.yaml; repeat for more. Default: every Pulumi.<stack>.yaml here
  --json        print {ok, stacks: [{stack, file, ok, roleCount, ownerCount, problems}]} as JSON
  --cwd DIR     the project directory holding Pulumi.yaml. Default: the current directory
  -h, --help    this text

${EXIT_CODES_HELP}

Example:
  c1-ownership check --stack prod`;

/** The parsed `check` command. */
export interface CheckCommand {
  /** Empty: every stack file of the directory. */
  stacks: string[];
  json: boolean;
  cwd: string;
}

/**
 * Parses `check ...` arguments (without the leading `check`).
 * @returns undefined when --help was asked for.
 */
export function parseCheckArgs(args: string[], cwd = process.cwd()): CheckCommand | undefined {
  const values = parseOptions(args, {
    stack: { type: "string", multiple: true },
    json: { type: "boolean" },
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return undefined;
  const stacks = [...new Set(values.stack ?? [])];
  if (stacks.some((stack) => stack.trim() === "")) throw new UsageError("--stack needs a stack name");
  return { stacks, json: values.json ?? false, cwd: values.cwd ?? cwd };
}

/** One stack's result. */
export interface StackCheck {
  stack: string;
  file: string;
  ok: boolean;
  roleCount: number;
  ownerCount: number;
  problems: DocumentProblem[];
}

/** Checks each stack's document; prints the problems (or the counts) and returns the exit status. */
export async function runCheck(command: CheckCommand, output: CommandOutput): Promise<number> {
  const files =
    command.stacks.length > 0 ? new Map(command.stacks.map((stack) => [stack, stackFilePath(command.cwd, stack)])) : await listStackFiles(command.cwd);
  if (files.size === 0) throw new UsageError(`no stack file (Pulumi.<stack>.yaml) in ${command.cwd}: give --stack NAME or --cwd DIR`);
  const key = await ownershipConfigKey(command.cwd);
  const results: StackCheck[] = [];
  for (const [stack, file] of files) {
    const document = await readStackDocument(file, key);
    const check = checkOwnershipDocument(document, OWNERSHIP_DOCUMENT_KEY);
    results.push(
      check.ok
        ? { stack, file, ok: true, roleCount: check.roles.length, ownerCount: check.roles.reduce((sum, role) => sum + role.userIds.length, 0), problems: [] }
        : { stack, file, ok: false, roleCount: 0, ownerCount: 0, problems: check.problems },
    );
  }
  const ok = results.every((result) => result.ok);
  if (command.json) {
    output.out(`${JSON.stringify({ ok, stacks: results }, null, 2)}\n`);
  } else {
    for (const result of results) {
      if (result.ok) {
        output.out(`${result.file}: ${key} is valid: ${result.ownerCount} owner(s) in ${result.roleCount} role(s)\n`);
      } else {
        output.out(`${result.file}: ${key} has ${result.problems.length} problem(s):\n${result.problems.map((p) => `  ${formatProblem(p)}\n`).join("")}`);
      }
    }
  }
  return ok ? EXIT.OK : EXIT.INVALID_DOCUMENT;
}
