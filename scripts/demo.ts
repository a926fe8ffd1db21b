/**
 * `npm run demo`: the quickstart program (examples/quickstart) against a local C1 emulator, driven
 * by the real Pulumi CLI, step by step: up, stack outputs, an owner deleted behind Pulumi's back,
 * drift detection, repair, destroy. Every step checks that what it shows really happened, so the
 * demo exits non-zero instead of silently going stale.
 *
 * Nothing lasting is touched: state goes to a throwaway file backend in a temp dir (not the repo's
 * .pulumi-state, so every run starts clean), and the stack's Pulumi.<stack>.yaml is removed at the
 * end, also on failure or Ctrl-C.
 *
 * DEMO_SENSITIVE_VALUES_FILE=path (for tests only): at the end, writes the emulator's client
 * secrets and every token it issued there as JSON, so a test can check none reached the output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type StartedEmulator } from "../src/emulator";

const PROGRAM_DIR = path.resolve(__dirname, "../examples/quickstart");

interface OwnerKey {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
}

/** What examples/quickstart/index.ts declares; keep the two in step. */
const DECLARED_OWNERS: OwnerKey[] = [
  { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" },
  { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" },
  { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userId: "u-carol" },
];
const EXPECTED_EMAILS_BY_ROLE = { admin: ["carol@example.com"], owner: ["alice@example.com", "bob@example.com"] };
/** The owner "someone" removes in the C1 UI in step 3. */
const DRIFTED_OWNER = DECLARED_OWNERS[1]!;

/**
 * The CLI's exit code for `--expect-no-changes` when there are changes. Pulumi documents its exit
 * codes as a stable contract (sdk/go/common/util/cmdutil/exit.go), so a drift job can tell drift
 * (7) from a check that could not run (e.g. 3, authentication).
 */
const EXIT_UNEXPECTED_CHANGES = 7;
const STEP_COUNT = 6;

/** A step did not behave as the demo says it does, or the demo was stopped. */
class DemoCheckFailed extends Error {}

// ---------------------------------------------------------------------------------------------
// Terminal output

const useColor = Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint("1");
const cyan = paint("1;36");
const green = paint("32");
const red = paint("1;31");
const dim = paint("2");

function heading(step: number | string, title: string, shows: string): void {
  const label = typeof step === "number" ? `Step ${step}/${STEP_COUNT}` : step;
  console.log(`\n${cyan(`━━ ${label}: ${title}`)}\n${shows}\n`);
}

/** What the person should have noticed in the output just printed. */
function notice(text: string): void {
  console.log(`\n${green("✔")} ${bold("Notice:")} ${text}`);
}

/** Strips ANSI colors so that checks can read colored CLI output. */
function stripColors(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** JSON with object keys sorted, so that key order does not matter when comparing. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );
}

const ownerId = (key: OwnerKey): string => `${key.appId}/${key.connectorId}/${key.roleSlug}/${key.userId}`;

// ---------------------------------------------------------------------------------------------
// The Pulumi CLI, as child processes

interface CliRun {
  code: number;
  /** stdout and stderr, colors stripped, for the demo's checks. */
  output: string;
}

let runningChild: ChildProcess | undefined;
let stopSignal: NodeJS.Signals | undefined;

/** The real `pulumi` CLI on one stack of the quickstart program. */
class PulumiCli {
  constructor(
    readonly stack: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Runs `pulumi ARGS`, printing the command (without the flags every call shares, listed once in
   * the setup) and streaming its output to the terminal.
   */
  run(args: string[], options: { stdin?: string; shownAs?: string } = {}): Promise<CliRun> {
    console.log(dim(`$ pulumi ${options.shownAs ?? args.join(" ")}`));
    return this.spawn(args, { ...options, show: true, color: useColor });
  }

  /** Runs `pulumi ARGS` without showing its stdout, for the demo's own checks. @returns stdout */
  async read(args: string[]): Promise<string> {
    const result = await this.spawn(args, { show: false, color: false });
    if (result.code !== 0) throw new DemoCheckFailed(`\`pulumi ${args.join(" ")}\` exited with ${result.code}`);
    return result.output;
  }

  private spawn(args: string[], options: { stdin?: string; show: boolean; color: boolean }): Promise<CliRun> {
    if (stopSignal) return Promise.reject(new DemoCheckFailed(`stopped by ${stopSignal}`));
    const sharedFlags = ["--stack", this.stack, "--non-interactive", "--color", options.color ? "always" : "never"];
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, ...sharedFlags], {
        cwd: PROGRAM_DIR,
        env: this.env,
        stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      });
      runningChild = child;
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        if (options.show) process.stdout.write(chunk);
        output += chunk.toString();
      });
      // Errors always show; they are kept out of `output` of quiet runs, which may be parsed.
      child.stderr!.on("data", (chunk: Buffer) => {
        process.stderr.write(chunk);
        if (options.show) output += chunk.toString();
      });
      child.stdin?.end(options.stdin);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        runningChild = undefined;
        if (stopSignal) reject(new DemoCheckFailed(`stopped by ${stopSignal}`));
        else resolve({ code: code ?? (signal ? 128 : 1), output: stripColors(output) });
      });
    });
  }
}

function expectExitCode(run: CliRun, expected: number, command: string): void {
  if (run.code !== expected) throw new DemoCheckFailed(`\`pulumi ${command}\` exited with ${run.code}, expected ${expected}`);
}

/** Checks that the emulator holds exactly `expected`, in any order. */
function expectEmulatorOwners(c1: StartedEmulator, expected: OwnerKey[], when: string): void {
  const actual = c1.emulator.store.listOwners().map(ownerId).sort();
  const wanted = expected.map(ownerId).sort();
  if (actual.join() !== wanted.join()) {
    throw new DemoCheckFailed(`${when}, the emulator should hold [${wanted.join(", ")}] but holds [${actual.join(", ")}]`);
  }
}

// ---------------------------------------------------------------------------------------------
// The demo

async function runDemo(c1: StartedEmulator, pulumi: PulumiCli): Promise<void> {
  heading(
    "Setup",
    "a new stack pointed at the emulator",
    `A local C1 emulator is listening on ${c1.url}, with a throwaway client.\n` +
      `Every command below runs in examples/quickstart with: --stack ${pulumi.stack} --non-interactive`,
  );
  expectExitCode(await pulumi.run(["stack", "init", "--no-select"], { shownAs: "stack init" }), 0, "stack init");
  expectExitCode(await pulumi.run(["config", "set", "conductorone:serverUrl", c1.url]), 0, "config set");
  // The emulator is not the tenant host its client ids name: credentials may go to it only when allowed.
  const emulatorHost = c1.env.CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST;
  expectExitCode(await pulumi.run(["config", "set", "conductorone:allowCredentialsToHost", emulatorHost]), 0, "config set");
  expectExitCode(await pulumi.run(["config", "set", "conductorone:clientId", c1.client.clientId]), 0, "config set");
  // The secret goes in on stdin: it never appears on a command line or on screen.
  const setSecret = await pulumi.run(["config", "set", "--secret", "conductorone:clientSecret"], {
    stdin: c1.client.clientSecret,
    shownAs: "config set --secret conductorone:clientSecret   # value on stdin",
  });
  expectExitCode(setSecret, 0, "config set --secret");
  notice(`the client secret is stored encrypted in Pulumi.${pulumi.stack}.yaml; the client id and URL are plain config.`);

  heading(1, "pulumi up", "Creates the owners the program declares: alice and bob as `owner`, carol as `admin` of app-payroll/conn-okta.");
  expectExitCode(await pulumi.run(["up", "--yes"]), 0, "up --yes");
  expectEmulatorOwners(c1, DECLARED_OWNERS, "after `pulumi up`");
  notice(
    `"4 created" is the stack itself and 3 ConnectorUserOwner resources, each named after its C1 id.\n` + `  The emulator now holds exactly those 3 owners.`,
  );

  heading(2, "pulumi stack output", "The stack's outputs: the owners' emails per role, and their ids.");
  expectExitCode(await pulumi.run(["stack", "output"]), 0, "stack output");
  const outputs = JSON.parse(await pulumi.read(["stack", "output", "--json"])) as { emailsByRole?: unknown };
  if (canonicalJson(outputs.emailsByRole) !== canonicalJson(EXPECTED_EMAILS_BY_ROLE)) {
    throw new DemoCheckFailed(`emailsByRole is ${canonicalJson(outputs.emailsByRole)}, expected ${canonicalJson(EXPECTED_EMAILS_BY_ROLE)}`);
  }
  notice("the emails come from C1's user records; the program only names user ids.");

  heading(3, "drift", `Someone removes ${DRIFTED_OWNER.userId} as ${DRIFTED_OWNER.roleSlug} in the C1 UI. Pulumi is not told.`);
  console.log(dim(`(emulator) delete owner ${ownerId(DRIFTED_OWNER)}`));
  const { appId, connectorId, roleSlug, userId } = DRIFTED_OWNER;
  if (!c1.emulator.store.removeOwner(appId, connectorId, roleSlug, userId)) {
    throw new DemoCheckFailed(`${ownerId(DRIFTED_OWNER)} was not in the emulator to delete`);
  }
  notice("C1 now has 2 owners, while the stack's state still records 3.");

  heading(4, "detect the drift", "`preview --refresh` reads C1 first, then plans what it takes to match the program again.");
  const preview = await pulumi.run(["preview", "--refresh"]);
  expectExitCode(preview, 0, "preview --refresh");
  const plannedCreate = new RegExp(`^\\s*\\+\\s+\\S+ConnectorUserOwner\\s+${ownerId(DRIFTED_OWNER)}\\s+create\\s*$`, "m");
  if (!plannedCreate.test(preview.output)) throw new DemoCheckFailed(`the preview does not plan a create of ${ownerId(DRIFTED_OWNER)}`);
  expectEmulatorOwners(
    c1,
    DECLARED_OWNERS.filter((owner) => owner !== DRIFTED_OWNER),
    "after a preview",
  );
  notice(`the preview plans one create, of ${ownerId(DRIFTED_OWNER)} (its id is [unknown] until it exists),\n` + `  and changed nothing.`);

  console.log("\nA scheduled drift job runs this instead, and fails when C1 no longer matches the state:\n");
  const driftCheck = await pulumi.run(["refresh", "--preview-only", "--expect-no-changes"]);
  expectExitCode(driftCheck, EXIT_UNEXPECTED_CHANGES, "refresh --preview-only --expect-no-changes");
  console.log(bold(`\nexit code: ${driftCheck.code}`));
  notice(
    `exit code ${EXIT_UNEXPECTED_CHANGES} means "changes found" and fails the job. A refresh brings the state in line with C1,\n` +
      `  so the missing owner shows as a "delete" from the state: nothing in C1 is deleted.`,
  );

  heading(5, "repair", "`up --refresh` reads C1, then recreates what the program declares but C1 lacks.");
  expectExitCode(await pulumi.run(["up", "--refresh", "--yes"]), 0, "up --refresh --yes");
  expectEmulatorOwners(c1, DECLARED_OWNERS, "after `pulumi up --refresh`");
  console.log("\nThe drift job passes again:\n");
  const cleanCheck = await pulumi.run(["refresh", "--preview-only", "--expect-no-changes"]);
  expectExitCode(cleanCheck, 0, "refresh --preview-only --expect-no-changes");
  console.log(bold(`\nexit code: ${cleanCheck.code}`));
  notice(`${ownerId(DRIFTED_OWNER)} is back in C1 (1 created, 3 unchanged), and the drift check exits 0.`);

  heading(6, "pulumi destroy", "Deletes every owner the stack manages, then (--remove) the stack and its config file.");
  expectExitCode(await pulumi.run(["destroy", "--yes", "--remove"]), 0, "destroy --yes --remove");
  expectEmulatorOwners(c1, [], "after `pulumi destroy`");
  notice("the 3 owners are deleted: the emulator holds none.");
}

/** The CLI's environment: the throwaway backend, and no C1 settings from the caller's shell. */
function demoEnvironment(backendDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // A real tenant's CONDUCTORONE_ACCESS_TOKEN in the shell would win over the stack's client
    // credentials (and be sent to the emulator): keep them all out.
    if (!name.startsWith("CONDUCTORONE_") && name !== "PULUMI_CONFIG_PASSPHRASE_FILE") env[name] = value;
  }
  env.PULUMI_BACKEND_URL = `file://${backendDir}`;
  env.PULUMI_CONFIG_PASSPHRASE = "demo"; // guards only the demo client's secret, in a temp dir
  return env;
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const stack = `demo-${randomBytes(3).toString("hex")}`;
  const backendDir = mkdtempSync(path.join(tmpdir(), "c1-demo-state-"));
  // Synchronous, so that it also runs from the 'exit' handler (uncaught errors, a second Ctrl-C).
  const removeStackAndState = (): void => {
    rmSync(path.join(PROGRAM_DIR, `Pulumi.${stack}.yaml`), { force: true });
    rmSync(backendDir, { recursive: true, force: true });
  };
  process.on("exit", removeStackAndState);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopSignal) process.exit(130); // a second Ctrl-C means "now"
      stopSignal = signal;
      console.error(`\n${signal}: stopping the demo after the current command, then cleaning up`);
      // Ctrl-C already reached the CLI (same process group); a SIGTERM sent to us alone did not.
      if (signal === "SIGTERM") runningChild?.kill("SIGTERM");
    });
  }

  const c1 = await startEmulator({ clientName: "demo" });
  try {
    await runDemo(c1, new PulumiCli(stack, demoEnvironment(backendDir)));
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
    console.log(`\n${green("✔")} ${bold(`Demo passed: all ${STEP_COUNT} steps behaved as described, in ${seconds}s.`)}`);
    return 0;
  } catch (error) {
    if (stopSignal) return 130;
    const message = error instanceof DemoCheckFailed ? error.message : String(error instanceof Error ? (error.stack ?? error) : error);
    console.error(`\n${red("✘ Demo failed:")} ${message}`);
    return 1;
  } finally {
    const sensitiveValuesFile = process.env.DEMO_SENSITIVE_VALUES_FILE;
    if (sensitiveValuesFile) writeFileSync(sensitiveValuesFile, JSON.stringify(c1.emulator.sensitiveValues()), { mode: 0o600 });
    await c1.close();
    removeStackAndState();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
