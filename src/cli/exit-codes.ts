/**
 * The exit statuses of `c1-ownership`, the same for every subcommand. They are part of the CLI's
 * interface (workflows branch on them): never renumber one.
 */
export const EXIT = {
  /** Done: exported, no drift, the document is valid, the emulator stopped. */
  OK: 0,
  /** The command could not run: authentication, network, the Pulumi backend, a file. The reason is printed. */
  FAILED: 1,
  /** Bad command line: the error names the option. */
  USAGE: 2,
  /** `drift`: C1 differs from the stack (the report says how). */
  DRIFT: 3,
  /** `check`: the ownership document has problems (each printed with its path). */
  INVALID_DOCUMENT: 4,
} as const;

/** One of the {@link EXIT} statuses. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table `--help` prints. */
export const EXIT_CODES_HELP = `Exit status: ${EXIT.OK} done, ${EXIT.FAILED} could not run (the reason is printed), ${EXIT.USAGE} bad usage, ${EXIT.DRIFT} drift found (drift), ${EXIT.INVALID_DOCUMENT} the document has problems (check).`;
