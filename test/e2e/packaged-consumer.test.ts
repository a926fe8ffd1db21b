/**
 * The published package as a user gets it: `npm pack` of this repo installed into a separate
 * Pulumi program (test/e2e/consumer) from node_modules, on the newest @pulumi/pulumi and on the
 * lowest version our peer range admits, driven by the real CLI against the emulator.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../scripts/c1-emulator";
import { createConsumerProject, installedVersion, PACKAGE_NAME, packRepo } from "../support/consumer-project";
import { findLeak, startTestEmulator } from "../support/provider-fixture";
import { providerTextRequiring, STATE_ENTRIES } from "../support/state-contract";
import { clientSecretParts, E2eStack, emulatorStackConfig } from "./harness";

/** The newest @pulumi/pulumi we test with, and the lowest that package.json's peer range admits. */
const SDK_VERSIONS = ["3.276.0", "3.250.0"];

const templateDir = path.resolve(__dirname, "consumer");

const alice = { name: "payroll-owner-alice", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const bob = { name: "payroll-owner-bob", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" };
const carol = { name: "payroll-admin-carol", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userId: "u-carol" };
const keyOf = ({ appId, connectorId, roleSlug, userId }: typeof alice) => ({ appId, connectorId, roleSlug, userId });
const sortKeys = (keys: object[]) => keys.map((key) => JSON.stringify(key)).sort();

let workDir: string;
let tarball: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "c1-consumer-"));
  tarball = await packRepo(workDir);
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(SDK_VERSIONS)("the packed package installed next to @pulumi/pulumi %s", (sdkVersion) => {
  let projectDir: string;
  let emulator: C1Emulator;
  let clientSecret: string;
  let e2e: E2eStack;

  beforeAll(async () => {
    projectDir = path.join(workDir, `consumer-${sdkVersion}`);
    await createConsumerProject({ templateDir, projectDir, sdkVersion, tarball });
    expect(await installedVersion(projectDir, "@pulumi/pulumi")).toBe(sdkVersion);
    let clientId: string;
    ({ emulator, clientId, clientSecret } = await startTestEmulator());
    e2e = await E2eStack.create({
      programDir: projectDir,
      config: emulatorStackConfig(emulator.url, clientId, clientSecret, { "conductorone:retryBaseDelayMs": "100" }),
    });
    await e2e.setOwners([alice, bob, carol]);
  }, 240_000);

  afterAll(async () => {
    await e2e?.dispose();
    await emulator?.close();
  });

  it("up creates three owners on two roles and exports their emails", async () => {
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges).toMatchObject({ create: 4 });
    expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([alice, bob, carol].map(keyOf)));
    expect(result.outputs.ownerEmails.value).toEqual(["admin:carol@example.com", "owner:alice@example.com", "owner:bob@example.com"]);
  });

  it("serializes a provider that requires the installed package instead of inlining its code", async () => {
    const texts = await e2e.providerTexts();
    expect(texts).toHaveLength(3);
    const bytes = Math.max(...texts.map((text) => Buffer.byteLength(text)));
    console.log(`__provider bytes per resource (installed package, @pulumi/pulumi ${sdkVersion}): ${bytes}`);
    for (const text of texts) {
      const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
      const ours = required.filter((specifier) => specifier.startsWith(`${PACKAGE_NAME}/`));
      expect(ours.length).toBeGreaterThan(0);
      // Only the package and the SDK are loaded: axios and jose are not, since no code of ours that uses them is inlined.
      expect(required.filter((specifier) => !ours.includes(specifier) && !specifier.startsWith("@pulumi/pulumi/"))).toEqual([]);
      // Every module it loads is one the package's "exports" admits, resolved from the program as the provider process does.
      const requireFromProgram = createRequire(path.join(projectDir, "index.ts"));
      for (const specifier of ours) expect(() => requireFromProgram.resolve(specifier)).not.toThrow();
      // The helpers live in the package, not in the text (inlined functions carry their name in a comment).
      expect(text).not.toMatch(/function \/\*(clientFor|resolveSettings|createUserOwner|parseOwnerId)\*\//);
    }
    // Exactly the state contract's text: one require of the resource's state entry.
    for (const text of texts) expect(text).toBe(providerTextRequiring(STATE_ENTRIES["pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner"]));
    // The provider is one module object, serialized as a single require: the target is 2 KB per
    // resource (inlining the code from the repo's sources instead takes about 58 KB).
    expect(bytes).toBeLessThanOrEqual(2048);
  });

  it("preview --refresh plans a create for exactly the owner deleted behind the stack's back", async () => {
    emulator.store.removeOwner("app-payroll", "conn-okta", "owner", "u-bob");
    const since = e2e.events.length;
    const preview = await e2e.stack.preview({ ...e2e.recording(), refresh: true });
    expect(e2e.plannedSteps(since)).toEqual(["create payroll-owner-bob"]);
    expect(preview.changeSummary.create).toBe(1);
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
  });

  it("refresh --preview-only --expect-no-changes exits non-zero on that drift", async () => {
    const result = await e2e.cli(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("payroll-owner-bob");
  });

  it("up --refresh restores the owner", async () => {
    const result = await e2e.stack.up({ ...e2e.recording(), refresh: true });
    expect(result.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([alice, bob, carol].map(keyOf)));
  });

  it("destroy leaves the emulator empty", async () => {
    const result = await e2e.stack.destroy(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    expect(emulator.store.listOwners()).toEqual([]);
  });

  it("keeps the client secret, the private key and every access token out of state and output", async () => {
    const secrets = [...clientSecretParts(clientSecret), ...emulator.issuedTokens()];
    expect(emulator.issuedTokens().length).toBeGreaterThan(0);
    expect(findLeak(JSON.stringify(await e2e.stack.exportStack()), secrets)).toBeUndefined();
    expect(findLeak(await e2e.rawBackendText(), secrets)).toBeUndefined();
    expect(findLeak(e2e.transcript.join("\n"), secrets)).toBeUndefined();
  });
});
