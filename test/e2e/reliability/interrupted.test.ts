/**
 * `pulumi up` stopped halfway, with SIGINT (Ctrl+C) and with SIGKILL (kill -9, an OOM kill, a
 * lost CI runner), while C1 answers slowly. Shows what each leaves behind on a file backend and
 * the exact commands that bring the stack and C1 back into agreement (documented in the README):
 *
 *   after SIGINT:  pulumi up
 *   after SIGKILL: pulumi cancel --yes                            (removes the lock left behind)
 *                  pulumi refresh --clear-pending-creates --yes   (drops the interrupted creates)
 *                  pulumi up --refresh --yes                      (creates or adopts the rest)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../../src/emulator";
import { ownersCreatedTwice, postStatusesPerOwner } from "../../support/owner-posts";
import { startTestEmulator } from "../../support/provider-fixture";
import {
  adoptedUsers,
  checkAgreement,
  descendantsOf,
  E2eStack,
  emulatorStackConfig,
  isAlive,
  keyString,
  lastSeq,
  printSummary,
  PROGRAMS,
  requestsSince,
  sleep,
  waitFor,
  type DeclaredOwner,
} from "../harness";

const OWNER_COUNT = 10;
const SIGKILL_CREATES = /\/owners\/users\/sigkill\//;
const POST_DELAY_MS = 1500;
const RUN_TIMEOUT_MS = 180_000;

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;
const stacks: E2eStack[] = [];

function owners(prefix: string): DeclaredOwner[] {
  return Array.from({ length: OWNER_COUNT }, (_, index) => {
    const number = String(index).padStart(2, "0");
    return { name: `${prefix}-${number}`, appId: "app-payroll", connectorId: "conn-workday", roleSlug: prefix, userId: `u-${prefix}-${number}` };
  });
}

async function newStack(declared: DeclaredOwner[]): Promise<E2eStack> {
  const stack = await E2eStack.create({
    programDir: PROGRAMS.reliability,
    config: emulatorStackConfig(emulator.url, { clientId, clientSecret }),
  });
  stacks.push(stack);
  await stack.setOwners(declared);
  return stack;
}

/** C1's owners of one role, as key strings. */
function c1Owners(roleSlug: string): string[] {
  return emulator.store.listOwners({ roleSlug }).map(keyString).sort();
}

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
  for (const prefix of ["sigint", "sigkill"]) {
    for (let index = 0; index < OWNER_COUNT; index++) emulator.store.addUser({ id: `u-${prefix}-${String(index).padStart(2, "0")}` });
  }
});

afterAll(async () => {
  for (const stack of stacks) await stack.dispose();
  await emulator?.close();
});

describe.sequential("interrupted runs", () => {
  it(
    "SIGINT: the engine finishes the calls in flight and records them; `pulumi up` completes the rest",
    async () => {
      const declared = owners("sigint");
      const stack = await newStack(declared);
      const rule = emulator.faults.add({ method: "POST", path: /\/owners\/users\/sigint\//, delayMs: POST_DELAY_MS, times: Infinity });
      const running = stack.start(["up", "--yes", "--skip-preview", "--parallel", "2"]);
      await waitFor(() => c1Owners("sigint").length >= 2, 60_000, "the first owners to reach C1");
      const plugins = await descendantsOf(running.pid);
      running.child.kill("SIGINT");
      const interrupted = await running.done;
      emulator.faults.remove(rule);

      expect(interrupted.code).not.toBe(0);
      expect(interrupted.stdout).toContain("received; cancelling");
      expect(interrupted.stdout).toContain("update canceled");
      // A clean stop: no lock, no pending operation, and C1 holds exactly what the state records.
      expect(await stack.lockFiles()).toEqual([]);
      const afterStop = await checkAgreement(stack, emulator, declared, { roleSlug: declared[0].roleSlug as string });
      expect(afterStop.pendingOperations).toBe(0);
      expect(afterStop.onlyInC1).toEqual([]);
      expect(afterStop.stateWithoutC1).toEqual([]);
      expect(afterStop.inState).toBe(afterStop.inC1);
      expect(afterStop.inC1).toBeLessThan(OWNER_COUNT);
      await sleep(500);
      expect(plugins.filter(isAlive), "plugins left running after SIGINT").toEqual([]);

      const recovery = await stack.up();
      expect(recovery.code, recovery.stdout.slice(-3000)).toBe(0);
      const agreement = await checkAgreement(stack, emulator, declared, { roleSlug: declared[0].roleSlug as string });
      printSummary("SIGINT", {
        createdBeforeStop: afterStop.inC1,
        recoveryCommands: "pulumi up",
        created: OWNER_COUNT - afterStop.inC1,
        mismatches: agreement.mismatches,
      });
      expect(agreement.mismatches).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "SIGKILL: a lock and pending creates are left behind; cancel, refresh --clear-pending-creates and up --refresh converge",
    async () => {
      const declared = owners("sigkill");
      const stack = await newStack(declared);
      // A rule's `remaining` drops as each POST arrives, before the delay: it counts arrivals.
      const RULE_TIMES = 1000;
      const rule = emulator.faults.add({ method: "POST", path: SIGKILL_CREATES, delayMs: POST_DELAY_MS, times: RULE_TIMES });
      const arrivals = () => RULE_TIMES - (emulator.faults.rules().find((candidate) => candidate.id === rule)?.remaining ?? RULE_TIMES);
      // The log records a request when C1 answers it.
      const answered = () => emulator.countRequests({ method: "POST", path: SIGKILL_CREATES });
      const since = lastSeq(emulator);
      const running = stack.start(["up", "--yes", "--skip-preview", "--parallel", "2"]);
      // Every plugin is running once a create arrives: list them now, so nothing stands between
      // the condition below and the kill.
      await waitFor(() => arrivals() >= 1, 60_000, "the first create to reach C1");
      const plugins = await descendantsOf(running.pid);
      // Two creates done and one C1 holds unanswered: C1 makes that owner after the delay, and the
      // engine, dead by then, cannot have recorded it.
      await waitFor(() => c1Owners("sigkill").length >= 2 && arrivals() > answered(), 60_000, "two owners in C1 and a create C1 has not answered");
      running.child.kill("SIGKILL");
      const killed = await running.done;
      expect(killed.signal).toBe("SIGKILL");
      // The plugins outlive the CLI (they are in process groups of their own): the provider finishes
      // the creates in flight, so C1 gets owners the state never hears about.
      for (const pid of plugins) stack.strays.add(pid);
      const survivors = plugins.filter(isAlive);
      await sleep(POST_DELAY_MS + 500);
      emulator.faults.remove(rule);
      for (const pid of survivors) if (isAlive(pid)) process.kill(pid, "SIGKILL");

      // What is left: a lock, pending creates, and owners in C1 that the state lacks.
      const locks = await stack.lockFiles();
      expect(locks).toHaveLength(1);
      const afterKill = await stack.exportDeployment();
      const pending = afterKill.pendingOperations;
      expect(pending.length).toBeGreaterThan(0);
      expect(pending.every((operation) => operation.type === "creating")).toBe(true);
      const stateAfterKill = await checkAgreement(stack, emulator, declared, { roleSlug: declared[0].roleSlug as string });
      expect(stateAfterKill.onlyInC1).toEqual([]);
      expect(stateAfterKill.stateWithoutC1).toEqual([]);
      const recorded = new Set((await stack.stateOwners()).map((owner) => keyString(owner.outputs)));
      const unrecorded = c1Owners("sigkill").filter((key) => !recorded.has(key));
      expect(unrecorded.length, "owners C1 holds and the state lacks").toBeGreaterThan(0);

      const locked = await stack.up();
      expect(locked.code).not.toBe(0);
      expect(locked.stdout + locked.stderr).toContain("the stack is currently locked by 1 lock(s)");
      expect(locked.stdout + locked.stderr).toContain("pulumi cancel");

      // 1. Remove the lock. On a file backend `pulumi cancel` deletes the lock file.
      const cancel = await stack.run(["cancel", "--yes"]);
      expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
      expect(await stack.lockFiles()).toEqual([]);

      // 2. Drop the interrupted creates from the state (C1 may or may not have them).
      const clear = await stack.run(["refresh", "--clear-pending-creates", "--yes", "--skip-preview"]);
      expect(clear.code, clear.stdout.slice(-3000)).toBe(0);
      expect((await stack.exportDeployment()).pendingOperations).toEqual([]);

      // 3. Refresh and finish the update: owners C1 got from the killed run are adopted, not created again.
      const sinceConverge = lastSeq(emulator);
      const converge = await stack.up(["--refresh"]);
      expect(converge.code, converge.stdout.slice(-3000)).toBe(0);
      // Adopted: exactly the owners the killed run created in C1 without recording them.
      const adopted = adoptedUsers(converge);
      expect(adopted).toEqual(unrecorded.map((key) => (JSON.parse(key) as string[])[3]).sort());
      // Each found by one POST that met 409; each owner C1 lacked created by one POST.
      const expectedPosts = declared.map(keyString).filter((key) => !recorded.has(key));
      expect(Object.fromEntries(postStatusesPerOwner(requestsSince(emulator, sinceConverge)))).toEqual(
        Object.fromEntries(expectedPosts.map((key) => [key, unrecorded.includes(key) ? [409] : [200]])),
      );
      expect(ownersCreatedTwice(requestsSince(emulator, since)), "owners C1 answered two creates for").toEqual([]);

      const agreement = await checkAgreement(stack, emulator, declared, { roleSlug: declared[0].roleSlug as string });
      printSummary("SIGKILL", {
        inStateAfterKill: stateAfterKill.inState,
        inC1AfterKill: stateAfterKill.inC1,
        pendingCreates: pending.length,
        locks: locks.length,
        pluginsAliveAfterKill: survivors.length,
        adopted: adopted.length,
        recoveryCommands: "pulumi cancel --yes; pulumi refresh --clear-pending-creates --yes; pulumi up --refresh --yes",
        mismatches: agreement.mismatches,
      });
      expect(agreement.mismatches).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
