/**
 * A Vitest reporter that writes, for every test file of the run, its time (set-up, import, hooks
 * and tests: what the file costs a worker), its tests and the assertions they ran (see
 * count-assertions.ts), to test-results/file-times.json. `npm run test:times` prints it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/** One test file in the report. */
export interface FileTimes {
  /** The file, relative to the repository. */
  file: string;
  project: string;
  /** Milliseconds the file took in its worker: environment, import, set-up, hooks and tests. */
  ms: number;
  /** Of those, importing the file and its set-up files. */
  importMs: number;
  /** When it started and ended, in ms since the run started: shows which files ran side by side. */
  startMs: number;
  endMs: number;
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  assertions: number;
}

/** The whole report. */
export interface FileTimesReport {
  /** ISO time the run started. */
  startedAt: string;
  /** Wall milliseconds of the whole run, first file started to last file ended. */
  wallMs: number;
  files: FileTimes[];
}

const repo = path.resolve(__dirname, "../..");

/** Where the report goes. */
export const FILE_TIMES_PATH = path.join(repo, "test-results", "file-times.json");

export default class FileTimesReporter implements Reporter {
  private runStart = Date.now();
  private readonly started = new Map<string, number>();
  private readonly ended = new Map<string, number>();

  onTestRunStart(): void {
    this.runStart = Date.now();
    this.started.clear();
    this.ended.clear();
  }

  onTestModuleStart(testModule: TestModule): void {
    this.started.set(testModule.moduleId, Date.now());
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.ended.set(testModule.moduleId, Date.now());
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const now = Date.now();
    const files = testModules.map((testModule) => this.timesOf(testModule, now)).sort((a, b) => b.ms - a.ms);
    const report: FileTimesReport = {
      startedAt: new Date(this.runStart).toISOString(),
      wallMs: now - this.runStart,
      files,
    };
    mkdirSync(path.dirname(FILE_TIMES_PATH), { recursive: true });
    writeFileSync(FILE_TIMES_PATH, `${JSON.stringify(report, null, 2)}\n`);
  }

  private timesOf(testModule: TestModule, now: number): FileTimes {
    const diagnostic = testModule.diagnostic();
    const importMs = diagnostic.environmentSetupDuration + diagnostic.prepareDuration + diagnostic.collectDuration + diagnostic.setupDuration;
    const tests = [...testModule.children.allTests()];
    const states = tests.map((test) => test.result().state);
    // The collect phase runs before onTestModuleStart: count it into the start.
    const startMs = (this.started.get(testModule.moduleId) ?? now) - this.runStart - diagnostic.collectDuration;
    return {
      file: path.relative(repo, testModule.moduleId),
      project: testModule.project.name,
      ms: Math.round(importMs + diagnostic.duration),
      importMs: Math.round(importMs),
      startMs: Math.max(0, Math.round(startMs)),
      endMs: (this.ended.get(testModule.moduleId) ?? now) - this.runStart,
      tests: tests.length,
      passed: states.filter((state) => state === "passed").length,
      failed: states.filter((state) => state === "failed").length,
      skipped: states.filter((state) => state === "skipped").length,
      assertions: tests.reduce((sum, test) => sum + (test.meta().assertions ?? 0), 0),
    };
  }
}
