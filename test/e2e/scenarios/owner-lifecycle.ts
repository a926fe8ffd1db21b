/**
 * The lifecycle of ConnectorUserOwner under the real Pulumi engine, as one suite for any program
 * that declares one owner per entry of config `owners` and exports `ownerEmails`: up, drift seen by
 * preview --refresh and by refresh --expect-no-changes, repair by up --refresh, destroy, and no
 * credential in state or output. owner-lifecycle.test.ts runs it on the in-repo program,
 * packaged-consumer.test.ts on the packed package installed in a user's project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../../src/emulator";
import { findLeak } from "../../support/provider-fixture";
import { clientSecretParts, OWNER_TYPE, startEmulatorStack, type E2eStack } from "../harness";

export const alice = { name: "payroll-owner-alice", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
export const bob = { name: "payroll-owner-bob", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" };
export const carol = { name: "payroll-admin-carol", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userId: "u-carol" };

/** The C1 key of a declared owner. */
export const keyOf = ({ appId, connectorId, roleSlug, userId }: typeof alice) => ({ appId, connectorId, roleSlug, userId });

/** Keys as sorted strings, to compare sets of owners. */
export const sortKeys = (keys: object[]) => keys.map((key) => JSON.stringify(key)).sort();

/** What the suite's tests work on; filled in by its beforeAll, so read it inside a test. */
export interface OwnerLifecycle {
  programDir: string;
  emulator: C1Emulator;
  clientSecret: string;
  e2e: E2eStack;
}

export interface OwnerLifecycleOptions {
  /** Prepares the program to drive (e.g. installs it) and returns its directory. */
  setup: () => Promise<string>;
  /** How long preparing the program and the stack may take. */
  setupTimeoutMs?: number;
  /** Type-check the program on every run (see `E2eStackOptions.typeCheck`). @default false */
  typeCheck?: boolean;
  /** Registers tests of this program alone, run right after the first `up` (alice, bob and carol exist). */
  afterUp?: (lifecycle: OwnerLifecycle) => void;
  /** Registers tests of this program alone, run after the drift is repaired and before `destroy`. */
  beforeDestroy?: (lifecycle: OwnerLifecycle) => void;
}

/** Describes the lifecycle suite under `label`, on the program that `options.setup` prepares. */
export function describeOwnerLifecycle(label: string, options: OwnerLifecycleOptions): void {
  describe(label, () => {
    const lifecycle = {} as Partial<OwnerLifecycle>;
    const ready = lifecycle as OwnerLifecycle;

    beforeAll(async () => {
      const programDir = await options.setup();
      const { emulator, clientSecret, e2e } = await startEmulatorStack({ programDir, typeCheck: options.typeCheck });
      Object.assign(lifecycle, { programDir, emulator, clientSecret, e2e });
      await e2e.setOwners([alice, bob, carol]);
    }, options.setupTimeoutMs);

    afterAll(async () => {
      await lifecycle.e2e?.dispose();
      await lifecycle.emulator?.close();
    });

    it("up creates three owners on two roles and exports their emails", async () => {
      const { e2e, emulator } = ready;
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.result).toBe("succeeded");
      expect(result.summary.resourceChanges).toMatchObject({ create: 4 });
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([alice, bob, carol].map(keyOf)));
      expect(result.outputs.ownerEmails.value).toEqual(["admin:carol@example.com", "owner:alice@example.com", "owner:bob@example.com"]);
    });

    options.afterUp?.(ready);

    it("shows the readable type token in state", async () => {
      const exported = await ready.e2e.stack.exportStack();
      const types = (exported.deployment.resources as Array<{ type: string }>).map((resource) => resource.type);
      expect(types).toContain(OWNER_TYPE);
    });

    it("a second preview reports no changes", async () => {
      const { e2e } = ready;
      const since = e2e.events.length;
      const preview = await e2e.stack.preview(e2e.recording());
      expect(preview.changeSummary).toEqual({ same: 4 });
      expect(e2e.plannedSteps(since)).toEqual([]);
    });

    it("preview --refresh plans a create for exactly the owner deleted behind the stack's back", async () => {
      const { e2e, emulator } = ready;
      emulator.store.removeOwner("app-payroll", "conn-okta", "owner", "u-bob");
      const since = e2e.events.length;
      const preview = await e2e.stack.preview({ ...e2e.recording(), refresh: true });
      expect(e2e.plannedSteps(since)).toEqual(["create payroll-owner-bob"]);
      expect(preview.changeSummary.create).toBe(1);
      // A preview changes nothing.
      expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
    });

    it("refresh --preview-only --expect-no-changes exits non-zero on that drift", async () => {
      const result = await ready.e2e.run(["refresh", "--preview-only", "--expect-no-changes"]);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toContain("payroll-owner-bob");
      expect(result.stdout + result.stderr).toMatch(/no changes were expected.* but changes were proposed/i);
    });

    it("up --refresh restores the owner", async () => {
      const { e2e, emulator } = ready;
      const result = await e2e.stack.up({ ...e2e.recording(), refresh: true });
      expect(result.summary.resourceChanges).toMatchObject({ create: 1 });
      expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(true);
      expect(emulator.store.listOwners()).toHaveLength(3);
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys([alice, bob, carol].map(keyOf)));
      const clean = await e2e.run(["refresh", "--preview-only", "--expect-no-changes"]);
      expect(clean.code).toBe(0);
    });

    options.beforeDestroy?.(ready);

    it("keeps the client secret, the private key and every access token out of the state of live owners", async () => {
      const { e2e, emulator, clientSecret } = ready;
      // `pulumi stack export` as stored, secrets encrypted (the Automation API's export decrypts them).
      const { resources } = await e2e.exportDeployment();
      // The owners are there, with the outputs the provider wrote: a state worth searching.
      const owners = resources.filter((resource) => resource.type === OWNER_TYPE);
      expect(owners.length).toBeGreaterThanOrEqual(3);
      expect(owners.every((resource) => resource.outputs?.user !== undefined)).toBe(true);
      expect(emulator.issuedTokens().length).toBeGreaterThan(0);
      expect(findLeak(JSON.stringify(resources), [...clientSecretParts(clientSecret), ...emulator.issuedTokens()])).toBeUndefined();
    });

    it("destroy leaves the emulator empty", async () => {
      const { e2e, emulator } = ready;
      const result = await e2e.stack.destroy(e2e.recording());
      expect(result.summary.result).toBe("succeeded");
      expect(emulator.store.listOwners()).toEqual([]);
    });

    it("keeps them out of every state the backend kept (history, backups) and of all output", async () => {
      const { e2e, emulator, clientSecret } = ready;
      const secrets = [...clientSecretParts(clientSecret), ...emulator.issuedTokens()];
      expect(emulator.issuedTokens().length).toBeGreaterThan(0);
      const backend = await e2e.rawBackendText();
      // The stack is empty now, but its history and backups keep the states the owners were in.
      expect(backend).toContain("alice@example.com");
      expect(findLeak(backend, secrets)).toBeUndefined();
      expect(findLeak(e2e.transcript.join("\n"), secrets)).toBeUndefined();
    });
  });
}
