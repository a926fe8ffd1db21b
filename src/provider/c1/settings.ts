import { C1SettingsError } from "../errors";
import { formatHost, type HostAndPort, isConductorOneHost, isLoopbackHost, parseHostAndPort } from "./hosts";
import type { RetryPolicy } from "./retry";

/** Anything that answers stack config lookups by full key (`conductorone:clientId`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** The stack config namespace of every setting. */
export const CONFIG_NAMESPACE = "conductorone";

/**
 * Every setting the provider reads: its stack config key (under `conductorone:`), its env var,
 * and whether it is a credential. Stack config wins over the env var; empty values count as unset.
 */
export const SETTING_SOURCES = {
  /** A ready bearer token. Used as-is and never refreshed. Env `CONDUCTORONE_ACCESS_TOKEN`. */
  accessToken: { env: "CONDUCTORONE_ACCESS_TOKEN", secret: true },
  /** OAuth client id, e.g. `name-123@acme.conductor.one/pcc`. Env `CONDUCTORONE_CLIENT_ID`. */
  clientId: { env: "CONDUCTORONE_CLIENT_ID", secret: false },
  /** `secret-token:conductorone.com:v1:...` (an Ed25519 key). Env `CONDUCTORONE_CLIENT_SECRET`. */
  clientSecret: { env: "CONDUCTORONE_CLIENT_SECRET", secret: true },
  /** An OIDC token (e.g. GitHub Actions') exchanged for a C1 token. Env `CONDUCTORONE_OIDC_TOKEN`. */
  oidcToken: { env: "CONDUCTORONE_OIDC_TOKEN", secret: true },
  /** API base URL, scheme and host only, e.g. `https://acme.conductor.one`. Env `CONDUCTORONE_SERVER_URL`. */
  serverUrl: { env: "CONDUCTORONE_SERVER_URL", secret: false },
  /** Tenant name or host (`acme` or `acme.conductor.one`). Env `CONDUCTORONE_TENANT_DOMAIN`. */
  tenantDomain: { env: "CONDUCTORONE_TENANT_DOMAIN", secret: false },
  /**
   * Hosts (`name` for any port, or `name:port`, comma-separated) that may receive credentials
   * although they are not the tenant host: a proxy, the emulator. Reviewers must notice it in a
   * stack file. Env `CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST`.
   */
  allowCredentialsToHost: { env: "CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST", secret: false },
  /** Per-request timeout in ms. @default 30000. Env `CONDUCTORONE_REQUEST_TIMEOUT_MS`. */
  requestTimeoutMs: { env: "CONDUCTORONE_REQUEST_TIMEOUT_MS", secret: false },
  /** Retries after the first attempt (429, 5xx, network). @default 5. Env `CONDUCTORONE_MAX_RETRIES`. */
  maxRetries: { env: "CONDUCTORONE_MAX_RETRIES", secret: false },
  /** First backoff delay in ms, doubled per retry. @default 1000. Env `CONDUCTORONE_RETRY_BASE_DELAY_MS`. */
  retryBaseDelayMs: { env: "CONDUCTORONE_RETRY_BASE_DELAY_MS", secret: false },
  /** Longest single wait in ms, Retry-After included. @default 30000. Env `CONDUCTORONE_RETRY_MAX_DELAY_MS`. */
  retryMaxDelayMs: { env: "CONDUCTORONE_RETRY_MAX_DELAY_MS", secret: false },
  /** Total time budget for one call's retries in ms. @default 120000. Env `CONDUCTORONE_RETRY_MAX_ELAPSED_MS`. */
  retryMaxElapsedMs: { env: "CONDUCTORONE_RETRY_MAX_ELAPSED_MS", secret: false },
  /**
   * Look up in C1 every user a change makes an owner, during preview: an unknown or DELETED user
   * fails the check. `true` or `false`. @default true. Env `CONDUCTORONE_VERIFY_USERS`.
   */
  verifyUsers: { env: "CONDUCTORONE_VERIFY_USERS", secret: false },
} as const;

export type SettingName = keyof typeof SETTING_SOURCES;

/** Defaults of the tuning settings. */
export const DEFAULT_SETTINGS = {
  requestTimeoutMs: 30_000,
  maxRetries: 5,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  retryMaxElapsedMs: 120_000,
} as const;

/** How the provider gets its bearer token, in the order C1's SDKs try them. */
export type AuthSettings =
  | { kind: "accessToken"; accessToken: string }
  | { kind: "oidcTokenExchange"; clientId: string; oidcToken: string }
  | { kind: "clientCredentials"; clientId: string; clientSecret: string };

/** Fully resolved, validated provider settings. Holds credentials: never log or serialize it. */
export interface Settings {
  /** API base URL without a trailing slash. */
  serverUrl: string;
  auth: AuthSettings;
  requestTimeoutMs: number;
  retry: RetryPolicy;
}

/** Names a setting the way a person sets it: `conductorone:clientId (CONDUCTORONE_CLIENT_ID)`. */
export function describeSetting(name: SettingName): string {
  return `${CONFIG_NAMESPACE}:${name} (${SETTING_SOURCES[name].env})`;
}

function readSetting(name: SettingName, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const fromConfig = config?.get(`${CONFIG_NAMESPACE}:${name}`);
  if (fromConfig !== undefined && fromConfig.trim() !== "") return fromConfig.trim();
  const fromEnv = env[SETTING_SOURCES[name].env];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv.trim();
  return undefined;
}

function readPositiveInteger(
  name: "requestTimeoutMs" | "maxRetries" | "retryBaseDelayMs" | "retryMaxDelayMs" | "retryMaxElapsedMs",
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  allowZero: boolean,
): number {
  const raw = readSetting(name, config, env);
  if (raw === undefined) return DEFAULT_SETTINGS[name];
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || (!allowZero && value === 0)) {
    throw new C1SettingsError(`${describeSetting(name)} must be a whole number${allowZero ? "" : " above 0"}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * Whether check looks up the users a change adds (`verifyUsers`). Read on its own, without the
 * credentials: a preview without them still knows whether to warn.
 */
export function readVerifyUsers(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = readSetting("verifyUsers", config, env);
  if (raw === undefined) return true;
  const value = raw.toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw new C1SettingsError(`${describeSetting("verifyUsers")} must be true or false, got ${JSON.stringify(raw)}`);
}

const HTTPS_PORT = 443;
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: HTTPS_PORT };

/** A bare tenant name gets `.conductor.one`: `acme` is `acme.conductor.one`. */
function tenantHostFor(host: HostAndPort): HostAndPort {
  return host.hostname.includes(".") || host.hostname.startsWith("[") ? host : { ...host, hostname: `${host.hostname}.conductor.one` };
}

/** The tenant host in a client id: the part after '@' and before '/', if any. */
export function tenantHostFromClientId(clientId: string): string | undefined {
  const at = clientId.indexOf("@");
  if (at < 0) return undefined;
  const host = clientId.slice(at + 1).split("/")[0];
  return host === "" ? undefined : host;
}

/** Where requests go: the API base URL and its host, with the port made explicit for comparing. */
interface ServerEndpoint {
  url: string;
  hostname: string;
  port: number;
  /** The host as a person reads it: `acme.conductor.one`, `127.0.0.1:4010`. */
  display: string;
}

/** The tenant host that credentials are bound to, and the setting it came from. */
interface TenantBinding {
  host: HostAndPort & { port: number };
  source: SettingName;
}

function endpointFor(protocol: string, host: HostAndPort): ServerEndpoint {
  const defaultPort = DEFAULT_PORTS[protocol];
  const display = formatHost(host, defaultPort);
  return { url: `${protocol}://${display}`, hostname: host.hostname, port: host.port ?? defaultPort, display };
}

/**
 * Parses `serverUrl` as strictly as a tenant domain: scheme and host only. Userinfo would make
 * axios replace the bearer header with Basic auth, and a query, fragment or path would be glued in
 * front of every API path; http is for loopback only, as the emulator serves it.
 */
function parseServerUrl(raw: string): ServerEndpoint {
  const name = describeSetting("serverUrl");
  const scheme = /^(https?):\/\//i.exec(raw);
  if (!scheme) {
    let protocol: string;
    try {
      protocol = new URL(raw).protocol;
    } catch {
      throw new C1SettingsError(`${name} is not a URL: ${JSON.stringify(raw)}`);
    }
    throw new C1SettingsError(`${name} must be an https:// URL like https://acme.conductor.one, got ${protocol}`);
  }
  const rest = raw.slice(scheme[0].length);
  if (rest.includes("@")) {
    // Not echoed: user info may hold a password.
    throw new C1SettingsError(`${name} must not contain user info (user@ or user:password@)`);
  }
  if (/[?#]/.test(rest)) throw new C1SettingsError(`${name} must not have a query or fragment`);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  if (slash >= 0 && !/^\/*$/.test(rest.slice(slash))) {
    throw new C1SettingsError(`${name} must not have a path: give the scheme and host only, like https://acme.conductor.one`);
  }
  const host = parseHostAndPort(authority);
  if (!host) throw new C1SettingsError(`${name} has an invalid host name: ${JSON.stringify(authority)}`);
  const protocol = scheme[1].toLowerCase();
  if (protocol === "http" && !isLoopbackHost(host.hostname)) {
    throw new C1SettingsError(
      `${name} must use https:// for ${host.hostname}: plain http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost), such as the emulator`,
    );
  }
  return endpointFor(protocol, host);
}

function bindingTo(host: HostAndPort, source: SettingName): TenantBinding {
  const tenant = tenantHostFor(host);
  return { host: { ...tenant, port: tenant.port ?? HTTPS_PORT }, source };
}

/** The host credentials are bound to: `tenantDomain` when set, else the client id's host. */
function resolveTenantBinding(config: ConfigSource | undefined, env: NodeJS.ProcessEnv, clientId?: string): TenantBinding | undefined {
  const tenant = readSetting("tenantDomain", config, env);
  if (tenant !== undefined) {
    const host = parseHostAndPort(tenant);
    if (!host) {
      throw new C1SettingsError(
        `${describeSetting("tenantDomain")} must be a tenant name or host like "acme" or "acme.conductor.one", got ${JSON.stringify(tenant)}`,
      );
    }
    return bindingTo(host, "tenantDomain");
  }
  if (clientId === undefined || !clientId.includes("@")) return undefined;
  // A second '@', a '?' or a '#' after the first would make the derived URL point elsewhere: the
  // strict host parse refuses them all.
  const text = tenantHostFromClientId(clientId) ?? "";
  const host = parseHostAndPort(text);
  if (!host) {
    throw new C1SettingsError(
      `${describeSetting("clientId")} must be name@tenant-host/pcc with one '@' and a valid host name, like name@acme.conductor.one/pcc, got host ${JSON.stringify(text)}`,
    );
  }
  return bindingTo(host, "clientId");
}

function resolveServer(config: ConfigSource | undefined, env: NodeJS.ProcessEnv, binding: TenantBinding | undefined): ServerEndpoint {
  const explicit = readSetting("serverUrl", config, env);
  if (explicit !== undefined) return parseServerUrl(explicit);
  if (binding !== undefined) return endpointFor("https", binding.host);
  throw new C1SettingsError(
    `no C1 server: set ${describeSetting("serverUrl")} or ${describeSetting("tenantDomain")}, or use a client id of the form name@tenant.conductor.one/pcc`,
  );
}

function readAllowedHosts(config: ConfigSource | undefined, env: NodeJS.ProcessEnv): HostAndPort[] {
  const raw = readSetting("allowCredentialsToHost", config, env);
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const host = parseHostAndPort(entry);
      if (!host) {
        throw new C1SettingsError(
          `${describeSetting("allowCredentialsToHost")} must list hosts as name or name:port, separated by commas (no scheme or path), got ${JSON.stringify(entry)}`,
        );
      }
      return host;
    });
}

/**
 * Refuses a server that is not where the credentials belong, before any request: credentials go
 * to the tenant host only, and only when it is a ConductorOne host, unless `allowCredentialsToHost`
 * lists the server's host. Stack config wins over env, so without this one changed line of a
 * stack file (`serverUrl`, `tenantDomain`, `clientId`) would send a CI job's token anywhere.
 */
function checkCredentialHost(server: ServerEndpoint, binding: TenantBinding | undefined, allowed: readonly HostAndPort[]): void {
  if (allowed.some((host) => host.hostname === server.hostname && (host.port === undefined || host.port === server.port))) return;
  // With neither a tenant domain nor a client id host (a bare access token), the server URL names the tenant.
  const tenant = binding?.host ?? { hostname: server.hostname, port: server.port };
  const tenantDisplay = binding ? formatHost(binding.host, HTTPS_PORT) : server.display;
  const source = binding ? describeSetting(binding.source) : `${describeSetting("serverUrl")}; neither a tenant domain nor a client id host is set`;
  const sameHost = tenant.hostname === server.hostname && tenant.port === server.port;
  if (sameHost && isConductorOneHost(tenant.hostname)) return;
  const reason = sameHost
    ? `the tenant host ${tenantDisplay} (from ${source}) is not a ConductorOne host (*.conductor.one)`
    : `it is not the tenant host ${tenantDisplay} (from ${source})`;
  throw new C1SettingsError(
    `refusing to send C1 credentials to ${server.display}: ${reason}. If ${server.display} is a proxy or emulator you trust, list it in ${describeSetting("allowCredentialsToHost")}`,
  );
}

function resolveAuth(config: ConfigSource | undefined, env: NodeJS.ProcessEnv): AuthSettings {
  const accessToken = readSetting("accessToken", config, env);
  if (accessToken !== undefined) return { kind: "accessToken", accessToken };
  const clientId = readSetting("clientId", config, env);
  const oidcToken = readSetting("oidcToken", config, env);
  const clientSecret = readSetting("clientSecret", config, env);
  if (clientId !== undefined && oidcToken !== undefined) return { kind: "oidcTokenExchange", clientId, oidcToken };
  if (clientId !== undefined && clientSecret !== undefined) return { kind: "clientCredentials", clientId, clientSecret };
  if (clientId === undefined && (oidcToken !== undefined || clientSecret !== undefined)) {
    throw new C1SettingsError(`${describeSetting("clientId")} is required with ${oidcToken ? describeSetting("oidcToken") : describeSetting("clientSecret")}`);
  }
  if (clientId !== undefined) {
    throw new C1SettingsError(`${describeSetting("clientId")} is set but neither ${describeSetting("clientSecret")} nor ${describeSetting("oidcToken")} is`);
  }
  throw new C1SettingsError(
    `no C1 credentials: set ${describeSetting("accessToken")}, or ${describeSetting("clientId")} with ${describeSetting("clientSecret")} or ${describeSetting("oidcToken")}`,
  );
}

/**
 * Resolves and validates every setting: stack config first, then the env var, then the default.
 * Called on each provider call (never at load or construction), so nothing is captured when
 * Pulumi serializes the provider.
 */
export function resolveSettings(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): Settings {
  const auth = resolveAuth(config, env);
  const binding = resolveTenantBinding(config, env, auth.kind === "accessToken" ? readSetting("clientId", config, env) : auth.clientId);
  const server = resolveServer(config, env, binding);
  checkCredentialHost(server, binding, readAllowedHosts(config, env));
  return {
    serverUrl: server.url,
    auth,
    requestTimeoutMs: readPositiveInteger("requestTimeoutMs", config, env, false),
    retry: {
      maxRetries: readPositiveInteger("maxRetries", config, env, true),
      baseDelayMs: readPositiveInteger("retryBaseDelayMs", config, env, true),
      maxDelayMs: readPositiveInteger("retryMaxDelayMs", config, env, true),
      maxElapsedMs: readPositiveInteger("retryMaxElapsedMs", config, env, true),
    },
  };
}
