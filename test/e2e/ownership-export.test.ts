/**
 * Adopting what C1 has without changing it: owners the stack never made are exported into the
 * root stack's Pulumi.<stack>.yaml with `c1-ownership export` (the C1 settings, secret
 * included, read from that stack's config), then `up` takes every owner into the stack with no
 * POST and no DELETE, and `preview --expect-no-changes` passes.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { C1Emulator } from "../../src/emulator";
import { findLeak } from "../support/provider-fixture";
import { OWNERS_CONFIG_KEY, ROOT_STACK_DIR } from "../support/root-stack";
import { type E2eStack, runProcess, startEmulatorStack, C1_OWNERSHIP_CLI } from "./harness";
import { OWNER_RESOURCE_TYPES } from "../../src/provider/model/type-tokens";

const STEP_TIMEOUT = 180_000;
const SET_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwners;

let emulator: C1Emulator;
let e2e: E2eStack;
let clientSecret: string;

const c1Owners = () =>
  emulator.store
    .listOwners()
    .map((owner) => JSON.stringify(owner))
    .sort();

beforeAll(async () => {
  // Two owners a page, so conn-okta's owner role (five owners) takes three pages.
  ({ emulator, e2e, clientSecret } = await startEmulatorStack({ programDir: ROOT_STACK_DIR, emulator: { maxPageSize: 2 } }));
  for (const user of ["u-erin", "u-alice", "u-dave", "u-bob", "u-carol"]) emulator.store.addOwner("app-payroll", "conn-okta", "owner", user);
  emulator.store.addOwner("app-payroll", "conn-okta", "admin", "u-carol");
  emulator.store.addOwner("app-github", "conn-github", "owner", "u-dave");
  emulator.store.addOwner("app-github", "conn-github", "admin", "u-erin");
}, STEP_TIMEOUT);

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

describe("exporting C1's owners into the root stack, then adopting them", () => {
  it(
    "the export writes exactly what C1 has into Pulumi.<stack>.yaml, reading the settings from the stack's config",
    async () => {
      // Only the stack's config (its secret decrypted by the CLI) tells the export where C1 is.
      const env = Object.fromEntries(Object.entries({ ...process.env, ...e2e.env }).filter(([name]) => !name.startsWith("CONDUCTORONE_")));
      const args = [C1_OWNERSHIP_CLI, "export", "--connector", "app-payroll/conn-okta", "--connector", "app-github/conn-github"];
      const result = await runProcess(process.execPath, [...args, "--stack", e2e.stackName], { cwd: ROOT_STACK_DIR, env });
      expect(result.code, result.output).toBe(0);
      expect(result.stderr).toContain("wrote 8 owner(s) of 2 connector(s)");
      expect(findLeak(result.output, [clientSecret])).toBeUndefined();

      const text = await readFile(path.join(ROOT_STACK_DIR, `Pulumi.${e2e.stackName}.yaml`), "utf8");
      const config = parse(text).config;
      expect(config[OWNERS_CONFIG_KEY]).toEqual({
        "app-github": { "conn-github": { admin: ["u-erin"], owner: ["u-dave"] } },
        "app-payroll": { "conn-okta": { admin: ["u-carol"], owner: ["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"] } },
      });
      expect(config["conductorone:clientSecret"]).toHaveProperty("secure");
      expect(text).not.toContain(clientSecret);
      const pages = emulator.requests.filter((entry) => entry.kind === "api" && entry.path.includes("conn-okta"));
      expect(pages).toHaveLength(3);

      const again = await runProcess(process.execPath, [...args, "--stack", e2e.stackName], { cwd: ROOT_STACK_DIR, env });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("pass --force");
    },
    STEP_TIMEOUT,
  );

  it(
    "up takes every owner into the stack with no POST and no DELETE",
    async () => {
      const ownersBefore = c1Owners();
      const since = emulator.requests.length;
      const result = await e2e.up();
      expect(result.code, result.stdout.slice(-3000)).toBe(0);
      const writes = emulator.requests.slice(since).filter((entry) => entry.kind === "api" && entry.method !== "GET");
      expect(writes).toEqual([]);
      expect(c1Owners()).toEqual(ownersBefore);
      const { resources } = await e2e.exportDeployment();
      expect(
        resources
          .filter((resource) => resource.type === SET_TYPE)
          .map((resource) => resource.urn.split("::").pop())
          .sort(),
      ).toEqual(["app-github/conn-github/admin", "app-github/conn-github/owner", "app-payroll/conn-okta/admin", "app-payroll/conn-okta/owner"]);
    },
    STEP_TIMEOUT,
  );

  it(
    "and then previews no changes, refreshed or not",
    async () => {
      const plain = await e2e.run(["preview", "--expect-no-changes"]);
      expect(plain.code, plain.stdout.slice(-3000)).toBe(0);
      const refreshed = await e2e.run(["preview", "--refresh", "--expect-no-changes"]);
      expect(refreshed.code, refreshed.stdout.slice(-3000)).toBe(0);
    },
    STEP_TIMEOUT,
  );
});
