/**
 * Prints where the test command's time went, from the report the last `npm test` wrote
 * (test-results/file-times.json, see test/support/file-times-reporter.ts): every test file with its
 * time, tests and assertions, slowest first, and the totals.
 *
 *   npm run test:times                          the last run, as a table
 *   npm run test:times -- --markdown            the same as a Markdown table (docs/contributing.md)
 *   npm run test:times -- --against OLD.json    side by side with an earlier report
 *   npm run test:times -- --top 15              only the 15 slowest files
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { FILE_TIMES_PATH, type FileTimes, type FileTimesReport } from "../test/support/file-times-reporter";

function readReport(file: string): FileTimesReport {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as FileTimesReport;
  } catch (error) {
    throw new Error(`could not read the test times report ${file} (run \`npm test\` first): ${(error as Error).message}`, { cause: error });
  }
}

const seconds = (ms: number | undefined) => (ms === undefined ? "" : (ms / 1000).toFixed(1));

interface Row {
  file: string;
  project: string;
  now?: FileTimes;
  before?: FileTimes;
}

/** One row per file of either report, slowest (now, else before) first. */
function rowsOf(report: FileTimesReport, against?: FileTimesReport): Row[] {
  const rows = new Map<string, Row>();
  for (const entry of against?.files ?? []) rows.set(entry.file, { file: entry.file, project: entry.project, before: entry });
  for (const entry of report.files) rows.set(entry.file, { ...rows.get(entry.file), file: entry.file, project: entry.project, now: entry });
  const msOf = (row: Row) => row.now?.ms ?? row.before?.ms ?? 0;
  return [...rows.values()].sort((a, b) => msOf(b) - msOf(a));
}

function totals(files: FileTimes[]) {
  return {
    ms: files.reduce((sum, entry) => sum + entry.ms, 0),
    tests: files.reduce((sum, entry) => sum + entry.tests, 0),
    assertions: files.reduce((sum, entry) => sum + entry.assertions, 0),
    failed: files.reduce((sum, entry) => sum + entry.failed, 0),
  };
}

/** One line of a report's totals. */
function summaryOf(report: FileTimesReport): string {
  const sum = totals(report.files);
  return (
    `${report.files.length} files, ${sum.tests} tests (${sum.failed} failed), ${sum.assertions} assertions; ` +
    `files' time added up ${seconds(sum.ms)} s, run wall ${seconds(report.wallMs)} s (started ${report.startedAt})`
  );
}

function render(header: string[], body: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map((_, index) => (index === 0 ? "---" : "---:"))), ...body.map(line)].join("\n");
  }
  const widths = header.map((cell, index) => Math.max(cell.length, ...body.map((row) => row[index].length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      report: { type: "string", default: FILE_TIMES_PATH },
      against: { type: "string" },
      markdown: { type: "boolean", default: false },
      top: { type: "string" },
    },
    strict: true,
  });
  const report = readReport(path.resolve(values.report));
  const against = values.against ? readReport(path.resolve(values.against)) : undefined;
  const top = values.top === undefined ? Infinity : Number(values.top);
  if (!(top > 0)) throw new Error(`--top wants a positive number, not ${values.top}`);

  const rows = rowsOf(report, against).slice(0, top);
  const header = against
    ? ["file", "project", "s before", "s now", "tests before", "tests now", "assertions before", "assertions now"]
    : ["file", "project", "s", "tests", "assertions"];
  const body = rows.map((row) =>
    against
      ? [
          row.file,
          row.project,
          seconds(row.before?.ms),
          seconds(row.now?.ms),
          String(row.before?.tests ?? ""),
          String(row.now?.tests ?? ""),
          String(row.before?.assertions ?? ""),
          String(row.now?.assertions ?? ""),
        ]
      : [row.file, row.project, seconds(row.now?.ms), String(row.now?.tests), String(row.now?.assertions)],
  );
  console.log(render(header, body, values.markdown));

  console.log(`\n${summaryOf(report)}`);
  if (against) console.log(`before: ${summaryOf(against)}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`test-times: ${(error as Error).message}`);
  process.exit(2);
}
