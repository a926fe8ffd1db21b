import { C1SettingsError } from "./errors";
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
  /** Full API base URL, e.g. `https://acme.conductor.one`. Env `CONDUCTORONE_SERVER_URL`. */
  serverUrl: { env: "CONDUCTORONE_SERVER_URL", secret: false },
  /** Tenant name or host (`acme` or `acme.conductor.one`). Env `CONDUCTORONE_TENANT_DOMAIN`. */
  tenantDomain: { env: "CONDUCTORONE_TENANT_DOMAIN", secret: false },
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
 * Turns a tenant name or host into its API URL: `acme` and `acme.conductor.one` both give
 * `https://acme.conductor.one`. Hosts are lower-cased.
 */
export function serverUrlForHost(host: string): string {
  const lower = host.toLowerCase();
  return `https://${lower.includes(".") ? lower : `${lower}.conductor.one`}`;
}

/** The tenant host in a client id: the part after '@' and before '/', if any. */
export function tenantHostFromClientId(clientId: string): string | undefined {
  const at = clientId.indexOf("@");
  if (at < 0) return undefined;
  const host = clientId.slice(at + 1).split("/")[0];
  return host === "" ? undefined : host;
}

function resolveServerUrl(config: ConfigSource | undefined, env: NodeJS.ProcessEnv, clientId?: string): string {
  const explicit = readSetting("serverUrl", config, env);
  if (explicit !== undefined) {
    let url: URL;
    try {
      url = new URL(explicit);
    } catch {
      throw new C1SettingsError(`${describeSetting("serverUrl")} is not a URL: ${JSON.stringify(explicit)}`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new C1SettingsError(`${describeSetting("serverUrl")} must be an http(s) URL, got ${url.protocol}`);
    }
    return explicit.replace(/\/+$/, "");
  }
  const tenant = readSetting("tenantDomain", config, env);
  if (tenant !== undefined) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(tenant)) {
      throw new C1SettingsError(
        `${describeSetting("tenantDomain")} must be a tenant name or host like "acme" or "acme.conductor.one", got ${JSON.stringify(tenant)}`,
      );
    }
    return serverUrlForHost(tenant);
  }
  const host = clientId === undefined ? undefined : tenantHostFromClientId(clientId);
  if (host !== undefined) return serverUrlForHost(host);
  throw new C1SettingsError(
    `no C1 server: set ${describeSetting("serverUrl")} or ${describeSetting("tenantDomain")}, or use a client id of the form name@tenant.conductor.one/pcc`,
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
  const serverUrl = resolveServerUrl(config, env, auth.kind === "accessToken" ? readSetting("clientId", config, env) : auth.clientId);
  return {
    serverUrl,
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
