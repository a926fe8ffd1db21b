/**
 * Upgrading the root stack in place. From 0.1's program written inline (one ConnectorUserOwners
 * per role, kept in test/e2e/programs/root-stack-0.1) to today's stack/index.ts, which calls the
 * package's declareOwnership(): no change at all, same URNs, no request that writes to C1.
 *
 * From one resource per owner (the program up to 0.1.0, kept in
 * test/e2e/programs/ownership-one-resource-per-owner) to one resource per role must not touch C1:
 * each role's set lists C1 first and POSTs only users it lacks (none), and each old single owner
 * leaves the stack without a DELETE because the set of the same deployment lists it.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { OWNER_RESOURCE_TYPES } from "../../src/provider/model/type-tokens";
import { readDemoDocument, ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { type E2eStack, OWNER_TYPE, startEmulatorStack } from "./harness";

const STEP_TIMEOUT = 180_000;
const SET_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwners;
const ONE_RESOURCE_PER_OWNER = path.resolve(__dirname, "programs/ownership-one-resource-per-owner");
const INLINE_0_1 = path.resolve(__dirname, "programs/root-stack-0.1");

let emulator: C1Emulator;
let before: E2eStack;
let after: E2eStack | undefined;

const c1Owners = () =>
  emulator.store
    .listOwners()
    .map((owner) => JSON.stringify(owner))
    .sort();

async function resourceNames(stack: E2eStack, type: string): Promise<string[]> {
  const { resources } = await stack.exportDeployment();
  return resources
    .filter((resource) => resource.type === type)
    .map((resource) => resource.urn.split("::").pop()!)
    .sort();
}

beforeAll(async () => {
  ({ emulator, e2e: before } = await startEmulatorStack({ programDir: ONE_RESOURCE_PER_OWNER }));
  await writeOwnershipDocument(before, await readDemoDocument());
}, STEP_TIMEOUT);

afterAll(async () => {
  await (after ?? before)?.dispose();
  await emulator?.close();
});

describe("moving a populated root stack from one resource per owner to one per role", () => {
  it(
    "the old program holds one ConnectorUserOwner per owner",
    async () => {
      const result = await before.stack.up(before.recording());
      expect(result.summary.result).toBe("succeeded");
      // The demo document's 10 owners: 2 in each of its 5 roles.
      expect(await resourceNames(before, OWNER_TYPE)).toHaveLength(10);
      expect(c1Owners()).toHaveLength(10);
    },
    STEP_TIMEOUT,
  );

  it(
    "the new program's up replaces them with one ConnectorUserOwners per role, with no POST and no DELETE",
    async () => {
      const ownersBefore = c1Owners();
      after = await before.movedTo(ROOT_STACK_DIR);
      const since = emulator.requests.length;
      const result = await after.up();
      expect(result.code, result.stdout.slice(-3000)).toBe(0);
      const writes = emulator.requests.slice(since).filter((entry) => entry.kind === "api" && entry.method !== "GET");
      expect(writes).toEqual([]);
      expect(c1Owners()).toEqual(ownersBefore);
      expect(await resourceNames(after, OWNER_TYPE)).toEqual([]);
      expect(await resourceNames(after, SET_TYPE)).toEqual([
        "app-github/conn-github/admin",
        "app-github/conn-github/owner",
        "app-payroll/conn-okta/admin",
        "app-payroll/conn-okta/owner",
        "app-payroll/conn-workday/owner",
      ]);
      expect(result.stdout).toContain("leaves the stack without a DELETE");
    },
    STEP_TIMEOUT,
  );

  it(
    "and then previews no changes, refreshed or not",
    async () => {
      const plain = await after!.run(["preview", "--expect-no-changes"]);
      expect(plain.code, plain.stdout.slice(-3000)).toBe(0);
      const refreshed = await after!.run(["preview", "--refresh", "--expect-no-changes"]);
      expect(refreshed.code, refreshed.stdout.slice(-3000)).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    "an owner removed from the document in the same move is still deleted",
    async () => {
      // A second stack and C1, moved while the document drops u-bob: his single resource must DELETE.
      const second = await startEmulatorStack({ programDir: ONE_RESOURCE_PER_OWNER });
      let moved: E2eStack | undefined;
      try {
        const document = (await readDemoDocument()) as Record<string, Record<string, Record<string, unknown>>>;
        await writeOwnershipDocument(second.e2e, document);
        expect((await second.e2e.up()).code).toBe(0);
        moved = await second.e2e.movedTo(ROOT_STACK_DIR);
        document["app-payroll"]["conn-okta"].owner = ["u-alice"];
        await writeOwnershipDocument(moved, document);
        const since = second.emulator.requests.length;
        const result = await moved.up();
        expect(result.code, result.stdout.slice(-3000)).toBe(0);
        const writes = second.emulator.requests.slice(since).filter((entry) => entry.kind === "api" && entry.method !== "GET");
        expect(writes.map((entry) => `${entry.method} ${entry.path.split("/").pop()}`)).toEqual(["DELETE u-bob"]);
        expect(second.emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
        expect(second.emulator.store.listOwners()).toHaveLength(9);
      } finally {
        await (moved ?? second.e2e).dispose();
        await second.emulator.close();
      }
    },
    STEP_TIMEOUT,
  );
});

describe("moving a root stack deployed by 0.1's inline program to declareOwnership()", () => {
  it(
    "previews and updates with no change, the same URNs and outputs, and no write to C1",
    async () => {
      const old = await startEmulatorStack({ programDir: INLINE_0_1 });
      let moved: E2eStack | undefined;
      try {
        await writeOwnershipDocument(old.e2e, await readDemoDocument());
        expect((await old.e2e.up()).code).toBe(0);
        const urnsBefore = (await old.e2e.exportDeployment()).resources.map((resource) => resource.urn).sort();
        const outputsBefore = await old.e2e.stack.outputs();
        moved = await old.e2e.movedTo(ROOT_STACK_DIR);
        const since = old.emulator.requests.length;
        const preview = await moved.run(["preview", "--refresh", "--expect-no-changes"]);
        expect(preview.code, preview.stdout.slice(-3000)).toBe(0);
        const up = await moved.up(["--expect-no-changes"]);
        expect(up.code, up.stdout.slice(-3000)).toBe(0);
        expect(old.emulator.requests.slice(since).filter((entry) => entry.kind === "api" && entry.method !== "GET")).toEqual([]);
        expect((await moved.exportDeployment()).resources.map((resource) => resource.urn).sort()).toEqual(urnsBefore);
        expect(urnsBefore.filter((urn) => urn.includes(SET_TYPE))).toHaveLength(5);
        expect(await moved.stack.outputs()).toEqual(outputsBefore);
      } finally {
        await (moved ?? old.e2e).dispose();
        await old.emulator.close();
      }
    },
    STEP_TIMEOUT,
  );
});
