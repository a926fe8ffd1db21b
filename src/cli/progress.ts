/**
 * Progress of long work on stderr, for a person at a terminal: one line rewritten in place. When
 * stderr is not a terminal (CI logs, a pipe) it prints nothing, so output stays machine-readable.
 */
import type { CommandOutput } from "./options";

/** Reports a step of long work; `done` ends the line. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

/** A {@link Progress} on `output.err` when it is a terminal, else one that prints nothing. */
export function progressOn(output: CommandOutput): Progress {
  if (!output.errIsTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update(text) {
      // \r and erase-line: the next update replaces this one.
      output.err(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) output.err("\r\x1b[2K");
      shown = false;
    },
  };
}
