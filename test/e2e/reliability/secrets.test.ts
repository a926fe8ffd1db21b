/**
 * Secrets at the CLI's most verbose logging (-v=11 --logtostderr --logflow --debug): up, refresh,
 * preview and destroy, with the client credentials first as secret stack config, then in env vars.
 * Every output, the exported stack and the raw backend files are searched for the client secret,
 * its encoded key, the private key (`d` of the JWK) and every access token the emulator issued.
 *
 * What is true with the pinned Pulumi 3.276: none of them appears anywhere, at any verbosity; the
 * state holds only ciphertext. (With 3.259, from -v=9 up the ENGINE logged each provider's
 * Configure request property by property, a secret stack config value in clear text inside its
 * secret envelope, `...Configure().inputs]: value={secret-token:...}`; 3.276 no longer does, which
 * this test checks, so the README's advice for older CLIs stays true only of them.) Credentials
 * from env vars are not part of Configure and never appeared at any verbosity.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../../scripts/c1-emulator";
import { findLeak, startTestEmulator } from "../../support/provider-fixture";
import { clientSecretParts, E2eStack, emulatorStackConfig, printSummary, PROGRAMS, type CliRun, type DeclaredOwner } from "../harness";

const VERBOSE = ["-v=11", "--logtostderr", "--logflow", "--debug"];
const RUN_TIMEOUT_MS = 180_000;

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

/** Runs `commands` (by default up, refresh, preview and destroy) verbosely; returns the runs. */
async function runVerboseLifecycle(stack: E2eStack, commands: string[][] = LIFECYCLE): Promise<CliRun[]> {
  const runs: CliRun[] = [];
  await stack.setOwners(owners);
  for (const args of commands) {
    const run = await stack.run([...args, ...VERBOSE]);
    expect(run.code, `pulumi ${args[0]} failed:\n${run.stdout.slice(-3000)}`).toBe(0);
    runs.push(run);
  }
  expect(emulator.store.listOwners()).toEqual([]);
  return runs;
}

describe.sequential("secrets at -v=11 --logtostderr --logflow --debug", () => {
  it(
    "client credentials as secret stack config: nothing anywhere, even in the engine's -v=11 log of Configure",
    async () => {
      const stack = await E2eStack.create({
        programDir: PROGRAMS.reliability,
        transpileOnly: true,
        config: emulatorStackConfig(emulator.url, { clientId, clientSecret }),
      });
      try {
        const tokensBefore = emulator.issuedTokens().length;
        const runs = await runVerboseLifecycle(stack);
        expect(emulator.issuedTokens().length, "the runs fetched tokens, so there were tokens to leak").toBeGreaterThan(tokensBefore);

        // The engine's normal output (with --debug) and the event logs: nothing.
        for (const run of runs) {
          expect(leakingLines(run.stdout), `pulumi ${run.args[0]} stdout`).toEqual([]);
          expect(leakingLines(JSON.stringify(run.events)), `pulumi ${run.args[0]} events`).toEqual([]);
        }
        // The -v=11 log on stderr: the engine still logs the Configure calls (so the search covers
        // where 3.259 leaked), but no secret, no key, no token is in it.
        const stderrLeaks = runs.flatMap((run) => leakingLines(run.stderr).map((line) => ({ command: run.args[0], line })));
        expect(stderrLeaks).toEqual([]);
        expect(runs.map((run) => run.stderr).join("\n")).toMatch(CONFIGURE_LOG_LINE);
        expect(findLeak(runs.map((run) => run.stderr).join("\n"), emulator.issuedTokens())).toBeUndefined();
        // State: ciphertext only, in the exported stack and in every raw backend file.
        expect(findLeak(JSON.stringify(await stack.exportDeployment()), secrets())).toBeUndefined();
        expect(findLeak(await stack.rawBackendText(), secrets())).toBeUndefined();

        // One level lower the engine does not log Configure's properties: nothing leaks at -v=8.
        const belowNine = await stack.run(["preview", "-v=8", "--logtostderr", "--logflow", "--debug"]);
        expect(belowNine.code).toBe(0);
        expect(belowNine.stderr).toContain("Configure()");
        expect(leakingLines(belowNine.stdout + belowNine.stderr), "preview -v=8").toEqual([]);

        const byCommand = Object.fromEntries(runs.map((run) => [run.args[0], leakingLines(run.stderr).length]));
        printSummary("secret stack config at -v=11", {
          secretsSearched: secrets().length,
          tokensIssued: emulator.issuedTokens().length,
          leakingStdoutLines: 0,
          leakingStderrLinesByCommand: byCommand,
          leakingLinesAtV8: 0,
          stateLeaks: 0,
        });
      } finally {
        await stack.dispose();
      }
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "client credentials in env vars: nothing anywhere in up and destroy, even at -v=11",
    async () => {
      const stack = await E2eStack.create({
        programDir: PROGRAMS.reliability,
        transpileOnly: true,
        // Only the retry tuning: the server URL and the credentials come from env.
        config: emulatorStackConfig(),
        env: { CONDUCTORONE_SERVER_URL: emulator.url, CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_CLIENT_SECRET: clientSecret },
      });
      try {
        const tokensBefore = emulator.issuedTokens().length;
        // up and destroy are enough here: env vars never enter Configure, whatever the command.
        const runs = await runVerboseLifecycle(stack, [LIFECYCLE[0], LIFECYCLE[3]]);
        expect(emulator.issuedTokens().length).toBeGreaterThan(tokensBefore);
        for (const run of runs) {
          expect(leakingLines(run.stdout), `pulumi ${run.args[0]} stdout`).toEqual([]);
          expect(leakingLines(run.stderr), `pulumi ${run.args[0]} stderr`).toEqual([]);
          expect(leakingLines(JSON.stringify(run.events)), `pulumi ${run.args[0]} events`).toEqual([]);
        }
        expect(findLeak(JSON.stringify(await stack.exportDeployment()), secrets())).toBeUndefined();
        expect(findLeak(await stack.rawBackendText(), secrets())).toBeUndefined();
        printSummary("env var credentials at -v=11", { leakingLines: 0, stateLeaks: 0, stderrBytes: runs.reduce((sum, run) => sum + run.stderr.length, 0) });
      } finally {
        await stack.dispose();
      }
    },
    RUN_TIMEOUT_MS,
  );
});
