/**
 * Big runs without checkpoints (PULUMI_SKIP_CHECKPOINTS=true): the engine then writes the state
 * once, at the end, so a run killed halfway records nothing of what it did. Everything the root
 * stack does is idempotent (a set lists the role before it POSTs, so an owner C1 already has is
 * never POSTed again; a DELETE of a gone owner succeeds), so the next run heals. This proves it on
 * the root stack with a few hundred owners, SIGKILLing the CLI and its plugins (a lost CI runner)
 * in the middle of `up` and of `destroy`, then running the documented recovery:
 *
 *   after a killed up:      pulumi cancel --yes; pulumi up --refresh --yes
 *   after a killed destroy: pulumi cancel --yes; pulumi destroy --yes
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator, RequestLogEntry } from "../../../src/emulator";
import { startTestEmulator } from "../../support/provider-fixture";
import { ROOT_STACK_DIR, writeOwnershipDocument } from "../../support/root-stack";
import { apiPathOf, descendantsOf, E2eStack, emulatorStackConfig, isAlive, keyString, printSummary, sleep, waitFor } from "../harness";
import { OWNER_RESOURCE_TYPES } from "../../../src/provider/model/type-tokens";

const ROLE_COUNT = 100;
const USERS_PER_ROLE = 3;
const OWNER_COUNT = ROLE_COUNT * USERS_PER_ROLE;
const DELAY_MS = 400;
const RUN_TIMEOUT_MS = 300_000;
const NO_CHECKPOINTS = { PULUMI_SKIP_CHECKPOINTS: "true" };
const SET_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwners;

interface Owner {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
}

/** 100 roles over 10 apps of 10 connectors, 3 users each; every third role exclusive. */
function bulkOwners(): { document: Record<string, Record<string, Record<string, unknown>>>; owners: Owner[] } {
  const document: Record<string, Record<string, Record<string, unknown>>> = {};
  const owners: Owner[] = [];
  for (let role = 0; role < ROLE_COUNT; role++) {
    const appId = `app-bulk-${String(Math.floor(role / 10)).padStart(2, "0")}`;
    const connectorId = `conn-${role % 10}`;
    const userIds = Array.from({ length: USERS_PER_ROLE }, (_, index) => `u-bulk-${String(role * USERS_PER_ROLE + index).padStart(3, "0")}`);
    document[appId] ??= {};
    document[appId][connectorId] = { owner: role % 3 === 0 ? { users: userIds, exclusive: true } : userIds };
    for (const userId of userIds) owners.push({ appId, connectorId, roleSlug: "owner", userId });
  }
  return { document, owners };
}

let emulator: C1Emulator;
let e2e: E2eStack;
const { document, owners } = bulkOwners();
const declared = owners.map(keyString).sort();

function c1Owners(): string[] {
  return emulator.store
    .listOwners()
    .filter((owner) => owner.appId.startsWith("app-bulk-"))
    .map(keyString)
    .sort();
}

/** The owners each role's ConnectorUserOwners records in state, as keys. */
async function stateOwners(): Promise<string[]> {
  const { resources } = await e2e.exportDeployment();
  return resources
    .filter((resource) => resource.type === SET_TYPE)
    .flatMap((resource) => {
      const outputs = resource.outputs as { appId: string; connectorId: string; roleSlug: string; userIds: string[] };
      return outputs.userIds.map((userId) => keyString({ ...outputs, userId }));
    })
    .sort();
}

/** The POSTs in `entries`, as "status path". */
function posts(entries: RequestLogEntry[]): string[] {
  return entries
    .filter((entry) => entry.kind === "api" && entry.method === "POST")
    .map((entry) => `${entry.status} ${entry.path}`)
    .sort();
}

/** Starts `pulumi <args>` without checkpoints, waits for `halfway`, then SIGKILLs the CLI and every plugin it started. */
async function killHalfway(args: string[], halfway: () => boolean, what: string) {
  const running = e2e.start(args, { env: NO_CHECKPOINTS });
  await waitFor(halfway, 120_000, what);
  const plugins = await descendantsOf(running.pid);
  for (const pid of plugins) e2e.strays.add(pid);
  running.child.kill("SIGKILL");
  for (const pid of plugins) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  const killed = await running.done;
  expect(killed.signal).toBe("SIGKILL");
  // Answers still on their way (the emulator delays them) land on closed connections.
  await sleep(DELAY_MS * 2);
}

beforeAll(async () => {
  ({ emulator } = await startTestEmulator());
  for (const owner of owners) {
    emulator.store.addConnector(owner.appId, owner.connectorId);
    emulator.store.addUser({ id: owner.userId });
  }
  const { clientId, clientSecret } = emulator.createClient("skip-checkpoints");
  e2e = await E2eStack.create({ programDir: ROOT_STACK_DIR, config: emulatorStackConfig(emulator.url, { clientId, clientSecret }) });
  await writeOwnershipDocument(e2e, document);
}, RUN_TIMEOUT_MS);

afterAll(async () => {
  await e2e?.dispose();
  await emulator?.close();
});

describe.sequential(`the root stack with ${OWNER_COUNT} owners over ${ROLE_COUNT} roles and PULUMI_SKIP_CHECKPOINTS=true`, () => {
  it(
    "an up killed halfway records nothing; cancel and up --refresh create the rest, none twice, and the state matches C1",
    async () => {
      const rule = emulator.faults.add({ method: "POST", path: /\/owners\/users\//, delayMs: DELAY_MS, times: Infinity });
      await killHalfway(["up", "--yes", "--skip-preview", "--parallel", "4"], () => c1Owners().length >= OWNER_COUNT / 4, "a quarter of the owners in C1");
      emulator.faults.remove(rule);
      const inC1 = new Set(c1Owners());
      const inC1AfterKill = inC1.size;
      expect(inC1AfterKill).toBeGreaterThan(0);
      expect(inC1AfterKill).toBeLessThan(OWNER_COUNT);
      expect(await stateOwners()).toEqual([]); // no checkpoint: the state never heard of them
      expect(await e2e.lockFiles()).toHaveLength(1);

      const cancel = await e2e.run(["cancel", "--yes"]);
      expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
      const since = emulator.requests.length;
      const recovery = await e2e.up(["--refresh"], { env: NO_CHECKPOINTS });
      expect(recovery.code, recovery.stdout.slice(-3000)).toBe(0);

      expect(c1Owners()).toEqual(declared);
      expect(await stateOwners()).toEqual(declared);
      // The recovery POSTs exactly the owners the killed run did not get into C1, each once and
      // successfully: none that C1 already had (that would be answered 409), none twice.
      const missing = owners.filter((owner) => !inC1.has(keyString(owner)));
      expect(posts(emulator.requests.slice(since))).toEqual(missing.map((owner) => `200 ${apiPathOf(owner)}`).sort());
      const noChanges = await e2e.run(["preview", "--expect-no-changes"]);
      expect(noChanges.code, noChanges.stdout.slice(-3000)).toBe(0);
      printSummary("skip-checkpoints up killed", {
        owners: OWNER_COUNT,
        roles: ROLE_COUNT,
        inC1AfterKill,
        postedByRecovery: missing.length,
        recoveryCommands: "pulumi cancel --yes; pulumi up --refresh --yes",
      });
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "a destroy killed halfway records nothing; cancel and destroy remove the rest and leave the state empty",
    async () => {
      const rule = emulator.faults.add({ method: "DELETE", path: /\/owners\/users\//, delayMs: DELAY_MS, times: Infinity });
      await killHalfway(
        ["destroy", "--yes", "--skip-preview", "--parallel", "4"],
        () => c1Owners().length <= (OWNER_COUNT * 3) / 4,
        "a quarter of the owners gone from C1",
      );
      emulator.faults.remove(rule);
      const inC1AfterKill = c1Owners().length;
      expect(inC1AfterKill).toBeGreaterThan(0);
      expect(inC1AfterKill).toBeLessThan(OWNER_COUNT);
      expect(await stateOwners()).toEqual(declared); // no checkpoint: the state still lists every owner

      const cancel = await e2e.run(["cancel", "--yes"]);
      expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
      const recovery = await e2e.destroy();
      expect(recovery.code, recovery.stdout.slice(-3000)).toBe(0);

      expect(c1Owners()).toEqual([]);
      expect(await stateOwners()).toEqual([]);
      printSummary("skip-checkpoints destroy killed", { owners: OWNER_COUNT, inC1AfterKill, recoveryCommands: "pulumi cancel --yes; pulumi destroy --yes" });
    },
    RUN_TIMEOUT_MS,
  );
});
