/**
 * The `import` resource option with the real engine. Pulumi's dynamic provider host cannot serve
 * an import: the engine's Read carries no serialized provider (pulumi/pulumi#17698, #16175), so it
 * fails before our code runs. What works is adoption: declare the owner and `up` adopts it (see
 * owner-lifecycle.test.ts). This test pins down the failure so a fix upstream is noticed and the
 * README's advice updated, and proves the failed import leaves C1 and the state untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type C1Emulator, isUsersPath } from "../../src/emulator";
import { type E2eStack, OWNER_TYPE, PROGRAMS, startEmulatorStack } from "./harness";

const dave = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-dave" };
let emulator: C1Emulator;
let e2e: E2eStack;

beforeAll(async () => {
  ({ emulator, e2e } = await startEmulatorStack({ programDir: PROGRAMS.owners }));
  emulator.store.addOwner(dave.appId, dave.connectorId, dave.roleSlug, dave.userId);
  await e2e.setOwners([]);
});

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

describe("the import resource option", () => {
  it("fails in the engine's dynamic provider host without touching C1 or the state", async () => {
    await e2e.stack.setConfig("importId", { value: "app-payroll/conn-okta/owner/u-dave" });
    await e2e.stack.setConfig("importOwner", { value: JSON.stringify(dave) });
    const error = await e2e.stack.up(e2e.recording()).then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(error, "import now succeeds upstream: update the README's migration advice").toBeDefined();
    expect(String(error)).toContain("importing failed");
    expect(emulator.requests.filter((entry) => entry.kind === "api")).toEqual([]);
    expect(emulator.store.listOwners()).toEqual([dave]);
    const exported = await e2e.stack.exportStack();
    const types = ((exported.deployment.resources ?? []) as Array<{ type: string }>).map((resource) => resource.type);
    expect(types).not.toContain(OWNER_TYPE);
  });

  it("adopting the owner by declaring it works instead, with a warning", async () => {
    await e2e.stack.removeConfig("importId");
    await e2e.setOwners([{ name: "payroll-owner-dave", ...dave }]);
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(result.stdout + result.stderr).toContain("adopting it into the stack");
    expect(emulator.store.listOwners()).toEqual([dave]);
    // Check looked the new owner's user up; one POST answered 409, one GET read the existing owner back.
    const calls = emulator.requests
      .filter((entry) => entry.kind === "api")
      .map((entry) => `${entry.method} ${isUsersPath(entry.path) ? "user" : "owner"} ${entry.status}`);
    expect(calls).toEqual(["GET user 200", "POST owner 409", "GET owner 200"]);
  });
});
