/**
 * The benchmark's quick form (`npm run bench` without flags: N=10, latency 0 and 50 ms) runs here
 * so it cannot rot, with 2 rounds instead of 3: two are enough to check that every round sends the
 * same requests, and the third cost about 27 s of engine runs. It asserts what must hold on any
 * machine: every operation measured, the exact requests each operation should send C1, and finite
 * ratios. Timings are printed, never asserted: they depend on the machine and its load.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../bench/benchmark";
import type { BenchmarkReport, OperationSummary } from "../../bench/report";
import { main, QUICK_FORM } from "../../bench/run";

/** The quick form's sizes and latencies, in fewer rounds (see above). */
const ROUNDS = 2;

let workDir: string;
let jsonPath: string;
let report: BenchmarkReport;
let written: BenchmarkReport;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "c1-bench-test-"));
  jsonPath = path.join(workDir, "bench.json");
  report = await main(["--json", jsonPath, "--rounds", String(ROUNDS)]);
  written = JSON.parse(await readFile(jsonPath, "utf8")) as BenchmarkReport;
}, 900_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const find = (latencyMs: number, operation: string): OperationSummary => {
  const summary = written.operations.find((entry) => entry.size === 10 && entry.latencyMs === latencyMs && entry.operation === operation);
  if (!summary) throw new Error(`no summary for N=10 ${latencyMs} ms ${operation}`);
  return summary;
};

describe("npm run bench, quick form", () => {
  it("writes the JSON report it returns, with the versions it ran on", () => {
    expect(written.operations).toEqual(report.operations);
    expect(written.options).toMatchObject({ sizes: [...QUICK_FORM.sizes], latencies: [...QUICK_FORM.latencies], rounds: ROUNDS });
    expect(written.environment.node).toMatch(/^v\d+\./);
    expect(written.environment.pulumiCli).toMatch(/^v3\./);
    expect(written.environment.pulumiSdk).toMatch(/^3\./);
    expect(written.environment.defaultParallelism).toBeGreaterThan(0);
  });

  it("measures every operation at every latency, each in every round on both stacks", () => {
    const measured = written.operations.map((entry) => `${entry.latencyMs} ${entry.operation}`).sort();
    const expected = QUICK_FORM.latencies.flatMap((latency) => OPERATIONS.map((operation) => `${latency} ${operation}`)).sort();
    expect(measured).toEqual(expected);
    for (const entry of written.operations) {
      expect(entry.floorMs).toHaveLength(ROUNDS);
      expect(entry.oursMs).toHaveLength(ROUNDS);
    }
  });

  it.each(QUICK_FORM.latencies)("sends exactly one request per create, read and delete, and one token request, at %i ms", (latencyMs) => {
    const expected = {
      // Check looks up each new owner's user once.
      up: { post: 10, get: 0, delete: 0, users: 10, errors: {} },
      "preview-refresh": { post: 0, get: 10, delete: 0, users: 0, errors: {} },
      // The drifted owner's GET answers 404; the owner is then created again, its user looked up first.
      "drift-up": { post: 1, get: 10, delete: 0, users: 1, errors: { "404": 1 } },
      destroy: { post: 0, get: 0, delete: 10, users: 0, errors: {} },
    };
    for (const operation of OPERATIONS) {
      const summary = find(latencyMs, operation);
      expect({ operation, ...summary.requests }).toEqual({ operation, ...expected[operation], token: 1, retries: 0 });
      expect(summary.requestsSameEveryRound).toBe(true);
      // One token request per provider process that calls C1 (the engine may start more than one).
      expect(summary.providerProcesses).toBeGreaterThanOrEqual(summary.requests.token);
    }
  });

  it("gives a finite ratio to the floor and a peak memory for every operation", () => {
    for (const entry of written.operations) {
      expect(Number.isFinite(entry.ratio) && entry.ratio > 0).toBe(true);
      expect(entry.oursProviderPeakMb).toBeGreaterThan(0);
      expect(entry.floorProviderPeakMb).toBeGreaterThan(0);
    }
  });

  it("records the serialized provider's size for both stacks", () => {
    expect(written.states.map((state) => state.variant).sort()).toEqual(["floor", "ours"]);
    for (const state of written.states) {
      expect(state.resources).toBe(10);
      expect(state.providerBytesPerResource).toBeGreaterThan(0);
    }
  });
});
