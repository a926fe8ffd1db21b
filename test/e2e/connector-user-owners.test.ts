/**
 * ConnectorUserOwners under the real Pulumi engine: the set is the whole truth of a connector
 * role, so owners added and removed in C1 outside the program both show as drift.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { type E2eStack, PROGRAMS, startEmulatorStack } from "./harness";

const role = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };
const payrollOwners = { name: "payroll-okta-owners", ...role, userIds: ["u-alice", "u-bob"] };
let emulator: C1Emulator;
let e2e: E2eStack;

const roleOwners = () =>
  emulator.store
    .listOwners(role)
    .map((owner) => owner.userId)
    .sort();

beforeAll(async () => {
  ({ emulator, e2e } = await startEmulatorStack({ programDir: PROGRAMS.connectorUserOwners }));
  // An owner the stack never manages: another role of the same connector.
  emulator.store.addOwner(role.appId, role.connectorId, "admin", "u-carol");
  await e2e.stack.setConfig("sets", { value: JSON.stringify([payrollOwners]) });
});

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

describe("ConnectorUserOwners with the real Pulumi engine", () => {
  it("up creates the set", async () => {
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(roleOwners()).toEqual(["u-alice", "u-bob"]);
    expect(result.outputs.owners.value).toEqual(["owner: alice@example.com, bob@example.com"]);
  });

  it("reordering and repeating users is no change", async () => {
    await e2e.stack.setConfig("sets", { value: JSON.stringify([{ ...payrollOwners, userIds: ["u-bob", "u-alice", "u-bob"] }]) });
    const preview = await e2e.stack.preview(e2e.recording());
    expect(preview.changeSummary).toEqual({ same: 2 });
  });

  it("an owner added in C1 outside the program shows in preview --refresh and up removes it", async () => {
    emulator.store.addOwner(role.appId, role.connectorId, role.roleSlug, "u-erin");
    const since = e2e.events.length;
    const preview = await e2e.stack.preview({ ...e2e.recording(), refresh: true, diff: true });
    expect(e2e.plannedSteps(since)).toEqual(["update payroll-okta-owners"]);
    expect(preview.stdout).toMatch(/-\s+\[2\]: "u-erin"/);
    const drift = await e2e.run(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(drift.code).not.toBe(0);
    const result = await e2e.stack.up({ ...e2e.recording(), refresh: true });
    expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(roleOwners()).toEqual(["u-alice", "u-bob"]);
  });

  it("an owner removed in C1 outside the program is restored", async () => {
    emulator.store.removeOwner(role.appId, role.connectorId, role.roleSlug, "u-bob");
    const since = e2e.events.length;
    const preview = await e2e.stack.preview({ ...e2e.recording(), refresh: true, diff: true });
    expect(e2e.plannedSteps(since)).toEqual(["update payroll-okta-owners"]);
    expect(preview.stdout).toMatch(/\+\s+\[1\]: "u-bob"/);
    await e2e.stack.up({ ...e2e.recording(), refresh: true });
    expect(roleOwners()).toEqual(["u-alice", "u-bob"]);
  });

  it("changing the list updates the set in place", async () => {
    await e2e.stack.setConfig("sets", { value: JSON.stringify([{ ...payrollOwners, userIds: ["u-bob", "u-dave"] }]) });
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(roleOwners()).toEqual(["u-bob", "u-dave"]);
  });

  it("refuses a role given both a set and single owners, before anything changes", async () => {
    await e2e.stack.setConfig("singles", { value: JSON.stringify([{ name: "payroll-okta-owner-erin", ...role, userId: "u-erin" }]) });
    const before = emulator.requests.filter((entry) => entry.kind === "api" && entry.method !== "GET").length;
    const error = await e2e.stack.up(e2e.recording()).then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(String(error)).toContain("is already managed by a ConnectorUserOwners resource in this program");
    expect(emulator.requests.filter((entry) => entry.kind === "api" && entry.method !== "GET").length).toBe(before);
    expect(roleOwners()).toEqual(["u-bob", "u-dave"]);
    await e2e.stack.removeConfig("singles");
  });

  it("destroy leaves only the owners the stack never managed", async () => {
    await e2e.stack.destroy(e2e.recording());
    expect(emulator.store.listOwners()).toEqual([{ ...role, roleSlug: "admin", userId: "u-carol" }]);
  });
});
