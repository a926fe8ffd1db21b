/**
 * The ownership guardrails pack (templates/ownership-repository/policy) with the real Pulumi CLI against the
 * emulator: `pulumi preview --policy-pack templates/ownership-repository/policy [--policy-pack-config FILE]` on a
 * stack of sets and single owners. Each policy refuses a bad change and lets a good one through,
 * advisory levels warn without failing, a user disabled in the emulator's directory is caught on
 * `preview --refresh` (and a new owner who is disabled on the preview that adds it), and the pack config changes the thresholds.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { findLeak } from "../support/provider-fixture";
import { ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { type CliRun, clientSecretParts, type E2eStack, policyViolations, PROGRAMS, startEmulatorStack } from "./harness";

const PACK_DIR = path.resolve(__dirname, "../../templates/ownership-repository/policy");
const STEP_TIMEOUT = 240_000;

const okta = { appId: "app-payroll", connectorId: "conn-okta" };
/** The owner role: one set. */
const connectorUserOwners = (userIds: string[]) => ({ name: "payroll-okta-owners", ...okta, roleSlug: "owner", userIds });
/** The admin role: single owners, counted together. */
const admin = (userId: string) => ({ name: `payroll-okta-admin-${userId}`, ...okta, roleSlug: "admin", userId });

let emulator: C1Emulator;
let e2e: E2eStack;
let clientSecret: string;
let configDir: string;
let configCount = 0;

beforeAll(async () => {
  ({ emulator, e2e, clientSecret } = await startEmulatorStack({ programDir: PROGRAMS.connectorUserOwners }));
  configDir = await mkdtemp(path.join(tmpdir(), "c1-policy-config-"));
  await declare(["u-alice", "u-bob"], ["u-carol", "u-dave"]);
});

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

/** Declares the ConnectorUserOwners and the single admins. */
async function declare(owners: string[], admins: string[]): Promise<void> {
  await e2e.setConfig("sets", JSON.stringify([connectorUserOwners(owners)]));
  await e2e.setConfig("singles", JSON.stringify(admins.map(admin)));
}

/** The users who own the connector's `roleSlug` in C1, sorted. */
function roleOwners(roleSlug: string): string[] {
  return emulator.store
    .listOwners({ ...okta, roleSlug })
    .map((owner) => owner.userId)
    .sort();
}

/** Runs `pulumi <command>` with the pack, and with `packConfig` written as its --policy-pack-config file. */
async function withPack(command: string[], packConfig?: object): Promise<CliRun> {
  const flags = ["--policy-pack", PACK_DIR];
  if (packConfig !== undefined) {
    const file = path.join(configDir, `policy-config-${++configCount}.json`);
    await writeFile(file, JSON.stringify(packConfig));
    flags.push("--policy-pack-config", file);
  }
  return e2e.run([...command, ...flags]);
}

const preview = (packConfig?: object, extra: string[] = []) => withPack(["preview", ...extra], packConfig);

/** Fails with the CLI's output unless the run exited as expected. */
function expectExit(run: CliRun, failed: boolean): void {
  const output = `${run.stdout}\n${run.stderr}`;
  if ((run.code !== 0) !== failed) throw new Error(`expected the run to ${failed ? "fail" : "pass"}, exit code ${run.code}:\n${output}`);
}

const ONE_ADMIN =
  "mandatory c1-minimum-owners: app app-payroll, connector conn-okta, role admin has 1 owner(s) (u-carol) in this stack, fewer than the 2 required " +
  "(declared by payroll-okta-admin-u-carol). Add 1 more owner(s) to the role, or change c1-minimum-owners.minOwnersByRole.admin in the policy pack config.";

describe("the ownership guardrails policy pack", () => {
  it(
    "lets a stack through whose roles each have two active owners, and up creates them",
    async () => {
      const run = await preview();
      expectExit(run, false);
      expect(policyViolations(run)).toEqual([]);
      const up = await withPack(["up", "--yes"]);
      expectExit(up, false);
      expect(emulator.store.listOwners().length).toBe(4);
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-minimum-owners refuses leaving a role with one owner, counted across its single owners",
    async () => {
      await declare(["u-alice", "u-bob"], ["u-carol"]);
      const run = await preview();
      expectExit(run, true);
      expect(policyViolations(run)).toEqual([ONE_ADMIN]);
      expect(run.stdout).toContain("c1-minimum-owners");
    },
    STEP_TIMEOUT,
  );

  it(
    "an advisory level warns without failing, and a disabled one stays silent",
    async () => {
      const advisory = await preview({ "c1-minimum-owners": "advisory" });
      expectExit(advisory, false);
      expect(policyViolations(advisory)).toEqual([ONE_ADMIN.replace(/^mandatory/, "advisory")]);
      const disabled = await preview({ "c1-minimum-owners": { enforcementLevel: "disabled" } });
      expectExit(disabled, false);
      expect(policyViolations(disabled)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "the pack config changes the thresholds, per role slug and for every role",
    async () => {
      const lowered = await preview({ "c1-minimum-owners": { minOwnersByRole: { admin: 1 } } });
      expectExit(lowered, false);
      expect(policyViolations(lowered)).toEqual([]);
      const raised = await preview({ "c1-minimum-owners": { minOwners: 3, minOwnersByRole: { admin: 1 } } });
      expectExit(raised, true);
      expect(policyViolations(raised)).toEqual([
        expect.stringMatching(
          /^mandatory c1-minimum-owners: app app-payroll, connector conn-okta, role owner has 2 owner\(s\) \(u-alice, u-bob\) in this stack, fewer than the 3 required/,
        ),
      ]);
      await declare(["u-alice", "u-bob"], ["u-carol", "u-dave"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-active-owners catches a user disabled in C1 on preview --refresh, not before the refresh",
    async () => {
      emulator.store.addUser({ ...emulator.store.getUser("u-bob"), status: "DISABLED" });
      const stale = await preview();
      expectExit(stale, false); // state still records u-bob as ENABLED
      expect(policyViolations(stale)).toEqual([]);
      const refreshed = await preview(undefined, ["--refresh"]);
      expectExit(refreshed, true);
      expect(policyViolations(refreshed)).toEqual([
        "mandatory c1-active-owners: user u-bob (bob@example.com), owner of app app-payroll, connector conn-okta, role owner (payroll-okta-owners), " +
          "is DISABLED in C1, as the last refresh or create recorded. Remove u-bob from the role and name an active owner instead.",
      ]);
      const advisory = await preview({ "c1-active-owners": "advisory" }, ["--refresh"]);
      expectExit(advisory, false);
      expect(policyViolations(advisory)).toEqual([expect.stringMatching(/^advisory c1-active-owners: user u-bob .* is DISABLED in C1/)]);
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-active-owners lets replacing the disabled owner through: preview, and up, which checks what it recorded",
    async () => {
      await declare(["u-alice", "u-erin"], ["u-carol", "u-dave"]);
      const run = await preview(undefined, ["--refresh"]);
      expectExit(run, false);
      expect(policyViolations(run)).toEqual([]);
      const up = await withPack(["up", "--yes", "--refresh"]);
      expectExit(up, false);
      expect(policyViolations(up)).toEqual([]);
      expect(roleOwners("owner")).toEqual(["u-alice", "u-erin"]);
      emulator.store.addUser({ ...emulator.store.getUser("u-bob"), status: "ENABLED" });
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-active-owners refuses a brand-new DISABLED owner in the preview that adds it, and the up stops before writing it",
    async () => {
      emulator.store.addUser({ id: "u-frank", status: "DISABLED" });
      await declare(["u-alice", "u-erin"], ["u-carol", "u-dave", "u-frank"]);
      const frankDisabled = /^mandatory c1-active-owners: user u-frank \(frank@example.com\), owner of .* role admin .* is DISABLED in C1/;
      const run = await preview();
      expectExit(run, true);
      expect(policyViolations(run)).toEqual([expect.stringMatching(frankDisabled)]);
      const up = await withPack(["up", "--yes"]);
      expectExit(up, true);
      expect(policyViolations(up)).toEqual([expect.stringMatching(frankDisabled)]);
      expect(roleOwners("admin")).toEqual(["u-carol", "u-dave"]); // refused before the create
      await declare(["u-alice", "u-erin"], ["u-carol", "u-dave"]);
      expectExit(await withPack(["up", "--yes"]), false);
      expect(roleOwners("admin")).toEqual(["u-carol", "u-dave"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-allowed-owners refuses a denied user id in the preview that adds it, and lets another user through",
    async () => {
      const packConfig = { "c1-allowed-owners": { deniedUserIds: ["u-bob"] } };
      await declare(["u-alice", "u-erin", "u-bob"], ["u-carol", "u-dave"]);
      const denied = await preview(packConfig);
      expectExit(denied, true);
      expect(policyViolations(denied)).toEqual([
        "mandatory c1-allowed-owners: user u-bob (bob@example.com), owner of app app-payroll, connector conn-okta, role owner (payroll-okta-owners), is on the deny list " +
          "(c1-allowed-owners.deniedUserIds). Remove u-bob from the role, or from the deny list in the policy pack config.",
      ]);
      await declare(["u-alice", "u-erin"], ["u-carol", "u-dave"]);
      const allowed = await preview(packConfig);
      expectExit(allowed, false);
      expect(policyViolations(allowed)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "c1-allowed-owners refuses an owner at a domain outside the allowlist, and lets removing it through",
    async () => {
      emulator.store.addUser({ id: "u-cody", email: "cody@contractor.io", displayName: "Cody Contractor" });
      await declare(["u-alice", "u-erin"], ["u-carol", "u-dave", "u-cody"]);
      expectExit(await withPack(["up", "--yes"], { "c1-allowed-owners": "disabled" }), false);
      const packConfig = { "c1-allowed-owners": { allowedEmailDomains: ["example.com"] } };
      const refused = await preview(packConfig);
      expectExit(refused, true);
      expect(policyViolations(refused)).toEqual([
        "mandatory c1-allowed-owners: user u-cody (cody@contractor.io), owner of app app-payroll, connector conn-okta, role admin (payroll-okta-admin-u-cody), " +
          "has an email at contractor.io, which is not an allowed domain (c1-allowed-owners.allowedEmailDomains). " +
          "Name an owner from an allowed domain instead, or add the domain to the allowlist in the policy pack config.",
      ]);
      await declare(["u-alice", "u-erin"], ["u-carol", "u-dave"]);
      const allowed = await preview(packConfig);
      expectExit(allowed, false);
      expect(policyViolations(allowed)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "works on the ownership document: the root stack's role with one admin is refused, with two it passes",
    async () => {
      const { emulator: rootEmulator, e2e: root } = await startEmulatorStack({ programDir: ROOT_STACK_DIR });
      try {
        await writeOwnershipDocument(root, { "app-payroll": { "conn-okta": { owner: ["u-alice", "u-bob"], admin: ["u-carol"] } } });
        const refused = await root.run(["preview", "--policy-pack", PACK_DIR]);
        expectExit(refused, true);
        expect(policyViolations(refused)).toEqual([
          "mandatory c1-minimum-owners: app app-payroll, connector conn-okta, role admin has 1 owner(s) (u-carol) in this stack, fewer than the 2 required " +
            "(declared by app-payroll/conn-okta/admin). Add 1 more owner(s) to the role, or change c1-minimum-owners.minOwnersByRole.admin in the policy pack config.",
        ]);
        await writeOwnershipDocument(root, {
          "app-payroll": { "conn-okta": { owner: ["u-alice", "u-bob"], admin: { users: ["u-carol", "u-erin"], exclusive: false } } },
        });
        const allowed = await root.run(["preview", "--policy-pack", PACK_DIR]);
        expectExit(allowed, false);
        expect(policyViolations(allowed)).toEqual([]);
      } finally {
        await root.dispose();
        await rootEmulator.close();
      }
    },
    STEP_TIMEOUT,
  );

  it("printed no credential in any run", () => {
    expect(findLeak(e2e.transcript.join("\n"), clientSecretParts(clientSecret))).toBeUndefined();
  });
});
