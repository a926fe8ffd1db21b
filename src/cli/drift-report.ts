/** The drift report as people and machines read it: a table, GitHub Markdown, or JSON. */
import type { DriftRow } from "../ownership/drift";

/** The one line printed when nothing differs. */
export function formatNoDrift(stackName: string): string {
  return `C1 matches the stack ${stackName}: no owner was removed in C1 or added outside the code.`;
}

const HEADERS = ["app", "connector", "role", "user", "email", "change"] as const;

function cellsOf(row: DriftRow): string[] {
  return [row.appId, row.connectorId, row.roleSlug, row.userId, row.email ?? "-", row.change];
}

/** The report as a plain-text table with a header row, columns padded, one owner a line. */
export function formatDriftTable(rows: readonly DriftRow[], stackName: string): string {
  if (rows.length === 0) return `${formatNoDrift(stackName)}\n`;
  const lines = [HEADERS.map((header) => header.toUpperCase()), ...rows.map(cellsOf)];
  const widths = HEADERS.map((_, column) => Math.max(...lines.map((cells) => cells[column].length)));
  const text = lines.map((cells) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  "));
  return `${text.join("\n")}\n\n${rows.length} owner(s) of stack ${stackName} differ from C1.\n`;
}

// A cell must not end the table row or start formatting: escape the pipe, the backslash and code ticks.
function escapeMarkdown(cell: string): string {
  return cell.replace(/[\\|`*_[\]<>]/g, (char) => `\\${char}`).replace(/\r?\n/g, " ");
}

/** The report as GitHub Markdown: a heading and a table (for `$GITHUB_STEP_SUMMARY`). */
export function formatDriftMarkdown(rows: readonly DriftRow[], stackName: string): string {
  const heading = `### Connector ownership drift: stack ${escapeMarkdown(stackName)}`;
  if (rows.length === 0) return `${heading}\n\n${escapeMarkdown(formatNoDrift(stackName))}\n`;
  const header = `| ${HEADERS.map((name) => name[0].toUpperCase() + name.slice(1)).join(" | ")} |`;
  const rule = `|${HEADERS.map(() => " --- ").join("|")}|`;
  const body = rows.map((row) => `| ${cellsOf(row).map(escapeMarkdown).join(" | ")} |`);
  return `${heading}\n\n${rows.length} owner(s) differ from C1.\n\n${[header, rule, ...body].join("\n")}\n`;
}

/** The report as JSON: the stack and every differing owner. */
export function formatDriftJson(rows: readonly DriftRow[], stackName: string): string {
  return `${JSON.stringify({ stack: stackName, driftCount: rows.length, drift: rows }, null, 2)}\n`;
}
