// Text from a server made safe to print: shared by the C1 errors and the outputs the CLI prints.

// Terminal escape sequences (CSI such as colours and cursor moves, OSC such as window titles and
// hyperlinks, short escapes such as a reset), then any other control character, then the
// bidirectional overrides that reorder what a reader sees. Matching them is the point.
// eslint-disable-next-line no-control-regex
const TERMINAL_ESCAPE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const BIDI_CONTROL = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes text safe to print in a terminal or a log: escape sequences and bidirectional overrides
 * are removed, other control characters (newlines too) become spaces, lone surrogates become
 * U+FFFD. Used for everything from C1 that a person may read: error messages, and the user details
 * recorded in outputs (the CLI prints them in diffs).
 */
export function toPrintableText(text: string): string {
  return text.replace(TERMINAL_ESCAPE, "").replace(CONTROL_CHARACTER, " ").replace(BIDI_CONTROL, "").replace(LONE_SURROGATE, "\ufffd");
}
