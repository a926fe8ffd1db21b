/**
 * The pull request's gate knows the people it adds: the root stack (the ownership document) with
 * the real Pulumi CLI, the template's policy pack and the emulator's user directory. A
 * `preview --refresh --diff --policy-pack` that adds an unknown or DELETED user fails on the
 * user's place in the document before anything is written; a DISABLED user and one outside the
 * allowed domains are refused by the policies in that same preview; an ENABLED user passes, with
 * its email in the diff; a preview that adds nobody looks nobody up.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type C1Emulator, isUsersPath } from "../../src/emulator";
import { findLeak } from "../support/provider-fixture";
import { ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { type CliRun, clientSecretParts, type E2eStack, policyViolations, startEmulatorStack } from "./harness";

const PACK_DIR = path.resolve(__dirname, "../../templates/ownership-repository/policy");
/** The previews' output, from which docs/policy.md's captured output is taken. */
const TRANSCRIPT = path.resolve(__dirname, "../../test-results/preview-users.txt");
const STEP_TIMEOUT = 240_000;

/** The document deployed first: two roles, two owners each. */
const deployed = { owner: ["u-alice", "u-bob"], admin: ["u-carol", "u-erin"] };
/** The document with `userId` added as the owner role's third owner, `owners.app-payroll.conn-okta.owner[2]`. */
const withOwner = (userId: string) => ({ "app-payroll": { "conn-okta": { ...deployed, owner: [...deployed.owner, userId] } } });
const ADDED_PATH = "owners.app-payroll.conn-okta.owner[2]";

let emulator: C1Emulator;
let e2e: E2eStack;
let clientSecret: string;
let configDir: string;

beforeAll(async () => {
  ({ emulator, e2e, clientSecret } = await startEmulatorStack({ programDir: ROOT_STACK_DIR }));
  emulator.store.addUser({ id: "u-gone", email: "gone@example.com", status: "DELETED" });
  emulator.store.addUser({ id: "u-idle", email: "idle@example.com", status: "DISABLED" });
  emulator.store.addUser({ id: "u-cody", email: "cody@contractor.io", status: "ENABLED" });
  emulator.store.addUser({ id: "u-fay", email: "fay@example.com", status: "ENABLED" });
  configDir = await mkdtemp(path.join(tmpdir(), "c1-preview-users-"));
  await mkdir(path.dirname(TRANSCRIPT), { recursive: true });
  await writeFile(TRANSCRIPT, "");
  await writeFile(path.join(configDir, "policy.json"), JSON.stringify({ "c1-allowed-owners": { allowedEmailDomains: ["example.com"] } }));
  await writeOwnershipDocument(e2e, { "app-payroll": { "conn-okta": deployed } });
  expectExit(await e2e.run(["up", "--yes", "--skip-preview"]), false);
}, STEP_TIMEOUT);

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

/** The pull request's preview, as the template's workflow runs it; its output goes to the transcript. */
async function pullRequestPreview(env: Record<string, string> = {}): Promise<CliRun> {
  const run = await e2e.run(["preview", "--refresh", "--diff", "--policy-pack", PACK_DIR, "--policy-pack-config", path.join(configDir, "policy.json")], {
    env,
  });
  await appendFile(TRANSCRIPT, `$ pulumi preview --refresh --diff --policy-pack policy --policy-pack-config policy/config.json\n${run.stdout}${run.stderr}\n`);
  return run;
}

/** Requests since log entry `since` that read C1's users, as "METHOD path". */
function userLookupsSince(since: number): string[] {
  return emulator.requests
    .slice(since)
    .filter((entry) => entry.kind === "api" && isUsersPath(entry.path))
    .map((entry) => `${entry.method} ${entry.path}`);
}

/** Requests since `since` that would change C1. */
function writesSince(since: number): string[] {
  return emulator.requests
    .slice(since)
    .filter((entry) => entry.kind === "api" && entry.method !== "GET" && !entry.path.startsWith("/api/v1/search/"))
    .map((entry) => `${entry.method} ${entry.path}`);
}

function expectExit(run: CliRun, failed: boolean): void {
  if ((run.code !== 0) !== failed) throw new Error(`expected the run to ${failed ? "fail" : "pass"}, exit code ${run.code}:\n${run.stdout}\n${run.stderr}`);
}

describe("a pull request's preview looks up the users it adds", () => {
  it(
    "a preview that adds nobody makes no user lookup",
    async () => {
      const since = emulator.requests.length;
      const run = await pullRequestPreview();
      expectExit(run, false);
      expect(run.stdout).not.toMatch(/^\s+[~+-] .*ConnectorUserOwners/m);
      expect(userLookupsSince(since)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "an unknown user fails the preview at its place in the document, and nothing is written",
    async () => {
      await writeOwnershipDocument(e2e, withOwner("u-ghost"));
      const since = emulator.requests.length;
      const run = await pullRequestPreview();
      expectExit(run, true);
      const output = `${run.stdout}\n${run.stderr}`;
      expect(output).toContain(`${ADDED_PATH}: u-ghost is not a C1 user (GET /api/v1/users/u-ghost answered 404 Not Found)`);
      expect(output).toContain("app-payroll/conn-okta/owner");
      expect(userLookupsSince(since)).toEqual(["GET /api/v1/users/u-ghost"]);
      expect(writesSince(since)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "a DELETED user fails the preview the same way",
    async () => {
      await writeOwnershipDocument(e2e, withOwner("u-gone"));
      const since = emulator.requests.length;
      const run = await pullRequestPreview();
      expectExit(run, true);
      expect(`${run.stdout}\n${run.stderr}`).toContain(`${ADDED_PATH}: u-gone is DELETED in C1 and cannot own a connector`);
      expect(writesSince(since)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "a DISABLED user is refused by c1-active-owners in the preview",
    async () => {
      await writeOwnershipDocument(e2e, withOwner("u-idle"));
      const since = emulator.requests.length;
      const run = await pullRequestPreview();
      expectExit(run, true);
      expect(policyViolations(run)).toEqual([
        expect.stringMatching(
          /^mandatory c1-active-owners: user u-idle \(idle@example.com\), owner of app app-payroll, connector conn-okta, role owner .* is DISABLED in C1/,
        ),
      ]);
      expect(writesSince(since)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "a user outside the allowed email domains is refused by c1-allowed-owners in the preview",
    async () => {
      await writeOwnershipDocument(e2e, withOwner("u-cody"));
      const run = await pullRequestPreview();
      expectExit(run, true);
      expect(policyViolations(run)).toEqual([
        expect.stringMatching(
          /^mandatory c1-allowed-owners: user u-cody \(cody@contractor.io\), owner of app app-payroll, connector conn-okta, role owner .* has an email at contractor.io/,
        ),
      ]);
    },
    STEP_TIMEOUT,
  );

  it(
    "an ENABLED user passes, the diff shows its email, and the up that follows changes nothing more",
    async () => {
      await writeOwnershipDocument(e2e, withOwner("u-fay"));
      const since = emulator.requests.length;
      const run = await pullRequestPreview();
      expectExit(run, false);
      expect(policyViolations(run)).toEqual([]);
      expect(run.stdout).toMatch(/u-fay/);
      expect(run.stdout).toMatch(/fay@example\.com/);
      expect(userLookupsSince(since)).toEqual(["GET /api/v1/users/u-fay"]);
      expectExit(await e2e.run(["up", "--yes", "--skip-preview"]), false);
      const after = await e2e.run(["preview", "--refresh", "--expect-no-changes"]);
      expectExit(after, false);
    },
    STEP_TIMEOUT,
  );

  it(
    "with conductorone:verifyUsers false, nobody is looked up",
    async () => {
      await writeOwnershipDocument(e2e, withOwner("u-ghost"));
      const since = emulator.requests.length;
      const run = await pullRequestPreview({ CONDUCTORONE_VERIFY_USERS: "false" });
      expectExit(run, false);
      expect(userLookupsSince(since)).toEqual([]);
      await writeOwnershipDocument(e2e, withOwner("u-fay"));
    },
    STEP_TIMEOUT,
  );

  it("printed no credential in any run", () => {
    expect(findLeak(e2e.transcript.join("\n"), clientSecretParts(clientSecret))).toBeUndefined();
  });
});
