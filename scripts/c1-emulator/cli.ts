/**
 * Runs the emulator for a demo or by hand:
 *
 *   npm run emulator -- [--port N] [--no-seed]
 *   npx ts-node --transpile-only scripts/c1-emulator/cli.ts [--port N] [--no-seed]
 *
 * Prints the URL, `export` lines for a throwaway demo client and the demo directory, then serves
 * until SIGINT/SIGTERM. `startEmulator` does the same for other scripts, without printing.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SETTING_SOURCES } from "../../provider/c1/settings";
import type { ClientCredentials } from "./auth";
import { C1Emulator, type C1EmulatorOptions } from "./server";

/** Options for {@link startEmulator}. */
export interface StartEmulatorOptions extends C1EmulatorOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** First part of the demo client id. @default 'demo' */
  clientName?: string;
}

/** The CONDUCTORONE_* variables {@link startEmulator} sets; the banner unsets every other one. */
type EmulatorEnvName = "CONDUCTORONE_SERVER_URL" | "CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST" | "CONDUCTORONE_CLIENT_ID" | "CONDUCTORONE_CLIENT_SECRET";

/** A running emulator with a demo client. */
export interface StartedEmulator {
  emulator: C1Emulator;
  url: string;
  /** Throwaway local credentials, valid only against this emulator. */
  client: ClientCredentials;
  /**
   * The provider's env for this emulator: its URL, the demo client, and
   * `CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST` naming the emulator's host, which is not the tenant
   * host its client ids name (the provider refuses to send credentials there otherwise).
   */
  env: Record<EmulatorEnvName, string>;
  close: () => Promise<void>;
}

/** Starts an emulator and creates a demo client. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<StartedEmulator> {
  const { port = 0, clientName = "demo", ...emulatorOptions } = options;
  const emulator = new C1Emulator(emulatorOptions);
  const url = await emulator.listen(port);
  const client = emulator.createClient(clientName);
  return {
    emulator,
    url,
    client,
    env: {
      CONDUCTORONE_SERVER_URL: url,
      CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: new URL(url).host,
      CONDUCTORONE_CLIENT_ID: client.clientId,
      CONDUCTORONE_CLIENT_SECRET: client.clientSecret,
    },
    close: () => emulator.close(),
  };
}

/** The flags the CLI takes. */
const CLI_OPTIONS = {
  port: { type: "string" },
  "no-seed": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** What `--help` prints. */
export const CLI_USAGE = [
  "usage: npm run emulator -- [--port N] [--no-seed]",
  "       npx ts-node --transpile-only scripts/c1-emulator/cli.ts [--port N] [--no-seed]",
  "",
  "  --port N     port on 127.0.0.1 (default 0: a free port)",
  "  --no-seed    start with an empty directory instead of the demo apps and users",
  "  -h, --help   print this and exit",
].join("\n");

/** The CLI's arguments, parsed. */
export interface CliArgs {
  /** @default 0 (a free port) */
  port: number;
  /** false with `--no-seed`. */
  seed: boolean;
  help: boolean;
}

function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || port > 65535) throw new Error(`--port must be 0-65535, got ${String(value)}`);
  return port;
}

/**
 * Parses `--port N`, `--port=N`, `--no-seed` and `-h`/`--help` with `node:util`'s `parseArgs`.
 * @throws on anything else, naming the argument.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  // parseArgs does the parsing (`--port=N`, `--port N`, `-h`, grouped short flags); its tokens are
  // checked here rather than in strict mode so that every error names the argument in the same
  // words (strict mode says 'Unknown option', 'argument missing' or 'argument is ambiguous').
  const { tokens } = parseArgs({ args: [...argv], options: CLI_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const result: CliArgs = { port: 0, seed: true, help: false };
  for (const token of tokens) {
    if (token.kind === "positional") throw new Error(`unknown argument: ${token.value}`);
    if (token.kind === "option-terminator") throw new Error("unknown argument: --");
    switch (token.name) {
      case "port":
        // `--port --no-seed` takes `--no-seed` as the value, which then is no port.
        result.port = parsePort(token.value);
        break;
      case "no-seed":
      case "help":
        if (token.value !== undefined) throw new Error(`${token.rawName} takes no value, got ${token.rawName}=${token.value}`);
        if (token.name === "help") result.help = true;
        else result.seed = false;
        break;
      default:
        throw new Error(`unknown argument: ${token.rawName}`);
    }
  }
  return result;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The provider's other env vars: unset, so a real tenant's token in the shell never meets the emulator's settings. */
function otherProviderEnvNames(started: StartedEmulator): string[] {
  return Object.values(SETTING_SOURCES)
    .map((source) => source.env)
    .filter((name) => !(name in started.env));
}

/** The text the CLI prints: URL, env lines and the demo directory. */
export function formatBanner(started: StartedEmulator): string {
  const { apps, users } = started.emulator.store.directory();
  const lines = [
    `C1 emulator listening on ${started.url}`,
    "",
    "# Throwaway demo credentials: they only work against this local emulator and die with it.",
    "# The unset lines drop any other C1 setting from the shell: a real access token or OIDC token",
    "# would win over the demo client and be sent to the emulator.",
    ...otherProviderEnvNames(started).map((name) => `unset ${name}`),
    ...Object.entries(started.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    `# Before using a real tenant in this shell again: unset ${Object.keys(started.env).join(" ")}`,
    "",
    "Demo directory:",
    ...(apps.length === 0 ? ["  (empty)"] : apps.map((a) => `  app ${a.appId}: connectors ${a.connectorIds.join(", ") || "(none)"}`)),
    ...users.map((u) => `  user ${u.id}: ${u.displayName} <${u.email}>`),
    "",
    `Admin API (local only): ${started.url}/_emulator/{owners,requests,faults,chaos,reset,revoke-tokens,directory}`,
    "Press Ctrl+C to stop.",
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`c1-emulator: ${(err as Error).message}\n\n${CLI_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(CLI_USAGE);
    return;
  }
  const started = await startEmulator({ port: args.port, seed: args.seed });
  console.log(formatBanner(started));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130); // a second Ctrl+C means "now"
    stopping = true;
    console.log(`\n${signal}: stopping C1 emulator`);
    started.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

// Run only when executed directly, not when imported (vitest has no `require.main`).
if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
