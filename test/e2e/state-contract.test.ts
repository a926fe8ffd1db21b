/**
 * The state contract: what users' state records to load the provider (`__provider`). From the
 * installed package it is one `require` of a stable `exports` entry per resource; a change to that
 * text, or to where the entry leads, breaks every existing stack. State written by 0.1.0, before
 * the layout moved, must still load: the fixtures are its `__provider` texts, byte for byte.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { createConsumerProject, packRepo } from "../support/consumer-project";
import { statedProviderBytes } from "../support/readme";
import { type DynamicType, FIXTURES, LEGACY_ENTRIES, providerTextRequiring, STATE_ENTRIES, STATED_SIZE_MARGIN_BYTES } from "../support/state-contract";
import { startTestEmulator } from "../support/provider-fixture";
import { E2eStack, emulatorStackConfig } from "./harness";

const fixture = (type: DynamicType) => readFile(path.join(__dirname, "../fixtures/state-contract", FIXTURES[type]), "utf8");

const owner = { name: "payroll-owner-alice", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const admins = { name: "payroll-admins", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userIds: ["u-carol", "u-dave"] };

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

let workDir: string;
let projectDir: string;
let emulator: C1Emulator;
let e2e: E2eStack;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "c1-state-contract-"));
  const tarball = await packRepo(workDir);
  projectDir = path.join(workDir, "consumer");
  await createConsumerProject({ templateDir: path.resolve(__dirname, "consumer"), projectDir, sdkVersion: "3.276.0", tarball });
  let clientId: string;
  let clientSecret: string;
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
  e2e = await E2eStack.create({
    programDir: projectDir,
    config: emulatorStackConfig(emulator.url, { clientId, clientSecret }),
  });
  await e2e.setOwners([owner]);
  await e2e.stack.setConfig("sets", { value: JSON.stringify([admins]) });
}, 240_000);

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function dynamicResources(): Promise<StateResource[]> {
  const exported = await e2e.stack.exportStack();
  return ((exported.deployment?.resources ?? []) as StateResource[]).filter((resource) => resource.type in STATE_ENTRIES);
}

describe("the state contract of the installed package", () => {
  it("records exactly one require of the resource's state entry as __provider", async () => {
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    const resources = await dynamicResources();
    expect(resources.map((resource) => resource.type).sort()).toEqual(Object.keys(STATE_ENTRIES).sort());
    for (const resource of resources) {
      const type = resource.type as DynamicType;
      expect(resource.outputs?.__provider).toBe(providerTextRequiring(STATE_ENTRIES[type]));
      expect(resource.inputs?.__provider).toBe(providerTextRequiring(STATE_ENTRIES[type]));
    }
    // Each is about the size the README states.
    const stated = await statedProviderBytes();
    for (const resource of resources) {
      const bytes = Buffer.byteLength(String(resource.outputs?.__provider));
      console.log(`__provider bytes (${resource.type}): ${bytes}`);
      for (const figure of stated) {
        expect(Math.abs(bytes - figure), `the README states ${figure} bytes per resource, ${resource.type} has ${bytes}`).toBeLessThanOrEqual(
          STATED_SIZE_MARGIN_BYTES,
        );
      }
    }
  });

  it("resolves every recorded specifier, old and new, to the same state-entry module", () => {
    const requireFromProgram = createRequire(path.join(projectDir, "index.ts"));
    for (const type of Object.keys(STATE_ENTRIES) as DynamicType[]) {
      const file = requireFromProgram.resolve(STATE_ENTRIES[type]);
      expect(file).toMatch(/dist\/provider\/dynamic\/state-entry\/connector-user-owners?\.js$/);
      expect(requireFromProgram.resolve(LEGACY_ENTRIES[type])).toBe(file);
    }
  });

  it("keeps the 0.1.0 fixtures in the same shape, requiring the 0.1.0 paths", async () => {
    for (const type of Object.keys(FIXTURES) as DynamicType[]) {
      expect(await fixture(type)).toBe(providerTextRequiring(LEGACY_ENTRIES[type]));
    }
  });

  it("refreshes and destroys a stack whose state was written by 0.1.0", async () => {
    // Turn the state into what 0.1.0 wrote: the same resources, with 0.1.0's __provider texts.
    const exported = await e2e.stack.exportStack();
    for (const resource of (exported.deployment?.resources ?? []) as StateResource[]) {
      if (!(resource.type in FIXTURES)) continue;
      const legacy = await fixture(resource.type as DynamicType);
      if (resource.inputs) resource.inputs.__provider = legacy;
      if (resource.outputs) resource.outputs.__provider = legacy;
    }
    await e2e.stack.importStack(exported);
    const legacyTexts = (await dynamicResources()).map((resource) => resource.outputs?.__provider);
    expect(legacyTexts.every((text) => typeof text === "string" && text.includes("/dist/provider/owner-"))).toBe(true);

    // Read: someone removed u-dave in C1; a refresh through the old providers sees it.
    emulator.store.removeOwner("app-payroll", "conn-okta", "admin", "u-dave");
    const since = emulator.requests.length;
    const refresh = await e2e.stack.refresh(e2e.recording());
    expect(refresh.summary.result).toBe("succeeded");
    const paths = emulator.requests
      .slice(since)
      .filter((entry) => entry.kind === "api")
      .map((entry) => `${entry.method} ${entry.path}`);
    expect(paths).toContain("GET /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice");
    expect(paths).toContain("GET /api/v2/apps/app-payroll/connectors/conn-okta/owners/users");
    const refreshedSet = (await dynamicResources()).find((resource) => resource.type.endsWith("ConnectorUserOwners"));
    expect(refreshedSet?.outputs?.userIds).toEqual(["u-carol"]);

    // Delete: destroy runs each resource's recorded provider, the 0.1.0 texts included.
    const destroyed = await e2e.stack.destroy(e2e.recording());
    expect(destroyed.summary.result).toBe("succeeded");
    expect(emulator.store.listOwners({ appId: "app-payroll" })).toEqual([]);
  });
});
