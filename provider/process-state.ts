import { createHash } from "node:crypto";
import { C1Client } from "./client";
import { globalSlot } from "./global-slot";
import { CONFIG_NAMESPACE, ConfigSource, resolveSettings, SETTING_SOURCES } from "./settings";

/**
 * What a provider process keeps between calls: the stack config each provider instance was
 * configured with, and one API client (axios instance + token cache) per distinct settings.
 *
 * It lives on globalThis under a registered symbol, not in module scope or on the provider:
 * Pulumi serializes the provider and everything its methods reach into every resource's state,
 * and a token cache or config captured there would leak credentials into the state file.
 *
 * One provider process runs every serialized copy of the provider found in state, old versions
 * included. The key carries a version so a copy only shares clients with copies of the same shape;
 * bump it when the client or the stored config changes shape.
 */
interface ProcessState {
  configs: WeakMap<object, Record<string, string>>;
  clients: Map<string, C1Client>;
}

function processState(): ProcessState {
  return globalSlot("process-state/v1", () => ({ configs: new WeakMap(), clients: new Map() }));
}

/** Records the `conductorone:*` stack config given to `provider.configure`, and nothing else. */
export function rememberStackConfig(provider: object, config: ConfigSource): void {
  const snapshot: Record<string, string> = {};
  for (const name of Object.keys(SETTING_SOURCES)) {
    const key = `${CONFIG_NAMESPACE}:${name}`;
    const value = config.get(key);
    if (value !== undefined && value !== null) snapshot[key] = String(value);
  }
  processState().configs.set(provider, snapshot);
}

/**
 * The API client for `provider`, from its stack config (if configured) and the environment,
 * resolved now. Calls with the same settings share one client, so one token serves them all.
 */
export function clientFor(provider: object): C1Client {
  const state = processState();
  const snapshot = state.configs.get(provider);
  const settings = resolveSettings(snapshot ? { get: (key) => snapshot[key] } : undefined);
  const fingerprint = createHash("sha256").update(JSON.stringify(settings)).digest("hex");
  let client = state.clients.get(fingerprint);
  if (!client) {
    client = C1Client.fromSettings(settings);
    state.clients.set(fingerprint, client);
  }
  return client;
}

function roleKey(role: { appId: string; connectorId: string; roleSlug: string }): string {
  return JSON.stringify([role.appId, role.connectorId, role.roleSlug]);
}

/**
 * The roles a ConnectorUserOwners of this deployment manages, as JSON strings in a plain array
 * under a key of its own: every version of the provider, old or new, must read it the same way.
 */
function rolesManagedBySets(): string[] {
  return globalSlot<string[]>("roles-managed-by-sets", () => []);
}

/**
 * Records that a ConnectorUserOwners of this deployment manages `role`. The engine checks every
 * declared resource before it deletes removed ones, so when a program moves a role from single
 * ConnectorUserOwner resources to a set, the singles' deletes see this and leave C1 alone: the set
 * now decides who owns the role.
 */
export function markRoleManagedBySet(role: { appId: string; connectorId: string; roleSlug: string }): void {
  const roles = rolesManagedBySets();
  const key = roleKey(role);
  if (!roles.includes(key)) roles.push(key);
}

/** True when a ConnectorUserOwners of this deployment manages `role`. */
export function isRoleManagedBySet(role: { appId: string; connectorId: string; roleSlug: string }): boolean {
  return rolesManagedBySets().includes(roleKey(role));
}

/** Forgets the roles marked by markRoleManagedBySet (a deployment's process starts empty; tests reuse one). */
export function forgetRolesManagedBySets(): void {
  rolesManagedBySets().length = 0;
}
