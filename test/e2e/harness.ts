/**
 * Drives a Pulumi program with the real CLI (through the Automation API and plain CLI calls) on a
 * throwaway local file backend, against the C1 emulator. Everything the engine prints is kept so
 * tests can search it for credentials.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface E2eStackOptions {
  programDir: string;
  /** Stack config, `conductorone:*` included; values marked secret are stored encrypted. */
  config: Record<string, { value: string; secret?: boolean }>;
  /** Extra env for the CLI and so for the provider process. */
  env?: Record<string, string>;
}

/** One stack of a program on its own file backend, with every engine output recorded. */
export class E2eStack {
  readonly transcript: string[] = [];
  readonly events: EngineEvent[] = [];

  private constructor(
    readonly stack: Stack,
    readonly stackName: string,
    readonly programDir: string,
    readonly backendDir: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(options: E2eStackOptions): Promise<E2eStack> {
    const backendDir = await mkdtemp(path.join(tmpdir(), "c1-e2e-state-"));
    const env = {
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      ...options.env,
    };
    const stackName = `e2e-${randomBytes(4).toString("hex")}`;
    const stack = await LocalWorkspace.createStack({ stackName, workDir: options.programDir }, { envVars: env });
    await stack.setAllConfig(options.config);
    return new E2eStack(stack, stackName, options.programDir, backendDir, env);
  }

  /** Options for Automation API operations that record output and events. */
  recording() {
    return {
      onOutput: (text: string) => this.transcript.push(text),
      onError: (text: string) => this.transcript.push(text),
      onEvent: (event: EngineEvent) => this.events.push(event),
    };
  }

  async setOwners(owners: object[]): Promise<void> {
    await this.stack.setConfig("owners", { value: JSON.stringify(owners) });
  }

  /** Runs the CLI itself (for flags the Automation API lacks), recording its output. */
  cli(args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--stack", this.stackName, "--cwd", this.programDir, "--non-interactive", "--color", "never"], {
        env: { ...process.env, ...this.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        this.transcript.push(stdout, stderr);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** Operations planned in the last recorded run, as "op name" strings, sorted. */
  plannedSteps(since: number): string[] {
    return this.events
      .slice(since)
      .map((event) => event.resourcePreEvent?.metadata)
      .filter((metadata): metadata is NonNullable<typeof metadata> => metadata !== undefined)
      // "refresh" steps only read state and "same" steps change nothing. Provider resources are left
      // out: the default pulumi-nodejs provider receives the whole stack config, so any config edit
      // shows as an (inert) update of it.
      .filter((metadata) => metadata.op !== "same" && metadata.op !== "refresh")
      .filter((metadata) => !metadata.urn.includes("pulumi:pulumi:Stack") && !metadata.urn.includes("::pulumi:providers:"))
      .map((metadata) => `${metadata.op} ${metadata.urn.split("::").pop()}`)
      .sort();
  }

  /** Every file of the backend (state, history, backups) as text, for leak checks. */
  rawBackendText(): Promise<string> {
    return readTreeText(this.backendDir);
  }

  /** The __provider strings in the current state, one per dynamic resource. */
  async providerTexts(): Promise<string[]> {
    const exported = await this.stack.exportStack();
    const resources = (exported.deployment?.resources ?? []) as Array<{ type: string; outputs?: Record<string, unknown> }>;
    return resources.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic")).map((resource) => String(resource.outputs?.__provider ?? ""));
  }

  async dispose(): Promise<void> {
    await this.stack.workspace.removeStack(this.stackName, { force: true }).catch(() => undefined);
    await rm(path.join(this.programDir, `Pulumi.${this.stackName}.yaml`), { force: true });
    await rm(this.backendDir, { recursive: true, force: true });
  }
}

/** Every file of a directory tree as text (nothing when it does not exist), for leak checks. */
export async function readTreeText(dir: string): Promise<string> {
  const texts: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current)) {
      const full = path.join(current, entry);
      if ((await stat(full)).isDirectory()) await walk(full);
      else texts.push(await readFile(full, "latin1"));
    }
  };
  if (existsSync(dir)) await walk(dir);
  return texts.join("\n");
}

/**
 * Stack config that points the provider at `emulatorUrl` with client credentials, the secret stored
 * encrypted as users are told to store it. `extra` adds more plain values (e.g. retry tuning).
 */
export function emulatorStackConfig(
  emulatorUrl: string,
  clientId: string,
  clientSecret: string,
  extra: Record<string, string> = {},
): E2eStackOptions["config"] {
  const config: E2eStackOptions["config"] = {
    "conductorone:serverUrl": { value: emulatorUrl },
    "conductorone:clientId": { value: clientId },
    "conductorone:clientSecret": { value: clientSecret, secret: true },
  };
  for (const [key, value] of Object.entries(extra)) config[key] = { value };
  return config;
}

/** The secret parts of a C1 client secret: the whole secret, its encoded key, the private scalar. */
export function clientSecretParts(clientSecret: string): string[] {
  const encoded = clientSecret.slice("secret-token:conductorone.com:v1:".length);
  const jwk = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as { d: string };
  return [clientSecret, encoded, jwk.d];
}
