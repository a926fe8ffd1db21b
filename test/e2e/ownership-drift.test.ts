/**
 * The drift report on the root stack against the emulator: `c1-ownership drift` refreshes
 * in preview mode, changes nothing in C1, and tells people which owner differs and how, with an
 * exit status for each outcome (0 none, 3 drift, 1 the check could not run).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { findLeak } from "../support/provider-fixture";
import { ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { type E2eStack, runProcess, startEmulatorStack, C1_OWNERSHIP_CLI } from "./harness";

const STEP_TIMEOUT = 180_000;

let emulator: C1Emulator;
let e2e: E2eStack;
let clientSecret: string;

const emailOf = (userId: string) => emulator.store.directory().users.find((user) => user.id === userId)?.email;

function runDrift(extra: string[] = []) {
  const args = [C1_OWNERSHIP_CLI, "drift", "--stack", e2e.stackName, "--cwd", ROOT_STACK_DIR, ...extra];
  return runProcess(process.execPath, args, { cwd: ROOT_STACK_DIR, env: { ...process.env, ...e2e.env } });
}

beforeAll(async () => {
  ({ emulator, e2e, clientSecret } = await startEmulatorStack({ programDir: ROOT_STACK_DIR }));
  await writeOwnershipDocument(e2e, {
    "app-payroll": { "conn-okta": { owner: { users: ["u-alice", "u-bob"], exclusive: true } } },
    "app-github": { "conn-github": { admin: ["u-carol", "u-dave"] } },
  });
  const result = await e2e.up();
  if (result.code !== 0) throw new Error(`up failed:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
}, STEP_TIMEOUT);

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

describe("the ownership drift report", () => {
  it(
    "exits 0 with one line when C1 matches the stack",
    async () => {
      const result = await runDrift();
      expect(result.code, result.output).toBe(0);
      expect(result.stdout.trim()).toBe(`C1 matches the stack ${e2e.stackName}: no owner was removed in C1 or added outside the code.`);
    },
    STEP_TIMEOUT,
  );

  it(
    "exits 3 and names each owner removed in C1 or added outside the code, changing nothing",
    async () => {
      emulator.store.removeOwner("app-github", "conn-github", "admin", "u-dave");
      emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-erin");
      // Not drift: the non-exclusive role leaves owners nobody listed alone.
      emulator.store.addOwner("app-github", "conn-github", "admin", "u-bob");
      const owners = JSON.stringify(emulator.store.listOwners());
      const since = emulator.requests.length;

      const table = await runDrift();
      expect(table.code, table.output).toBe(3);
      const lines = table.stdout.split("\n");
      expect(lines[0]).toMatch(/^APP\s+CONNECTOR\s+ROLE\s+USER\s+EMAIL\s+CHANGE$/);
      expect(lines.slice(1, 3).map((line) => line.split(/\s{2,}/))).toEqual([
        ["app-github", "conn-github", "admin", "u-dave", emailOf("u-dave"), "removed in C1"],
        ["app-payroll", "conn-okta", "owner", "u-erin", emailOf("u-erin"), "added outside the code"],
      ]);
      expect(table.stdout).toContain("2 owner(s)");

      const markdown = await runDrift(["--markdown"]);
      expect(markdown.code, markdown.output).toBe(3);
      expect(markdown.stdout).toMatch(/^### Connector ownership drift/);
      expect(markdown.stdout).toContain("| App | Connector | Role | User | Email | Change |");
      expect(markdown.stdout).toContain(`| app-github | conn-github | admin | u-dave | ${emailOf("u-dave")} | removed in C1 |`);
      expect(markdown.stdout).toContain(`| app-payroll | conn-okta | owner | u-erin | ${emailOf("u-erin")} | added outside the code |`);

      const writes = emulator.requests.slice(since).filter((entry) => entry.kind === "api" && entry.method !== "GET");
      expect(writes).toEqual([]);
      expect(JSON.stringify(emulator.store.listOwners())).toBe(owners);
      // The state is unchanged too: the same drift is found again.
      expect((await runDrift()).code).toBe(3);
    },
    STEP_TIMEOUT,
  );

  it(
    "exits 1 with a one-line reason and no secret when C1 rejects the credentials",
    async () => {
      // The refresh configures the provider from the state, not from a changed stack file, so C1
      // itself turns the client away.
      emulator.faults.add({ method: "POST", path: "/auth/v1/token", status: 401, times: Infinity });
      const result = await runDrift();
      expect(result.code, result.output).toBe(1);
      expect(result.stdout).toBe("");
      const reason = result.stderr.split("\n")[0];
      expect(reason).toMatch(/^error: could not check stack e2e-\w+ against C1: .+/);
      expect(reason).toMatch(/could not get a C1 access token.*401/);
      expect(findLeak(result.output, [clientSecret])).toBeUndefined();
    },
    STEP_TIMEOUT,
  );

  it(
    "exits 1 when C1 cannot be reached",
    async () => {
      emulator.faults.clear();
      await emulator.close();
      const result = await runDrift();
      expect(result.code, result.output).toBe(1);
      expect(result.stderr).toMatch(/^error: could not check stack e2e-\w+ against C1: could not get a C1 access token: .*network error/);
    },
    STEP_TIMEOUT,
  );
});
