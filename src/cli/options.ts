/** What every subcommand shares: where it prints, and how its options are parsed. */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** Where a command prints: stdout for results, stderr for progress, warnings and errors. */
export interface CommandOutput {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: only then is progress shown. */
  errIsTTY?: boolean;
}

/** The process's own stdout and stderr. */
export function processOutput(): CommandOutput {
  return { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), errIsTTY: process.stderr.isTTY === true };
}

/** Bad command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A subcommand's options, strictly (no positionals, no unknown flags); a bad one is a UsageError. */
export function parseOptions<const O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--stack NAME`, trimmed of nothing but refused when blank. */
export function stackOption(value: string | undefined, required: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(required);
  return value;
}
