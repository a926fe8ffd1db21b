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

/** Runs the demo script the way `npm run demo` does; returns its exit code and all its output. */
function runDemo(env: Record<string, string>): Promise<ProcessResult> {
  return runProcess("bash", ["scripts/demo.sh"], { cwd: repoRoot, env: { ...process.env, ...env } });
}

describe("npm run demo", () => {
  it("walks export, up, drift, the guarded preview, repair and destroy, and prints no credential", { timeout: 300_000 }, async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), "c1-demo-test-"));
    const sensitiveValuesFile = path.join(scratch, "sensitive-values.json");
    try {
      const { code, output } = await runDemo({ CI: "true", DEMO_SENSITIVE_VALUES_FILE: sensitiveValuesFile });
      expect(code, output).toBe(0);

      for (let step = 1; step <= 7; step++) expect(output).toContain(`Step ${step}/7`);
      // Export: the 6 owners set by hand in C1 become the stack's document; check finds it valid.
      expect(output).toMatch(/wrote 6 owner\(s\) of 2 connector\(s\) to c1-ownership:owners in .*Pulumi\.demo-[0-9a-f]{6}\.yaml/);
      expect(output).toContain("c1-ownership:owners is valid: 6 owner(s) in 3 role(s)");
      // Up adopts them: the stack and one resource per role, nothing written to C1 (the demo checks the log).
      expect(output).toMatch(/Resources:\s+\+ 4 created/);
      // Drift: clean, then the row of the owner removed in C1, exit 3.
      expect(output).toContain("C1 matches the stack demo-");
      expect(output).toMatch(/app-payroll +conn-okta +owner +u-bob +bob@example\.com +removed in C1/);
      expect(output).toContain("exit code: 3");
      // The pull request's preview: one role to update, the guardrails ran.
      expect(output).toMatch(/~ 1 to update/);
      expect(output).toContain("c1-ownership-guardrails");
      // Repair, then destroy: the 3 roles and the stack.
      expect(output).toMatch(/~ 1 updated\s+3 unchanged/);
      expect(output).toMatch(/- 4 deleted/);
      expect(output).toMatch(/Demo passed: all 7 steps behaved as described, in \d+s\./);
      const sensitiveValues = JSON.parse(await readFile(sensitiveValuesFile, "utf8")) as string[];
      // A client secret, its private key and at least one access token issued to the provider.
      expect(sensitiveValues.length).toBeGreaterThanOrEqual(3);
      expect(findLeak(output, sensitiveValues)).toBeUndefined();

      // The temporary stack's settings file is gone.
      expect((await readdir(repoRoot)).filter((name) => /^Pulumi\.demo-[0-9a-f]{6}\.yaml$/.test(name))).toEqual([]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
