/**
 * The root stack under a tenant's rate limit: the emulator in rate-limit mode (20 requests a
 * second, bursts of 40, 429 with `Retry-After: 1`), 300 owners over 100 roles, at the engine
 * parallelism of a 4-CPU runner (16) and of a 16-CPU machine (64). Each command must succeed on
 * its first run: up, preview --refresh --expect-no-changes, a drift repair (up --refresh after 5
 * owners removed in C1) and destroy; no owner is POSTed successfully twice in one command; C1
 * ends empty. The two parallelisms run side by side, each with its own emulator and stack: they
 * spend their time waiting on the limit, not on the CPU.
 *
 * Each command's wall time against the ideal (the requests C1 did, over the rate) is printed;
 * `npm run bench:rate-limit` reports the same ratios (timed assertions stay out of tests).
 *
 * Time: 60 s alone (both parallelisms side by side, about 55 s of it waiting on the limit; the
 * failure test 5 s): `npm test -- test/e2e/rate-limit.test.ts`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { buildBenchDocument } from "../../bench/root-document";
import type { C1Emulator, RequestLogEntry } from "../../src/emulator";
import { ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { type CliRun, type E2eStack, PROGRAMS, startEmulatorStack } from "./harness";

const LIMIT = { rate: 20, burst: 40, retryAfterSeconds: 1 };
const OWNERS = 300;
const PARALLELISMS = [16, 64];
const DRIFTED = 5;
const TIMEOUT = 600_000;

interface Run {
  parallel: number;
  emulator: C1Emulator;
  e2e: E2eStack;
}

const runs: Run[] = [];

/** The owner a POST creates: its path names app, connector, role and user. */
const ownerKey = (entry: RequestLogEntry) => entry.path;
const c1Owners = (emulator: C1Emulator) => emulator.store.listOwners().length;

/** Runs one command, and what it cost: its wall time, the requests C1 did and the 429s. */
async function measured(run: Run, label: string, args: string[]): Promise<{ result: CliRun; done: RequestLogEntry[] }> {
  const since = run.emulator.requests.length;
  const result = await run.e2e.run([...args, "--parallel", String(run.parallel)]);
  const entries = run.emulator.requests.slice(since).filter((entry) => entry.kind !== "admin");
  const done = entries.filter((entry) => entry.fault !== "rate-limit");
  const idealMs = (done.length / LIMIT.rate) * 1000;
  console.log(
    `[rate-limit] --parallel ${run.parallel} ${label}: ${result.ms} ms for ${done.length} requests done (ideal ${Math.round(idealMs)} ms, ` +
      `${(result.ms / idealMs).toFixed(2)}x), ${entries.length - done.length} answered 429`,
  );
  return { result, done };
}

/** The owner keys POSTed successfully more than once. */
function postedTwice(done: RequestLogEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of done)
    if (entry.kind === "api" && entry.method === "POST" && entry.status === 200) seen.set(ownerKey(entry), (seen.get(ownerKey(entry)) ?? 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([key]) => key);
}

afterAll(async () => {
  for (const run of runs) {
    await run.e2e.dispose();
    await run.emulator.close();
  }
});

describe("the root stack under a rate limit of 20 requests a second", () => {
  it(
    "goes through up, a no-change preview, a drift repair and destroy, each on its first run, at --parallel 16 and 64",
    async () => {
      const bench = buildBenchDocument(OWNERS);
      expect(bench.roles).toHaveLength(100);
      await Promise.all(
        PARALLELISMS.map(async (parallel) => {
          const { emulator, e2e } = await startEmulatorStack({ programDir: ROOT_STACK_DIR, emulator: { seed: false } });
          const run = { parallel, emulator, e2e };
          runs.push(run);
          for (const { appId, connectorIds } of bench.apps) emulator.store.addApp(appId, connectorIds);
          for (const id of bench.userIds) emulator.store.addUser({ id });
          // The defaults users run with (the suite's fast retries would cut the time budget to 20 s).
          await e2e.setConfig("conductorone:retryMaxElapsedMs", "120000");
          await e2e.setConfig("conductorone:maxRetries", "5");
          await writeOwnershipDocument(e2e, bench.document);
          emulator.rateLimit.set(LIMIT);

          const up = await measured(run, "up", ["up", "--yes", "--skip-preview"]);
          expect(up.result.code, up.result.stdout.slice(-3000)).toBe(0);
          expect(postedTwice(up.done)).toEqual([]);
          expect(c1Owners(emulator)).toBe(OWNERS);

          const preview = await measured(run, "preview --refresh", ["preview", "--refresh", "--expect-no-changes"]);
          expect(preview.result.code, preview.result.stdout.slice(-3000)).toBe(0);

          const removed = emulator.store.listOwners().slice(0, DRIFTED);
          for (const owner of removed) emulator.store.removeOwner(owner);
          const repair = await measured(run, "up --refresh (5 removed in C1)", ["up", "--yes", "--skip-preview", "--refresh"]);
          expect(repair.result.code, repair.result.stdout.slice(-3000)).toBe(0);
          expect(postedTwice(repair.done)).toEqual([]);
          expect(repair.done.filter((entry) => entry.kind === "api" && entry.method === "POST" && entry.status === 200)).toHaveLength(DRIFTED);
          expect(c1Owners(emulator)).toBe(OWNERS);

          const destroy = await measured(run, "destroy", ["destroy", "--yes", "--skip-preview"]);
          expect(destroy.result.code, destroy.result.stdout.slice(-3000)).toBe(0);
          expect(c1Owners(emulator)).toBe(0);
          // The limit was really met: C1 answered 429s, and the provider waited them out.
          expect(emulator.rateLimit.status().limited).toBeGreaterThan(0);
        }),
      );
    },
    TIMEOUT,
  );
});

describe("a call still rate limited when its time budget runs out", () => {
  it(
    "fails with one line that says how often and how long, and the setting to raise, without a stack trace",
    async () => {
      const { emulator, e2e } = await startEmulatorStack({ programDir: PROGRAMS.owners });
      try {
        await e2e.setConfig("conductorone:retryMaxElapsedMs", "3000");
        // The POST is the call that runs out of budget here; with verification on, check's user lookup would be first.
        await e2e.setConfig("conductorone:verifyUsers", "false");
        await e2e.setOwners([{ name: "payroll-owner-alice", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" }]);
        // One request a thousand seconds: the token fetch takes the burst, every API call after it gets 429.
        emulator.rateLimit.set({ rate: 0.001, burst: 1, retryAfterSeconds: 1 });
        const run = await e2e.up();
        expect(run.code).not.toBe(0);
        expect(run.stdout).toMatch(
          /C1 API POST \/api\/v2\/apps\/app-payroll\/connectors\/conn-okta\/owners\/users\/owner\/u-alice was rate limited: 429 Too Many Requests \d+ time\(s\) over \d+\.\d s, and the next wait would pass the time budget of 3000 ms\. Raise conductorone:retryMaxElapsedMs \(env CONDUCTORONE_RETRY_MAX_ELAPSED_MS\), or run fewer operations at once \(pulumi --parallel\)\./,
        );
        expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
        expect(emulator.store.listOwners()).toEqual([]);
      } finally {
        await e2e.dispose();
        await emulator.close();
      }
    },
    TIMEOUT,
  );
});
