/**
 * ConnectorUserOwner under the real Pulumi engine: the provider serialized into state, run in the
 * engine's dynamic provider process, diffed, refreshed and destroyed, against the emulator. The
 * in-repo program runs the shared lifecycle suite, plus what only it declares: replacements, a
 * `get` lookup and adoption.
 */
import { expect, it } from "vitest";
import { PROGRAMS } from "./harness";
import { alice, bob, carol, describeOwnerLifecycle, keyOf, sortKeys } from "./scenarios/owner-lifecycle";

describeOwnerLifecycle("ConnectorUserOwner with the real Pulumi engine", {
  setup: async () => PROGRAMS.owners,
  beforeDestroy: (lifecycle) => {
    it("changing one owner's roleSlug previews as a replace and up swaps the owners", async () => {
      const { e2e, emulator } = lifecycle;
      const bobAsAdmin = { ...bob, roleSlug: "admin" };
      await e2e.setOwners([alice, bobAsAdmin, carol]);
      const since = e2e.events.length;
      await e2e.stack.preview(e2e.recording());
      // Create-before-delete: the new owner is made first, then the old one removed.
      expect(e2e.plannedSteps(since)).toEqual(["create-replacement payroll-owner-bob", "delete-replaced payroll-owner-bob", "replace payroll-owner-bob"]);
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.resourceChanges).toMatchObject({ replace: 1 });
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([alice, bobAsAdmin, carol].map(keyOf)));
    });

    it("ConnectorUserOwner.get reads an owner the stack does not manage", async () => {
      const { e2e, emulator } = lifecycle;
      emulator.store.addOwner("app-github", "conn-github", "owner", "u-erin");
      await e2e.setConfig("lookupId", "app-github/conn-github/owner/u-erin");
      const result = await e2e.stack.up(e2e.recording());
      expect(result.outputs.lookedUpEmail.value).toBe("erin@example.com");
      await e2e.removeConfig("lookupId");
      await e2e.stack.up(e2e.recording());
      // Dropping the lookup from the program never deletes what it read.
      expect(emulator.store.hasOwner("app-github", "conn-github", "owner", "u-erin")).toBe(true);
      emulator.store.removeOwner("app-github", "conn-github", "owner", "u-erin");
    });

    it("adopts an owner created outside Pulumi when the program declares it", async () => {
      const { e2e, emulator } = lifecycle;
      emulator.store.addOwner("app-payroll", "conn-workday", "owner", "u-dave");
      const dave = { name: "workday-owner-dave", appId: "app-payroll", connectorId: "conn-workday", roleSlug: "owner", userId: "u-dave" };
      await e2e.setOwners([alice, { ...bob, roleSlug: "admin" }, carol, dave]);
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.resourceChanges).toMatchObject({ create: 1 });
      expect(emulator.store.listOwners({ connectorId: "conn-workday" })).toEqual([keyOf(dave)]);
      expect(result.stdout + result.stderr).toContain("adopting it into the stack");
    });
  },
});
