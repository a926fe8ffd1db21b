/**
 * `c1-ownership emulator`: the local C1 emulator for trying an ownership repository offline. It
 * prints the URL and `export` lines for a throwaway client, unsets every other C1 setting (so a
 * real tenant's token in the shell never meets it), and serves on 127.0.0.1 until Ctrl+C.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { rateLimitFromJson, type RateLimitSettings } from "../../emulator/rate-limit";
import { startEmulator, type StartedEmulator } from "../../emulator/start";
import { SETTING_SOURCES } from "../../provider/c1/settings";
import { EXIT } from "../exit-codes";
import { type CommandOutput, UsageError } from "../options";

/** The flags the command takes. */
const EMULATOR_OPTIONS = {
  port: { type: "string" },
  "rate-limit": { type: "string" },
  burst: { type: "string" },
  "retry-after": { type: "string" },
  "no-seed": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** The text of `emulator --help`. */
export const EMULATOR_USAGE = `usage: c1-ownership emulator [--port N] [--no-seed]

Runs a local ConductorOne API (the owners, users and token endpoints, with real authentication)
on 127.0.0.1, for trying an ownership repository and testing changes offline. It prints the URL,
the lines that point the provider at it with throwaway credentials, and the demo directory, then
serves until Ctrl+C. Seed owners and faults through its admin API (docs/emulator.md), e.g.
  curl -X POST "$CONDUCTORONE_SERVER_URL/_emulator/owners" \\
    -d '{"appId":"app-payroll","connectorId":"conn-okta","roleSlug":"owner","userId":"u-alice"}'

  --port N          port on 127.0.0.1 (default 0: a free port)
  --no-seed         start with an empty directory instead of the demo apps and users
  --rate-limit R    answer API and token requests over R a second with 429 (a token bucket),
                    as a tenant's rate limit does; off by default
  --burst N         with --rate-limit: requests the bucket holds (default: R)
  --retry-after S   with --rate-limit: the Retry-After of its 429s, in seconds (default 1)
  -h, --help        print this and exit

Exit status: ${EXIT.OK} stopped by Ctrl+C or SIGTERM, ${EXIT.FAILED} could not start, ${EXIT.USAGE} bad usage.`;

/** The command's arguments, parsed. */
export interface EmulatorArgs {
  /** @default 0 (a free port) */
  port: number;
  /** The rate-limit mode, when asked for. */
  rateLimit?: RateLimitSettings;
  /** false with `--no-seed`. */
  seed: boolean;
  help: boolean;
}

function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be 0-65535, got ${String(value)}`);
  return port;
}

/**
 * Parses `--port N`, `--port=N`, `--no-seed` and `-h`/`--help` with `node:util`'s `parseArgs`.
 * @throws UsageError on anything else, naming the argument.
 */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  // parseArgs does the parsing (`--port=N`, `--port N`, `-h`, grouped short flags); its tokens are
  // checked here rather than in strict mode so that every error names the argument in the same
  // words (strict mode says 'Unknown option', 'argument missing' or 'argument is ambiguous').
  const { tokens } = parseArgs({ args: [...argv], options: EMULATOR_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const result: EmulatorArgs = { port: 0, seed: true, help: false };
  const limit: Record<string, number> = {};
  for (const token of tokens) {
    if (token.kind === "positional") throw new UsageError(`unknown argument: ${token.value}`);
    if (token.kind === "option-terminator") throw new UsageError("unknown argument: --");
    switch (token.name) {
      case "port":
        // `--port --no-seed` takes `--no-seed` as the value, which then is no port.
        result.port = parsePort(token.value);
        break;
      case "rate-limit":
      case "burst":
      case "retry-after": {
        const value = Number(token.value);
        if (token.value === undefined || !Number.isFinite(value) || value <= 0)
          throw new UsageError(`${token.rawName} must be a number above 0, got ${String(token.value)}`);
        limit[{ "rate-limit": "rate", burst: "burst", "retry-after": "retryAfterSeconds" }[token.name]] = value;
        break;
      }
      case "no-seed":
      case "help":
        if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got ${token.rawName}=${token.value}`);
        if (token.name === "help") result.help = true;
        else result.seed = false;
        break;
      default:
        throw new UsageError(`unknown argument: ${token.rawName}`);
    }
  }
  if (Object.keys(limit).length > 0) {
    if (limit.rate === undefined) throw new UsageError("--burst and --retry-after go with --rate-limit R");
    result.rateLimit = rateLimitFromJson(limit);
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

function rateLimitLine(started: StartedEmulator): string[] {
  const settings = started.emulator.rateLimit.status().settings;
  if (settings === null) return [];
  return [`Rate limit: ${settings.rate} requests a second, bursts of ${settings.burst}, 429 with Retry-After: ${settings.retryAfterSeconds}`, ""];
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
    ...rateLimitLine(started),
    `Admin API (local only): ${started.url}/_emulator/{owners,requests,faults,chaos,rate-limit,reset,revoke-tokens,directory}`,
    "Press Ctrl+C to stop.",
  ];
  return lines.join("\n");
}

/**
 * Starts the emulator, prints the banner, and resolves with the exit status once a signal stops
 * it (a second Ctrl+C exits at once).
 */
export async function runEmulator(args: EmulatorArgs, output: CommandOutput): Promise<number> {
  const started = await startEmulator({ port: args.port, seed: args.seed, rateLimit: args.rateLimit });
  output.out(`${formatBanner(started)}\n`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) process.exit(130);
      stopping = true;
      output.out(`\n${signal}: stopping C1 emulator\n`);
      started.close().then(
        () => resolve(EXIT.OK),
        () => resolve(EXIT.FAILED),
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
