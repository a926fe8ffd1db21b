/**
 * ConnectorUserOwner under the real Pulumi engine: the provider serialized into state, run in the
 * engine's dynamic provider process, diffed, refreshed and destroyed, against the emulator.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../scripts/c1-emulator";
import { findLeak, startTestEmulator } from "../support/provider-fixture";
import { clientSecretParts, E2eStack, emulatorStackConfig } from "./harness";

const programDir = path.resolve(__dirname, "programs/owners");

const alice = { name: "payroll-owner-alice", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const bob = { name: "payroll-owner-bob", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" };
const carol = { name: "payroll-admin-carol", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userId: "u-carol" };
const keyOf = ({ appId, connectorId, roleSlug, userId }: typeof alice) => ({ appId, connectorId, roleSlug, userId });
const sortKeys = (keys: object[]) => keys.map((key) => JSON.stringify(key)).sort();

let emulator: C1Emulator;
let clientSecret: string;
let e2e: E2eStack;

beforeAll(async () => {
  let clientId: string;
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
  e2e = await E2eStack.create({
    programDir,
    config: emulatorStackConfig(emulator.url, clientId, clientSecret, { "conductorone:retryBaseDelayMs": "100" }),
  });
  await e2e.setOwners([alice, bob, carol]);
});

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

describe("ConnectorUserOwner with the real Pulumi engine", () => {
  it("up creates three owners on two roles and exports their emails", async () => {
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges).toMatchObject({ create: 4 });
    expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([alice, bob, carol].map(keyOf)));
    expect(result.outputs.ownerEmails.value).toEqual(["admin:carol@example.com", "owner:alice@example.com", "owner:bob@example.com"]);
  });

  it("shows the readable type token in state", async () => {
    const exported = await e2e.stack.exportStack();
    const types = (exported.deployment.resources as Array<{ type: string }>).map((resource) => resource.type);
    expect(types).toContain("pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner");
  });

  it("a second preview reports no changes", async () => {
    const since = e2e.events.length;
    const preview = await e2e.stack.preview(e2e.recording());
    expect(preview.changeSummary).toEqual({ same: 4 });
    expect(e2e.plannedSteps(since)).toEqual([]);
  });

  it("preview --refresh plans a create for exactly the owner deleted behind the stack's back", async () => {
    emulator.store.removeOwner("app-payroll", "conn-okta", "owner", "u-bob");
    const since = e2e.events.length;
    const preview = await e2e.stack.preview({ ...e2e.recording(), refresh: true });
    expect(e2e.plannedSteps(since)).toEqual(["create payroll-owner-bob"]);
    expect(preview.changeSummary.create).toBe(1);
    // A preview changes nothing.
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
  });

  it("refresh --preview-only --expect-no-changes exits non-zero on that drift", async () => {
    const result = await e2e.cli(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("payroll-owner-bob");
    expect(result.stdout + result.stderr).toMatch(/no changes were expected.* but changes were proposed/i);
  });

  it("up --refresh restores the owner", async () => {
    const result = await e2e.stack.up({ ...e2e.recording(), refresh: true });
    expect(result.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(true);
    expect(emulator.store.listOwners()).toHaveLength(3);
    const clean = await e2e.cli(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(clean.code).toBe(0);
  });

  it("changing one owner's roleSlug previews as a replace and up swaps the owners", async () => {
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
    emulator.store.addOwner("app-github", "conn-github", "owner", "u-erin");
    await e2e.stack.setConfig("lookupId", { value: "app-github/conn-github/owner/u-erin" });
    const result = await e2e.stack.up(e2e.recording());
    expect(result.outputs.lookedUpEmail.value).toBe("erin@example.com");
    await e2e.stack.removeConfig("lookupId");
    await e2e.stack.up(e2e.recording());
    // Dropping the lookup from the program never deletes what it read.
    expect(emulator.store.hasOwner("app-github", "conn-github", "owner", "u-erin")).toBe(true);
    emulator.store.removeOwner("app-github", "conn-github", "owner", "u-erin");
  });

  it("adopts an owner created outside Pulumi when the program declares it", async () => {
    emulator.store.addOwner("app-payroll", "conn-workday", "owner", "u-dave");
    const dave = { name: "workday-owner-dave", appId: "app-payroll", connectorId: "conn-workday", roleSlug: "owner", userId: "u-dave" };
    await e2e.setOwners([alice, { ...bob, roleSlug: "admin" }, carol, dave]);
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(emulator.store.listOwners({ connectorId: "conn-workday" })).toEqual([keyOf(dave)]);
    expect(result.stdout + result.stderr).toContain("adopting it into the stack");
  });

  it("destroy leaves the emulator empty", async () => {
    const result = await e2e.stack.destroy(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    expect(emulator.store.listOwners()).toEqual([]);
  });

  it("keeps the client secret, the private key and every access token out of state and output", async () => {
    const secrets = [...clientSecretParts(clientSecret), ...emulator.issuedTokens()];
    expect(emulator.issuedTokens().length).toBeGreaterThan(0);
    const exported = JSON.stringify(await e2e.stack.exportStack());
    expect(findLeak(exported, secrets)).toBeUndefined();
    expect(findLeak(await e2e.rawBackendText(), secrets)).toBeUndefined();
    expect(findLeak(e2e.transcript.join("\n"), secrets)).toBeUndefined();
  });
});
