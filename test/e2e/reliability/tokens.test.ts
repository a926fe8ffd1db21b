/**
 * Token trouble in the middle of real engine runs: every token revoked halfway through an `up`,
 * the token endpoint down for a while and for longer than the retry budget, a wrong client
 * secret. The provider recovers by itself where it can, and otherwise fails with an
 * authentication error before anything changes in C1 or in the state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../../src/emulator";
import { TOKEN_PATH } from "../../../src/emulator";
import { findLeak } from "../../support/provider-fixture";
import {
  allErrors,
  checkAgreement,
  type E2eStack,
  errorsFor,
  lastSeq,
  printSummary,
  PROGRAMS,
  requestFigures,
  requestsSince,
  startEmulatorStack,
  type DeclaredOwner,
} from "../harness";

const OWNER_COUNT = 20;
const RUN_TIMEOUT_MS = 120_000;

let emulator: C1Emulator;
let stack: E2eStack;
let clientId: string;
let clientSecret: string;
const declared: DeclaredOwner[] = [];

function ownerNumber(index: number): DeclaredOwner {
  const number = String(index).padStart(2, "0");
  return { name: `tok-${number}`, appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: `u-tok-${number}` };
}

/** C1's owners and the state's owner resources, each as one sorted string, to compare before and after. */
async function snapshot() {
  const c1 = emulator.store
    .listOwners()
    .map((owner) => JSON.stringify(owner))
    .sort();
  return { c1: c1.join("\n"), state: JSON.stringify(await stack.stateOwners()) };
}

beforeAll(async () => {
  ({ emulator, clientId, clientSecret, e2e: stack } = await startEmulatorStack({ programDir: PROGRAMS.reliability }));
  for (let index = 0; index < OWNER_COUNT + 4; index++) emulator.store.addUser({ id: `u-tok-${String(index).padStart(2, "0")}` });
});

afterAll(async () => {
  await stack?.dispose();
  await emulator?.close();
});

describe.sequential("token trouble during real engine runs", () => {
  it(
    "recovers by itself when every token is revoked halfway through an up",
    async () => {
      for (let index = 0; index < OWNER_COUNT; index++) declared.push(ownerNumber(index));
      await stack.setOwners(declared);
      // Revoke right after C1 records the 10th owner: the rest of the run meets 401s.
      const store = emulator.store;
      const addOwner = store.addOwner.bind(store);
      let created = 0;
      store.addOwner = (...args: Parameters<typeof store.addOwner>) => {
        const record = addOwner(...args);
        if (++created === OWNER_COUNT / 2) emulator.revokeAllTokens();
        return record;
      };
      const since = lastSeq(emulator);
      try {
        const run = await stack.up(["--parallel", "4"]);
        expect(run.code, run.stdout.slice(-3000)).toBe(0);
      } finally {
        store.addOwner = addOwner;
      }
      const requests = requestFigures(requestsSince(emulator, since));
      const agreement = await checkAgreement(stack, emulator, declared);
      printSummary("tokens revoked mid-up", {
        owners: OWNER_COUNT,
        requests: requests.total,
        token: requests.token,
        status401: requests.status401,
        mismatches: agreement.mismatches,
      });
      expect(requests.status401).toBeGreaterThan(0);
      // One token before the revocation, one after (shared by every call that met a 401).
      expect(requests.token).toBe(2);
      expect(agreement.mismatches).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "retries a token endpoint that is down for a while (a 503, then a reset), then succeeds",
    async () => {
      declared.push(ownerNumber(OWNER_COUNT));
      await stack.setOwners(declared);
      emulator.faults.add({ method: "POST", path: TOKEN_PATH, status: 503, times: 1 });
      emulator.faults.add({ method: "POST", path: TOKEN_PATH, reset: true, times: 1 });
      const since = lastSeq(emulator);
      const run = await stack.up();
      expect(run.code, run.stdout.slice(-3000)).toBe(0);
      const tokenCalls = requestsSince(emulator, since).filter((entry) => entry.kind === "token");
      printSummary("token endpoint down briefly", { tokenRequests: tokenCalls.length, faults: tokenCalls.filter((entry) => entry.fault).length });
      expect(tokenCalls.map((entry) => `${entry.status}${entry.fault ? ` ${entry.fault}` : ""}`)).toEqual(["503 status:503", "0 reset", "200"]);
      expect((await checkAgreement(stack, emulator, declared)).mismatches).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "fails with a clear authentication error when the token endpoint stays down past the retry budget, changing nothing",
    async () => {
      const before = await snapshot();
      await stack.setOwners([...declared, ownerNumber(OWNER_COUNT + 1), ownerNumber(OWNER_COUNT + 2)]);
      const rule = emulator.faults.add({ method: "POST", path: TOKEN_PATH, status: 503, times: Infinity });
      const since = lastSeq(emulator);
      try {
        const run = await stack.up();
        expect(run.code).not.toBe(0);
        // The error is on a new owner: on its create, or on the check that looks its user up first (the
        // engine checks one resource at a time, in the order registrations reach it, and stops at the first failure).
        const errors = [OWNER_COUNT + 1, OWNER_COUNT + 2].flatMap((index) => errorsFor(run, ownerNumber(index).name));
        // FAST_RETRY allows 3 retries: 4 attempts in all.
        expect(errors).toContain(
          `could not get a C1 access token (client credentials for client ${clientId}): POST ${TOKEN_PATH} failed: 503 Service Unavailable (after 4 attempts)`,
        );
        const entries = requestsSince(emulator, since);
        expect(entries.filter((entry) => entry.kind === "api")).toEqual([]);
        printSummary("token endpoint down past the budget", { tokenRequests: entries.filter((entry) => entry.kind === "token").length, apiRequests: 0 });
      } finally {
        emulator.faults.remove(rule);
      }
      expect(await snapshot()).toEqual(before);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "fails with a short authentication error for a wrong client secret, before anything changes",
    async () => {
      const before = await snapshot();
      const { clientSecret: otherSecret } = emulator.createClient("someone-else");
      await stack.setConfig("conductorone:clientSecret", otherSecret, true);
      const since = lastSeq(emulator);
      try {
        const run = await stack.up();
        expect(run.code).not.toBe(0);
        const errors = allErrors(run);
        expect(errors).toContain(
          `could not get a C1 access token (client credentials for client ${clientId}): POST ${TOKEN_PATH} failed: 401 Unauthorized: invalid_client: client assertion rejected`,
        );
        expect(requestsSince(emulator, since).filter((entry) => entry.kind === "api")).toEqual([]);
        expect(findLeak(run.stdout + run.stderr, emulator.sensitiveValues())).toBeUndefined();
      } finally {
        await stack.setConfig("conductorone:clientSecret", clientSecret, true);
      }
      expect(await snapshot()).toEqual(before);
    },
    RUN_TIMEOUT_MS,
  );
});
