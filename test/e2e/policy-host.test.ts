/**
 * Node.js policy packs under the real Pulumi engine: `pulumi preview/up --policy-pack DIR` start
 * the pack through our language host's RunPlugin (scripts/pulumi-toolchain/language-host), which
 * runs @pulumi/pulumi/cmd/run-policy-pack from the pack's directory. The pack is the fixture
 * test/e2e/programs/policy-packs/owner-rules: a mandatory policy on roles (its allowed roles come
 * from the pack's config) and an advisory one on service accounts.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { assertExitedZero, lastSeq, PROGRAMS, requestsSince, startEmulatorStack, type CliRun, type E2eStack } from "./harness";
import { alice, carol, keyOf, sortKeys } from "./scenarios/owner-lifecycle";

const PACK = path.resolve(__dirname, "programs/policy-packs/owner-rules");
const serviceOwner = { name: "payroll-owner-svc", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "svc-payroll" };

/** Each run type-checks the program and the pack: over a minute on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 300_000;

/** The policy violations the engine reported in a run, as "level policy: message". */
function violations(run: CliRun): string[] {
  return (
    run.events
      .map((event) => event.policyEvent)
      .filter((policy): policy is NonNullable<typeof policy> => policy !== undefined)
      // An event's message is the policy's description, then the violation's own message.
      .map((policy) => `${policy.enforcementLevel} ${policy.policyName}: ${policy.message.trim().split("\n").slice(1).join("\n")}`)
      .sort()
  );
}

let emulator: C1Emulator;
let e2e: E2eStack;
let scratch: string;

beforeAll(async () => {
  ({ emulator, e2e } = await startEmulatorStack({ programDir: PROGRAMS.owners }));
  // The service account is a C1 user too: check looks up every new owner's user.
  emulator.store.addUser({ id: serviceOwner.userId, email: "svc-payroll@example.com" });
  scratch = await mkdtemp(path.join(tmpdir(), "c1-policy-"));
});

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("Node.js policy packs run by our language host", () => {
  it(
    "fails a preview on a mandatory violation and prints the policy's message",
    async () => {
      await e2e.setOwners([carol]);
      const run = await e2e.run(["preview", "--policy-pack", PACK]);
      expect(run.code, run.output).not.toBe(0);
      expect(run.output).toContain('owner payroll-admin-carol has role "admin"; allowed roles: owner');
      expect(violations(run)).toEqual(['mandatory owner-role-allowed: owner payroll-admin-carol has role "admin"; allowed roles: owner']);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "warns on an advisory violation, naming the stack the pack was started for, and passes",
    async () => {
      await e2e.setOwners([alice, serviceOwner]);
      const run = assertExitedZero(await e2e.run(["preview", "--policy-pack", PACK]));
      const message = `owner payroll-owner-svc is the service account svc-payroll (stack ${e2e.stackName})`;
      expect(run.output).toContain(message);
      expect(violations(run)).toEqual([`advisory owner-is-a-person: ${message}`]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "applies the defaults of the pack's own config schema",
    async () => {
      // No config given: allowedRoles is its schema default, ["owner"], so alice passes and carol fails.
      await e2e.setOwners([alice, carol]);
      const run = await e2e.run(["preview", "--policy-pack", PACK]);
      expect(run.code, run.output).not.toBe(0);
      expect(violations(run)).toEqual(['mandatory owner-role-allowed: owner payroll-admin-carol has role "admin"; allowed roles: owner']);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "honours --policy-pack-config for a policy's config and its enforcement level",
    async () => {
      const configFile = path.join(scratch, "owner-rules-config.json");
      await writeFile(
        configFile,
        JSON.stringify({ "owner-role-allowed": { allowedRoles: ["owner", "admin"] }, "owner-is-a-person": { enforcementLevel: "mandatory" } }),
      );
      await e2e.setOwners([carol, serviceOwner]);
      const run = await e2e.run(["preview", "--policy-pack", PACK, "--policy-pack-config", configFile]);
      // carol's role is now allowed; the service account, advisory by default, now fails the preview.
      expect(run.code, run.output).not.toBe(0);
      expect(violations(run)).toEqual([`mandatory owner-is-a-person: owner payroll-owner-svc is the service account svc-payroll (stack ${e2e.stackName})`]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "refuses `up` on a mandatory violation before anything changes in C1",
    async () => {
      await e2e.setOwners([alice]);
      assertExitedZero(await e2e.up());
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([keyOf(alice)]));

      await e2e.setOwners([alice, carol]);
      const since = lastSeq(emulator);
      // --skip-preview: the policy must stop the update itself, not a preview before it.
      const run = await e2e.up(["--policy-pack", PACK]);
      expect(run.code, run.output).not.toBe(0);
      expect(run.output).toContain('owner payroll-admin-carol has role "admin"; allowed roles: owner');
      const writes = requestsSince(emulator, since).filter((entry) => entry.kind === "api" && entry.method !== "GET");
      expect(writes).toEqual([]);
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([keyOf(alice)]));
      expect((await e2e.stateOwners()).map((owner) => owner.name)).toEqual([alice.name]);
    },
    RUN_TIMEOUT_MS * 2,
  );

  it(
    "tells the user to install the pack's dependencies when @pulumi/pulumi cannot be found from it",
    async () => {
      // A copy outside the repo has no node_modules to resolve the SDK from.
      const orphan = path.join(scratch, "orphan-pack");
      await cp(PACK, orphan, { recursive: true });
      await e2e.setOwners([alice]);
      const run = await e2e.run(["preview", "--policy-pack", orphan]);
      expect(run.code, run.output).not.toBe(0);
      expect(run.output).toMatch(/npm install/);
      expect(run.output).toContain(orphan);
    },
    RUN_TIMEOUT_MS,
  );
});
