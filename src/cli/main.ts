#!/usr/bin/env node
/**
 * `c1-ownership`, the package's command-line tool (its `bin`): `export`, `drift`, `check` and
 * `emulator`, for an ownership repository. It runs from the installed package as compiled
 * JavaScript; `drift` drives the user's own `pulumi` CLI through the Automation API. Credentials
 * are read as the provider reads them and are never printed.
 */
import { CHECK_USAGE, parseCheckArgs, runCheck } from "./commands/check";
import { DRIFT_USAGE, parseDriftArgs, runDrift } from "./commands/drift";
import { EMULATOR_USAGE, parseEmulatorArgs, runEmulator } from "./commands/emulator";
import { EXPORT_USAGE, parseExportArgs, runExport } from "./commands/export";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes";
import { type CommandOutput, processOutput, UsageError } from "./options";

/** The text of `c1-ownership --help`. */
export const USAGE = `usage: c1-ownership <command> [options]

Connector ownership as code for ConductorOne, in an ownership repository (a Pulumi project whose
program calls declareOwnership() from pulumi-conductorone-owners/ownership).

Commands:
  export     write what C1 has now into a stack's ownership document (onboarding)
  drift      report the owners that differ between C1 and a stack, changing nothing
  check      check stacks' ownership documents offline, every problem with its path
  emulator   run a local C1 emulator with throwaway credentials, to try things offline

Run c1-ownership <command> --help for a command's options.
${EXIT_CODES_HELP}`;

/** One subcommand: its help, and how it runs (undefined from `parse` means --help was asked). */
interface Command<T> {
  usage: string;
  parse: (args: string[]) => T | undefined;
  run: (parsed: T, output: CommandOutput, env: NodeJS.ProcessEnv) => Promise<number>;
  /** What is printed after the reason when the command fails. */
  failure: string;
}

const command = <T>(spec: Command<T>) => spec as Command<unknown>;

const COMMANDS: Record<string, Command<unknown>> = {
  export: command({ usage: EXPORT_USAGE, parse: (args) => parseExportArgs(args), run: runExport, failure: "Nothing was written." }),
  drift: command({ usage: DRIFT_USAGE, parse: (args) => parseDriftArgs(args), run: runDrift, failure: "The drift check did not run; nothing was changed." }),
  check: command({ usage: CHECK_USAGE, parse: (args) => parseCheckArgs(args), run: (parsed, output) => runCheck(parsed, output), failure: "" }),
  emulator: command({
    usage: EMULATOR_USAGE,
    parse: (args) => {
      const parsed = parseEmulatorArgs(args);
      return parsed.help ? undefined : parsed;
    },
    run: (parsed, output) => runEmulator(parsed, output),
    failure: "The emulator did not start.",
  }),
};

/** The command line, without `node` and the script. Returns the exit status. */
export async function main(argv: string[], output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? output.err : output.out)(`${USAGE}\n`);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (spec === undefined) {
    output.err(
      `error: unknown command ${JSON.stringify(name)} (the commands are ${Object.keys(COMMANDS).join(", ")})\nrun c1-ownership --help for the commands\n`,
    );
    return EXIT.USAGE;
  }
  try {
    const parsed = spec.parse(rest);
    if (parsed === undefined) {
      output.out(`${spec.usage}\n`);
      return EXIT.OK;
    }
    return await spec.run(parsed, output, env);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`error: ${error.message}\nrun c1-ownership ${name} --help for the options\n`);
      return EXIT.USAGE;
    }
    // Every error that reaches here is built from safe fields (C1 errors carry method, path and
    // status; drift reasons are redacted): never a credential, and no stack trace.
    const reason = error instanceof Error ? error.message : String(error);
    output.err(`error: ${reason}\n${spec.failure ? `${spec.failure}\n` : ""}`);
    return EXIT.FAILED;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), processOutput()).then((code) => {
    process.exitCode = code;
  });
}
