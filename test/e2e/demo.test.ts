/**
 * `npm run demo` (scripts/demo.sh) as a person runs it: every step shows what it says, it exits 0,
 * cleans up after itself, and prints no credential.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findLeak } from "../support/provider-fixture";
import { runProcess, type ProcessResult } from "./harness";

const repoRoot = path.resolve(__dirname, "../..");
const quickstartDir = path.join(repoRoot, "examples/quickstart");

/** Runs the demo script the way `npm run demo` does; returns its exit code and all its output. */
function runDemo(env: Record<string, string>): Promise<ProcessResult> {
  return runProcess("bash", ["scripts/demo.sh"], { cwd: repoRoot, env: { ...process.env, ...env } });
}

describe("npm run demo", () => {
  it("walks up, outputs, drift, detection, repair and destroy, and prints no credential", { timeout: 300_000 }, async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), "c1-demo-test-"));
    const sensitiveValuesFile = path.join(scratch, "sensitive-values.json");
    try {
      const { code, output } = await runDemo({ CI: "true", DEMO_SENSITIVE_VALUES_FILE: sensitiveValuesFile });
      expect(code, output).toBe(0);

      for (let step = 1; step <= 6; step++) expect(output).toContain(`Step ${step}/6`);
      expect(output).toMatch(/Resources:\s+\+ 4 created/);
      expect(output).toContain('emailsByRole  {"admin":["carol@example.com"],"owner":["alice@example.com","bob@example.com"]}');
      // The drift: the preview plans to recreate bob, the drift check fails with "changes found".
      expect(output).toMatch(/\+\s+pulumi-nodejs:dynamic\/conductorone:ConnectorUserOwner app-payroll\/conn-okta\/owner\/u-bob create/);
      expect(output).toContain("no changes were expected for refresh but changes were proposed");
      expect(output).toContain("exit code: 7");
      expect(output).toMatch(/\+ 1 created\s+3 unchanged/);
      expect(output).toContain("exit code: 0");
      expect(output).toMatch(/- 4 deleted/);
      expect(output).toMatch(/Demo passed: all 6 steps behaved as described, in \d+s\./);

      const sensitiveValues = JSON.parse(await readFile(sensitiveValuesFile, "utf8")) as string[];
      // A client secret, its private key and at least one access token issued to the provider.
      expect(sensitiveValues.length).toBeGreaterThanOrEqual(3);
      expect(findLeak(output, sensitiveValues)).toBeUndefined();

      // The temporary stack's settings file is gone.
      expect((await readdir(quickstartDir)).filter((name) => /^Pulumi\..+\.yaml$/.test(name))).toEqual([]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
