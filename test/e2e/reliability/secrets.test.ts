/**
 * Secrets at the CLI's most verbose logging (-v=11 --logflow --debug): up, refresh, preview and
 * destroy, with the client credentials first as secret stack config, then in env vars, and the
 * engine's log on stderr (--logtostderr) and in its log files (glog's, in $TMPDIR: each run gets
 * a TMPDIR of its own, and every file left in it is read). Every output, the log files, the
 * exported stack while the owners exist and the raw backend files are searched for the client
 * secret, its encoded key, the private key (`d` of the JWK) and every access token the emulator
 * issued.
 *
 * What is true with the pinned Pulumi 3.276: none of them appears anywhere, at any verbosity; the
 * state holds only ciphertext. (With 3.259, from -v=9 up the ENGINE logged each provider's
 * Configure request property by property, a secret stack config value in clear text inside its
 * secret envelope, `...Configure().inputs]: value={secret-token:...}`; 3.276 no longer does, which
 * this test checks, so the README's advice for older CLIs stays true only of them.) Credentials
 * from env vars are not part of Configure and never appeared at any verbosity.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../../src/emulator";
import { emulatorServerEnv, findLeak, startTestEmulator } from "../../support/provider-fixture";
import { clientSecretParts, E2eStack, emulatorStackConfig, printSummary, PROGRAMS, type CliRun, type DeclaredOwner } from "../harness";

const VERBOSE = ["-v=11", "--logflow", "--debug"];
const RUN_TIMEOUT_MS = 300_000;

/** Where the engine writes its log: on stderr when told to, otherwise into glog files in $TMPDIR. */
const LOG_DESTINATIONS = [
  { label: "on stderr", flags: ["--logtostderr"], logOf: (run: VerboseRun) => run.stderr },
  { label: "in its log files", flags: [], logOf: (run: VerboseRun) => run.tmpFiles },
];

const owners: DeclaredOwner[] = [
  { name: "payroll-owner-alice", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" },
  { name: "payroll-admin-bob", appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userId: "u-bob" },
];

/**
 * The engine's log of a provider's Configure call, where Pulumi 3.259 went on to log each input,
 * secret config in clear (`Marshaling property for RPC[...Configure().inputs]: value={secret-token:...}`).
 */
const CONFIGURE_LOG_LINE = /\.Configure\(\) executing/;

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
});

afterAll(async () => {
  await emulator?.close();
});

/** Everything that must never be printed or stored: the secret in all its forms and every token. */
function secrets(): string[] {
  return [...clientSecretParts(clientSecret), ...emulator.sensitiveValues(), ...emulator.issuedTokens()];
}

/** The lines of `text` that hold a secret. */
function leakingLines(text: string): string[] {
  const all = secrets();
  return text.split("\n").filter((line) => findLeak(line, all) !== undefined);
}

const LIFECYCLE = [["up", "--yes", "--skip-preview"], ["refresh", "--yes", "--skip-preview"], ["preview"], ["destroy", "--yes", "--skip-preview"]];

/** A CLI run and the text of every file it left in its own TMPDIR (the engine's and plugins' logs). */
interface VerboseRun extends CliRun {
  tmpFiles: string;
}

/** Runs `pulumi <args>` with a TMPDIR of its own, and reads every file written there. */
async function runWithOwnTmpdir(stack: E2eStack, args: string[]): Promise<VerboseRun> {
  const dir = await mkdtemp(path.join(tmpdir(), "c1-secrets-tmp-"));
  try {
    const run = await stack.run(args, { env: { TMPDIR: dir } });
    return { ...run, tmpFiles: await readEveryFile(dir) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every regular file under `dir` as text (glog's `pulumi.INFO`-style symlinks lead to files read anyway). */
async function readEveryFile(dir: string): Promise<string> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) texts.push(await readFile(path.join(entry.parentPath, entry.name), "latin1"));
  }
  return texts.join("\n");
}

/**
 * Runs `commands` (by default up, refresh, preview and destroy) verbosely, plus `logFlags`.
 * Returns the runs and the exported stack after each run that left the owners in it.
 */
async function runVerboseLifecycle(
  stack: E2eStack,
  logFlags: string[],
  commands: string[][] = LIFECYCLE,
): Promise<{ runs: VerboseRun[]; liveStates: string[] }> {
  const runs: VerboseRun[] = [];
  const liveStates: string[] = [];
  await stack.setOwners(owners);
  for (const args of commands) {
    const run = await runWithOwnTmpdir(stack, [...args, ...VERBOSE, ...logFlags]);
    expect(run.code, `pulumi ${args[0]} failed:\n${run.stdout.slice(-3000)}`).toBe(0);
    runs.push(run);
    // Searched while the owners exist: after destroy the exported stack holds nothing.
    if (args[0] === "up" || args[0] === "refresh") liveStates.push(JSON.stringify(await stack.exportDeployment()));
  }
  expect(emulator.store.listOwners()).toEqual([]);
  // Each holds both owners with their outputs: a state worth searching.
  for (const state of liveStates) for (const email of ["alice@example.com", "bob@example.com"]) expect(state).toContain(email);
  return { runs, liveStates };
}

describe.sequential("secrets at -v=11 --logflow --debug, with the engine's log on stderr and in its log files", () => {
  for (const destination of LOG_DESTINATIONS) {
    it(
      `client credentials as secret stack config, the log ${destination.label}: nothing anywhere, even in the engine's -v=11 log of Configure`,
      async () => {
        const stack = await E2eStack.create({
          programDir: PROGRAMS.reliability,
          config: emulatorStackConfig(emulator.url, { clientId, clientSecret }),
        });
        try {
          const tokensBefore = emulator.issuedTokens().length;
          const { runs, liveStates } = await runVerboseLifecycle(stack, destination.flags);
          expect(emulator.issuedTokens().length, "the runs fetched tokens, so there were tokens to leak").toBeGreaterThan(tokensBefore);

          // The engine's normal output (with --debug) and the event logs: nothing.
          for (const run of runs) {
            expect(leakingLines(run.stdout), `pulumi ${run.args[0]} stdout`).toEqual([]);
            expect(leakingLines(JSON.stringify(run.events)), `pulumi ${run.args[0]} events`).toEqual([]);
          }
          // The -v=11 log, on stderr and in every file of the run's TMPDIR: the engine still logs
          // the Configure calls (so the search covers where 3.259 leaked), but no secret, no key,
          // no token is in it.
          const logLeaks = runs.flatMap((run) => leakingLines(`${run.stderr}\n${run.tmpFiles}`).map((line) => ({ command: run.args[0], line })));
          expect(logLeaks).toEqual([]);
          expect(runs.map(destination.logOf).join("\n")).toMatch(CONFIGURE_LOG_LINE);
          expect(findLeak(runs.map((run) => `${run.stderr}\n${run.tmpFiles}`).join("\n"), emulator.issuedTokens())).toBeUndefined();
          // State: ciphertext only, in the exported stack while the owners exist and in every raw
          // backend file (history and backups of those states included).
          for (const state of liveStates) expect(findLeak(state, secrets())).toBeUndefined();
          expect(findLeak(await stack.rawBackendText(), secrets())).toBeUndefined();

          // One level lower the engine does not log Configure's properties: nothing leaks at -v=8.
          const belowNine = await runWithOwnTmpdir(stack, ["preview", "-v=8", "--logflow", "--debug", ...destination.flags]);
          expect(belowNine.code).toBe(0);
          expect(destination.logOf(belowNine)).toContain("Configure()");
          expect(leakingLines(`${belowNine.stdout}\n${belowNine.stderr}\n${belowNine.tmpFiles}`), "preview -v=8").toEqual([]);

          printSummary(`secret stack config at -v=11, log ${destination.label}`, {
            secretsSearched: secrets().length,
            tokensIssued: emulator.issuedTokens().length,
            logBytesByCommand: Object.fromEntries(runs.map((run) => [run.args[0], destination.logOf(run).length])),
            leakingLines: 0,
            liveStatesSearched: liveStates.length,
            stateLeaks: 0,
          });
        } finally {
          await stack.dispose();
        }
      },
      RUN_TIMEOUT_MS,
    );

    it(
      `client credentials in env vars, the log ${destination.label}: nothing anywhere in up and destroy, even at -v=11`,
      async () => {
        const stack = await E2eStack.create({
          programDir: PROGRAMS.reliability,
          // Only the retry tuning: the server URL and the credentials come from env.
          config: emulatorStackConfig(),
          env: { ...emulatorServerEnv(emulator), CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_CLIENT_SECRET: clientSecret },
        });
        try {
          const tokensBefore = emulator.issuedTokens().length;
          // up and destroy are enough here: env vars never enter Configure, whatever the command.
          const { runs, liveStates } = await runVerboseLifecycle(stack, destination.flags, [LIFECYCLE[0], LIFECYCLE[3]]);
          expect(emulator.issuedTokens().length).toBeGreaterThan(tokensBefore);
          for (const run of runs) {
            expect(destination.logOf(run), `pulumi ${run.args[0]} logged ${destination.label}`).toMatch(CONFIGURE_LOG_LINE);
            expect(leakingLines(run.stdout), `pulumi ${run.args[0]} stdout`).toEqual([]);
            expect(leakingLines(run.stderr), `pulumi ${run.args[0]} stderr`).toEqual([]);
            expect(leakingLines(run.tmpFiles), `pulumi ${run.args[0]} files in TMPDIR`).toEqual([]);
            expect(leakingLines(JSON.stringify(run.events)), `pulumi ${run.args[0]} events`).toEqual([]);
          }
          for (const state of liveStates) expect(findLeak(state, secrets())).toBeUndefined();
          expect(findLeak(await stack.rawBackendText(), secrets())).toBeUndefined();
          printSummary(`env var credentials at -v=11, log ${destination.label}`, {
            leakingLines: 0,
            liveStatesSearched: liveStates.length,
            stateLeaks: 0,
            logBytes: runs.reduce((sum, run) => sum + destination.logOf(run).length, 0),
          });
        } finally {
          await stack.dispose();
        }
      },
      RUN_TIMEOUT_MS,
    );
  }
});
