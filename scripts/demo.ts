/**
 * `npm run demo`: the journey of ownership as code against a local C1 emulator, with the real
 * Pulumi CLI and the package's own `c1-ownership` CLI, step by step, on the root project (stack/,
 * the same two-line program the template gives a team): owners set by hand in C1 are exported into
 * a new stack's ownership document, adopted by `pulumi up` without a write to C1, one is removed
 * in C1 and `c1-ownership drift` reports it, the pull request's preview (with the guardrails)
 * plans to put it back, `up --refresh` does, and `destroy` ends it. Every step checks that what it
 * shows really happened, so the demo exits non-zero instead of silently going stale.
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

/** The root project: Pulumi.yaml names stack/ as its program. */
const PROJECT_DIR = path.resolve(__dirname, "..");
/** The c1-ownership CLI as the package ships it (staged in node_modules by with-toolchain.sh). */
const C1_OWNERSHIP = path.join(PROJECT_DIR, "node_modules/pulumi-conductorone-owners/dist/cli/main.js");
/** The template's guardrails, as the pull request's preview runs them. */
const POLICY_PACK = "templates/ownership-repository/policy";

interface OwnerKey {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
}

const owner = (appId: string, connectorId: string, roleSlug: string, userId: string): OwnerKey => ({ appId, connectorId, roleSlug, userId });

/** What "someone set by hand in C1" before the stack existed: two owners per role, as the guardrails ask. */
const HAND_MADE_OWNERS: OwnerKey[] = [
  owner("app-payroll", "conn-okta", "owner", "u-alice"),
  owner("app-payroll", "conn-okta", "owner", "u-bob"),
  owner("app-payroll", "conn-okta", "admin", "u-carol"),
  owner("app-payroll", "conn-okta", "admin", "u-erin"),
  owner("app-github", "conn-github", "admin", "u-dave"),
  owner("app-github", "conn-github", "admin", "u-erin"),
];
const CONNECTORS = ["app-payroll/conn-okta", "app-github/conn-github"];
/** The owner "someone" removes in the C1 UI in step 4. */
const DRIFTED_OWNER = HAND_MADE_OWNERS[1]!;

const STEP_COUNT = 7;
/** c1-ownership drift: C1 differs from the stack. */
const EXIT_DRIFT = 3;

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

/** The real `pulumi` CLI, and the package's `c1-ownership`, on one stack of the root project. */
class DemoCli {
  constructor(
    readonly stack: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Runs `pulumi ARGS`, printing the command (without the flags every call shares, listed once in
   * the setup) and streaming its output to the terminal.
   */
  pulumi(args: string[], options: { stdin?: string; shownAs?: string } = {}): Promise<CliRun> {
    console.log(dim(`$ pulumi ${options.shownAs ?? args.join(" ")}`));
    const sharedFlags = ["--stack", this.stack, "--non-interactive", "--color", useColor ? "always" : "never"];
    return this.spawn("pulumi", [...args, ...sharedFlags], { ...options, show: true });
  }

  /** Runs `c1-ownership ARGS --stack STACK`, printing the command as a person would type it. */
  c1Ownership(args: string[]): Promise<CliRun> {
    console.log(dim(`$ c1-ownership ${args.join(" ")} --stack ${this.stack}`));
    return this.spawn(process.execPath, [C1_OWNERSHIP, ...args, "--stack", this.stack], { show: true });
  }

  /** Runs `pulumi ARGS` without showing its stdout, for the demo's own checks. @returns stdout */
  async read(args: string[]): Promise<string> {
    const result = await this.spawn("pulumi", [...args, "--stack", this.stack, "--non-interactive", "--color", "never"], { show: false });
    if (result.code !== 0) throw new DemoCheckFailed(`\`pulumi ${args.join(" ")}\` exited with ${result.code}`);
    return result.output;
  }

  private spawn(command: string, args: string[], options: { stdin?: string; show: boolean }): Promise<CliRun> {
    if (stopSignal) return Promise.reject(new DemoCheckFailed(`stopped by ${stopSignal}`));
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: PROJECT_DIR,
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
  if (run.code !== expected) throw new DemoCheckFailed(`\`${command}\` exited with ${run.code}, expected ${expected}`);
}

function expectOutput(run: CliRun, pattern: RegExp, what: string): void {
  if (!pattern.test(run.output)) throw new DemoCheckFailed(`the output does not show ${what}`);
}

/** Checks that the emulator holds exactly `expected`, in any order. */
function expectEmulatorOwners(c1: StartedEmulator, expected: OwnerKey[], when: string): void {
  const actual = c1.emulator.store.listOwners().map(ownerId).sort();
  const wanted = expected.map(ownerId).sort();
  if (actual.join() !== wanted.join()) {
    throw new DemoCheckFailed(`${when}, the emulator should hold [${wanted.join(", ")}] but holds [${actual.join(", ")}]`);
  }
}

/** The API requests that changed C1 since `since` (the emulator's request log). */
function writesSince(c1: StartedEmulator, since: number): string[] {
  return c1.emulator.requests
    .slice(since)
    .filter((entry) => entry.kind === "api" && entry.method !== "GET")
    .map((entry) => `${entry.method} ${entry.path}`);
}

// ---------------------------------------------------------------------------------------------
// The demo

async function runDemo(c1: StartedEmulator, cli: DemoCli): Promise<void> {
  heading(
    "Setup",
    "a new stack pointed at the emulator, and owners set by hand in C1",
    `A local C1 emulator is listening on ${c1.url}, with a throwaway client.\n` +
      `Every command below runs in the root project (program stack/index.ts) on --stack ${cli.stack}.`,
  );
  expectExitCode(await cli.pulumi(["stack", "init", "--no-select"], { shownAs: "stack init" }), 0, "pulumi stack init");
  expectExitCode(await cli.pulumi(["config", "set", "conductorone:serverUrl", c1.url]), 0, "pulumi config set");
  // The emulator is not the tenant host its client ids name: credentials may go to it only when allowed.
  const emulatorHost = c1.env.CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST;
  expectExitCode(await cli.pulumi(["config", "set", "conductorone:allowCredentialsToHost", emulatorHost]), 0, "pulumi config set");
  expectExitCode(await cli.pulumi(["config", "set", "conductorone:clientId", c1.client.clientId]), 0, "pulumi config set");
  // The secret goes in on stdin: it never appears on a command line or on screen.
  const setSecret = await cli.pulumi(["config", "set", "--secret", "conductorone:clientSecret"], {
    stdin: c1.client.clientSecret,
    shownAs: "config set --secret conductorone:clientSecret   # value on stdin",
  });
  expectExitCode(setSecret, 0, "pulumi config set --secret");
  for (const key of HAND_MADE_OWNERS) {
    console.log(dim(`(C1 UI) add owner ${ownerId(key)}`));
    c1.emulator.store.addOwner(key);
  }
  notice(`C1 has ${HAND_MADE_OWNERS.length} owners that no stack made; the client secret is stored encrypted in Pulumi.${cli.stack}.yaml.`);

  heading(1, "c1-ownership export", "Reads each connector's owners from C1 and writes them as the stack's ownership document.");
  const exported = await cli.c1Ownership(["export", ...CONNECTORS.flatMap((connector) => ["--connector", connector])]);
  expectExitCode(exported, 0, "c1-ownership export");
  expectOutput(exported, new RegExp(`wrote ${HAND_MADE_OWNERS.length} owner\\(s\\) of ${CONNECTORS.length} connector\\(s\\)`), "the owners written");
  const checked = await cli.c1Ownership(["check"]);
  expectExitCode(checked, 0, "c1-ownership check");
  notice(`the document lists the ${HAND_MADE_OWNERS.length} owners by app, connector and role; check finds it valid, offline.`);

  heading(2, "pulumi up", "Adopts what the document declares: one ConnectorUserOwners per role.");
  const beforeUp = c1.emulator.requests.length;
  expectExitCode(await cli.pulumi(["up", "--yes"]), 0, "pulumi up --yes");
  const writes = writesSince(c1, beforeUp);
  if (writes.length > 0) throw new DemoCheckFailed(`\`pulumi up\` wrote to C1: ${writes.join(", ")}`);
  expectEmulatorOwners(c1, HAND_MADE_OWNERS, "after `pulumi up`");
  notice("3 roles are 3 resources, and the emulator's request log has no POST and no DELETE: nothing changed in C1.");

  heading(3, "c1-ownership drift", "What the person on call runs: C1 against the stack, changing nothing.");
  expectExitCode(await cli.c1Ownership(["drift"]), 0, "c1-ownership drift");
  notice("exit code 0: C1 matches the stack.");

  heading(4, "drift", `Someone removes ${DRIFTED_OWNER.userId} as ${DRIFTED_OWNER.roleSlug} in the C1 UI. Pulumi is not told.`);
  console.log(dim(`(C1 UI) remove owner ${ownerId(DRIFTED_OWNER)}`));
  if (!c1.emulator.store.removeOwner(DRIFTED_OWNER)) throw new DemoCheckFailed(`${ownerId(DRIFTED_OWNER)} was not in the emulator to remove`);
  const drift = await cli.c1Ownership(["drift"]);
  expectExitCode(drift, EXIT_DRIFT, "c1-ownership drift");
  expectOutput(drift, /app-payroll +conn-okta +owner +u-bob +bob@example\.com +removed in C1/, `the row of ${ownerId(DRIFTED_OWNER)}`);
  console.log(bold(`\nexit code: ${drift.code}`));
  notice(`exit code ${EXIT_DRIFT} means drift: the table names the owner, with the email C1 last reported.`);

  heading(5, "the pull request's preview", "`preview --refresh` with the template's guardrails: what a reviewer approves.");
  const beforePreview = c1.emulator.requests.length;
  const preview = await cli.pulumi(["preview", "--refresh", "--diff", "--policy-pack", POLICY_PACK, "--policy-pack-config", `${POLICY_PACK}/config.json`]);
  expectExitCode(preview, 0, "pulumi preview --refresh --policy-pack");
  expectOutput(preview, /~ 1 to update/, "one role to update");
  expectOutput(preview, /c1-ownership-guardrails/, "the guardrails pack");
  if (writesSince(c1, beforePreview).length > 0) throw new DemoCheckFailed("the preview wrote to C1");
  notice(`the preview plans to add ${DRIFTED_OWNER.userId} back to the role, the guardrails pass, and nothing changed in C1.`);

  heading(6, "repair", "`up --refresh` reads C1, then puts back what the document declares but C1 lacks.");
  expectExitCode(await cli.pulumi(["up", "--refresh", "--yes"]), 0, "pulumi up --refresh --yes");
  expectEmulatorOwners(c1, HAND_MADE_OWNERS, "after `pulumi up --refresh`");
  expectExitCode(await cli.c1Ownership(["drift"]), 0, "c1-ownership drift");
  notice(`${ownerId(DRIFTED_OWNER)} is back in C1, and the drift check exits 0.`);

  heading(7, "pulumi destroy", "Deletes every owner the stack manages, then (--remove) the stack and its config file.");
  expectExitCode(await cli.pulumi(["destroy", "--yes", "--remove"]), 0, "pulumi destroy --yes --remove");
  expectEmulatorOwners(c1, [], "after `pulumi destroy`");
  notice(`the ${HAND_MADE_OWNERS.length} owners are deleted: the emulator holds none.`);
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
    rmSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), { force: true });
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
    await runDemo(c1, new DemoCli(stack, demoEnvironment(backendDir)));
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
