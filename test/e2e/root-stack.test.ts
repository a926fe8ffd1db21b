/**
 * The root stack (Pulumi.yaml at the top of the repo) with the real Pulumi CLI against the
 * emulator: the ownership document in Pulumi.<stack>.yaml becomes one ConnectorUserOwners per
 * role, named after its keys, so only real additions and removals change anything.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { emulatorServerEnv, startTestEmulator } from "../support/provider-fixture";
import { commandsRunIn } from "../support/readme";
import { readDemoDocument, ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { type E2eStack, runProcess, startEmulatorStack, type ProcessResult } from "./harness";
import { OWNER_RESOURCE_TYPES } from "../../src/provider/model/type-tokens";

const SET_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwners;

const STEP_TIMEOUT = 180_000;

const key = (appId: string, connectorId: string, roleSlug: string, userId: string) => ({ appId, connectorId, roleSlug, userId });
const sortKeys = (keys: object[]) => keys.map((entry) => JSON.stringify(entry)).sort();

/** The roles Pulumi.demo.yaml declares, one resource each. */
const DEMO_ROLES = [
  "app-github/conn-github/admin",
  "app-github/conn-github/owner",
  "app-payroll/conn-okta/admin",
  "app-payroll/conn-okta/owner",
  "app-payroll/conn-workday/owner",
];

/** What Pulumi.demo.yaml declares. */
const DEMO_OWNERS = [
  key("app-payroll", "conn-okta", "owner", "u-alice"),
  key("app-payroll", "conn-okta", "owner", "u-bob"),
  key("app-payroll", "conn-okta", "admin", "u-carol"),
  key("app-payroll", "conn-okta", "admin", "u-erin"),
  key("app-payroll", "conn-workday", "owner", "u-carol"),
  key("app-payroll", "conn-workday", "owner", "u-alice"),
  key("app-github", "conn-github", "owner", "u-dave"),
  key("app-github", "conn-github", "owner", "u-alice"),
  key("app-github", "conn-github", "admin", "u-erin"),
  key("app-github", "conn-github", "admin", "u-bob"),
];

let emulator: C1Emulator;
let e2e: E2eStack;

beforeAll(async () => {
  ({ emulator, e2e } = await startEmulatorStack({ programDir: ROOT_STACK_DIR }));
  await writeOwnershipDocument(e2e, await readDemoDocument());
});

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

/** Steps planned by a preview of the current document, as "op name". */
async function previewSteps(options: { refresh?: boolean } = {}): Promise<string[]> {
  const since = e2e.events.length;
  await e2e.stack.preview({ ...e2e.recording(), ...options });
  return e2e.plannedSteps(since);
}

/** POSTs and DELETEs sent to C1 since log entry `since`, as "METHOD user". */
function writesSince(since: number): string[] {
  return emulator.requests
    .slice(since)
    .filter((entry) => entry.kind === "api" && entry.method !== "GET")
    .map((entry) => `${entry.method} ${entry.path.split("/").pop()}`);
}

describe("the root stack", () => {
  it(
    "up with the demo document creates one resource per role, named after its keys",
    async () => {
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.resourceChanges).toEqual({ create: DEMO_ROLES.length + 1 }); // and the stack
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys(DEMO_OWNERS));
      const exported = await e2e.stack.exportStack();
      const resources = exported.deployment.resources as Array<{ type: string; urn: string }>;
      const names = resources.filter((resource) => resource.type === SET_TYPE).map((resource) => resource.urn.split("::").pop());
      expect(names.sort()).toEqual(DEMO_ROLES);
      expect(resources.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/") && resource.type !== SET_TYPE)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it("outputs what is owned: per app and connector, role -> the owners' emails", async () => {
    const outputs = await e2e.stack.outputs();
    expect(outputs.ownership.value).toEqual({
      "app-github": { "conn-github": { admin: ["bob@example.com", "erin@example.com"], owner: ["alice@example.com", "dave@example.com"] } },
      "app-payroll": {
        "conn-okta": { admin: ["carol@example.com", "erin@example.com"], owner: ["alice@example.com", "bob@example.com"] },
        "conn-workday": { owner: ["alice@example.com", "carol@example.com"] },
      },
    });
    expect(outputs.ownerCount.value).toBe(DEMO_OWNERS.length);
  });

  it(
    "a reordered and regrouped document previews no changes",
    async () => {
      await writeOwnershipDocument(e2e, {
        "app-payroll": {
          "conn-workday": { owner: { users: ["u-alice", "u-carol"], exclusive: false } },
          "conn-okta": { admin: { users: ["u-erin", "u-carol"] }, owner: ["u-bob", "u-alice"] },
        },
        "app-github": { "conn-github": { admin: ["u-bob", "u-erin"], owner: ["u-alice", "u-dave"] } },
      });
      expect(await previewSteps()).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "an added user is one update of its role and one POST, at the path `pulumi config set --path` takes",
    async () => {
      const set = await e2e.run(["config", "set", "--path", "owners.app-payroll.conn-okta.owner[2]", "u-dave"]);
      expect(set.code, set.stderr).toBe(0);
      expect(await previewSteps()).toEqual(["update app-payroll/conn-okta/owner"]);
      const since = emulator.requests.length;
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.resourceChanges).toEqual({ update: 1, same: DEMO_ROLES.length }); // 4 roles and the stack itself
      expect(writesSince(since)).toEqual(["POST u-dave"]);
      expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-dave")).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    "a removed user is one update of its role and one DELETE",
    async () => {
      await writeOwnershipDocument(e2e, {
        "app-payroll": { "conn-okta": { owner: ["u-alice", "u-dave"], admin: ["u-carol", "u-erin"] }, "conn-workday": { owner: ["u-carol", "u-alice"] } },
        "app-github": { "conn-github": { owner: ["u-dave", "u-alice"], admin: ["u-erin", "u-bob"] } },
      });
      expect(await previewSteps()).toEqual(["update app-payroll/conn-okta/owner"]);
      const since = emulator.requests.length;
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.resourceChanges).toEqual({ update: 1, same: DEMO_ROLES.length });
      expect(writesSince(since)).toEqual(["DELETE u-bob"]);
      expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
      expect(emulator.store.listOwners()).toHaveLength(DEMO_OWNERS.length);
    },
    STEP_TIMEOUT,
  );

  it(
    "a bad document fails preview and up with every problem, before anything changes in C1",
    async () => {
      const ownersBefore = sortKeys(emulator.store.listOwners());
      const stateBefore = JSON.stringify((await e2e.stack.exportStack()).deployment.resources);
      const requestsBefore = emulator.requests.length;
      // Also drops u-alice and u-erin and adds u-erin to conn-workday: none of it may happen.
      await writeOwnershipDocument(e2e, {
        "app-payroll": {
          "conn-okta": { owner: ["u-dave", "u/bob", "u-dave"], admin: "u-carol" },
          "conn-workday": { owner: ["u-carol", "u-erin"] },
        },
        "app-github": { "conn-github": { owner: { users: ["u-dave"], exclusive: "yes" } } },
      });
      const problems = [
        "the ownership document has 4 problems:",
        "  owners.app-payroll.conn-okta.owner[1]: userId must not contain '/' (it is one segment of the C1 API path)",
        "  owners.app-payroll.conn-okta.owner[2]: userId u-dave is already listed at owners.app-payroll.conn-okta.owner[0]",
        "  owners.app-payroll.conn-okta.admin: must be a list of user ids or a map with users (and exclusive), got a string",
        "  owners.app-github.conn-github.owner.exclusive: must be true or false, got a string",
      ];

      const preview = await e2e.run(["preview"]);
      expect(preview.code).not.toBe(0);
      const up = await e2e.stack.up(e2e.recording()).then(
        () => undefined,
        (failure: Error) => failure,
      );
      expect(up, "up accepted a bad document").toBeDefined();
      for (const output of [preview.stdout + preview.stderr, String(up)]) {
        for (const line of problems) expect(output).toContain(line);
        expect(output).toContain("Nothing was changed in C1.");
        expect(output).not.toMatch(/\n\s+at .*\.ts:\d+/); // a clean message, no stack trace
      }

      const writes = emulator.requests.slice(requestsBefore).filter((entry) => entry.kind === "api" && entry.method !== "GET");
      expect(writes).toEqual([]);
      expect(sortKeys(emulator.store.listOwners())).toEqual(ownersBefore);
      expect(JSON.stringify((await e2e.stack.exportStack()).deployment.resources)).toBe(stateBefore);
    },
    STEP_TIMEOUT,
  );

  it(
    "a role that is not exclusive never reports or removes an owner added outside the document",
    async () => {
      await writeOwnershipDocument(e2e, await readDemoDocument());
      await e2e.stack.up(e2e.recording());
      emulator.store.addOwner("app-github", "conn-github", "owner", "u-erin");
      expect(await previewSteps({ refresh: true })).toEqual([]);
      const since = emulator.requests.length;
      await e2e.stack.up({ ...e2e.recording(), refresh: true });
      expect(writesSince(since)).toEqual([]);
      expect(emulator.store.hasOwner("app-github", "conn-github", "owner", "u-erin")).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    "a role switched to exclusive is an in-place update of its resource that removes owners added outside the document",
    async () => {
      const document = (await readDemoDocument()) as Record<string, Record<string, Record<string, unknown>>>;
      document["app-github"]["conn-github"].owner = { users: ["u-dave", "u-alice"], exclusive: true };
      await writeOwnershipDocument(e2e, document);
      expect(await previewSteps()).toEqual(["update app-github/conn-github/owner"]);
      await e2e.stack.up(e2e.recording());
      // u-erin, added outside the document while the role was not exclusive, goes now.
      expect(emulator.store.hasOwner("app-github", "conn-github", "owner", "u-dave")).toBe(true);
      expect(emulator.store.hasOwner("app-github", "conn-github", "owner", "u-erin")).toBe(false);
      emulator.store.addOwner("app-github", "conn-github", "owner", "u-erin");
      expect(await previewSteps({ refresh: true })).toEqual(["update app-github/conn-github/owner"]);
      await e2e.stack.up({ ...e2e.recording(), refresh: true });
      expect(sortKeys(emulator.store.listOwners({ appId: "app-github", connectorId: "conn-github", roleSlug: "owner" }))).toEqual(
        sortKeys([key("app-github", "conn-github", "owner", "u-alice"), key("app-github", "conn-github", "owner", "u-dave")]),
      );
    },
    STEP_TIMEOUT,
  );

  it(
    "destroy removes every owner the stack declared",
    async () => {
      const result = await e2e.stack.destroy(e2e.recording());
      expect(result.summary.result).toBe("succeeded");
      expect(emulator.store.listOwners()).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});

/** Runs one shell command line in the repo root. */
function runLine(line: string, env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runProcess("bash", ["-c", line], { cwd: ROOT_STACK_DIR, env });
}

/**
 * The walk through the committed demo stack in docs/ownership-as-code.md, command for command: the commands are read
 * from that page's block that names this file. The emulator's `export` lines are the
 * environment; state goes to a temp backend, not .pulumi-state.
 */
describe("the demo stack, as docs/ownership-as-code.md walks through it", () => {
  const demoFile = path.join(ROOT_STACK_DIR, "Pulumi.demo.yaml");
  let emulator: C1Emulator;
  let env: NodeJS.ProcessEnv;
  let backendDir: string;
  let demoText: string;
  let commands: string[];

  beforeAll(async () => {
    commands = await commandsRunIn("test/e2e/root-stack.test.ts", "docs/ownership-as-code.md");
    let clientId: string;
    let clientSecret: string;
    ({ emulator, clientId, clientSecret } = await startTestEmulator());
    backendDir = await mkdtemp(path.join(tmpdir(), "c1-demo-state-"));
    demoText = await readFile(demoFile, "utf8");
    // An outer `npm test` sets npm_* variables that would point a child npm at the outer run.
    const outer = Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && !name.startsWith("CONDUCTORONE_") && !name.startsWith("PULUMI_"));
    env = {
      ...Object.fromEntries(outer),
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      // A throwaway backend, not the repo's demo one: `npm run pulumi` runs there with the empty
      // passphrase (the committed file's encryptionsalt) only when told to.
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_CONDUCTORONE_ALLOW_NO_PASSPHRASE: "1",
      // What `npm run emulator` prints as export lines.
      ...emulatorServerEnv(emulator),
      CONDUCTORONE_CLIENT_ID: clientId,
      CONDUCTORONE_CLIENT_SECRET: clientSecret,
    };
  });

  afterAll(async () => {
    // Never leave the committed file changed, whatever happened above.
    if (demoText !== undefined && (await readFile(demoFile, "utf8").catch(() => "")) !== demoText) await writeFile(demoFile, demoText);
    if (backendDir) await rm(backendDir, { recursive: true, force: true });
    await emulator?.close();
  });

  it(
    "goes from up through drift and repair to destroy, leaving Pulumi.demo.yaml as committed",
    async () => {
      // The walk must show the drift check failing and the repair after it.
      const driftCheck = commands.findIndex((line) => line.includes("refresh --preview-only --expect-no-changes"));
      const repair = commands.findIndex((line) => line.includes("up --yes --refresh"));
      expect(driftCheck, commands.join("\n")).toBeGreaterThan(0);
      expect(repair, commands.join("\n")).toBeGreaterThan(driftCheck);
      const results: ProcessResult[] = [];
      for (const line of commands) {
        const result = await runLine(line, env);
        results.push(result);
        if (line.includes("stack output")) expect(result.stdout).toContain("alice@example.com");
        if (line.startsWith("npm run pulumi -- up --yes --stack")) expect(emulator.store.listOwners()).toHaveLength(DEMO_OWNERS.length);
        if (line.startsWith("curl")) expect(emulator.store.listOwners()).toHaveLength(DEMO_OWNERS.length - 1);
      }
      const codes = results.map((result) => result.code);
      const output = (index: number) => results[index]!.stdout + results[index]!.stderr;
      // Everything succeeds except the drift check, which exits non-zero on the removed owner.
      expect(
        codes.map((code, index) => (index === driftCheck ? code !== 0 : code === 0)),
        results.map((r, i) => `${commands[i]}\n${r.stdout}${r.stderr}`).join("\n"),
      ).toEqual(commands.map(() => true));
      expect(output(driftCheck)).toContain("app-payroll/conn-okta/owner");
      expect(output(repair)).toMatch(/~ 1 updated/);
      expect(emulator.store.listOwners()).toEqual([]);
      expect(await readFile(demoFile, "utf8")).toBe(demoText);
    },
    STEP_TIMEOUT * 3,
  );
});
