import { createHash } from "node:crypto";
import { C1Client } from "../c1/client";
import { CONFIG_NAMESPACE, type ConfigSource, readVerifyUsers, resolveSettings, SETTING_SOURCES } from "../c1/settings";
import { type OwnerKey, ownerIdentity, type OwnerRole, roleIdentity } from "../model/owner-key";
import { globalSlot } from "../util/global-slot";

/**
 * What the dynamic-provider process (the one the engine starts to run `__provider` code) keeps
 * between calls: the stack config each provider object was configured with, one API client
 * (axios instance + token cache) per distinct settings, and the roles that a ConnectorUserOwners
 * of this deployment manages.
 *
 * It lives on globalThis under a registered symbol, not in module scope or on the provider:
 * Pulumi serializes the provider and everything its methods reach into every resource's state,
 * and a token cache or config captured there would leak credentials into the state file.
 *
 * One provider process runs every serialized copy of the provider found in state. The slot's name
 * carries a version so copies only share a registry of the same shape: bump it when a field
 * changes shape.
 */
export interface ProviderRegistry {
  /** The `conductorone:*` stack config given to each provider object's `configure`. */
  configs: WeakMap<object, Record<string, string>>;
  /** API clients by a hash of their settings, so calls with the same settings share one token. */
  clients: Map<string, C1Client>;
  /** Roles an exclusive ConnectorUserOwners of this deployment manages, as roleIdentity strings. */
  rolesManagedBySets: string[];
  /** Owners a non-exclusive ConnectorUserOwners of this deployment lists, as ownerIdentity strings. */
  ownersManagedBySets: string[];
}

/** This process's registry, created on first use. */
export function providerRegistry(): ProviderRegistry {
  return globalSlot<ProviderRegistry>("provider-registry/v2", () => ({
    configs: new WeakMap(),
    clients: new Map(),
    rolesManagedBySets: [],
    ownersManagedBySets: [],
  }));
}

/** Records the `conductorone:*` stack config given to `provider.configure`, and nothing else. */
export function rememberStackConfig(provider: object, config: ConfigSource): void {
  const snapshot: Record<string, string> = {};
  for (const name of Object.keys(SETTING_SOURCES)) {
    const key = `${CONFIG_NAMESPACE}:${name}`;
    const value = config.get(key);
    if (value !== undefined && value !== null) snapshot[key] = String(value);
  }
  providerRegistry().configs.set(provider, snapshot);
}

/**
 * The API client for `provider`, from its stack config (if configured) and the environment,
 * resolved now. Calls with the same settings share one client, so one token serves them all.
 */
export function clientFor(provider: object): C1Client {
  const registry = providerRegistry();
  const snapshot = registry.configs.get(provider);
  const settings = resolveSettings(snapshot ? { get: (key) => snapshot[key] } : undefined);
  const fingerprint = createHash("sha256").update(JSON.stringify(settings)).digest("hex");
  let client = registry.clients.get(fingerprint);
  if (!client) {
    client = C1Client.fromSettings(settings);
    registry.clients.set(fingerprint, client);
  }
  return client;
}

/** Whether `provider`'s check looks users up (its stack config, then the env; see readVerifyUsers). */
export function verifyUsersFor(provider: object): boolean {
  const snapshot = providerRegistry().configs.get(provider);
  return readVerifyUsers(snapshot ? { get: (key) => snapshot[key] } : undefined);
}

function addOnce(list: string[], identity: string): void {
  if (!list.includes(identity)) list.push(identity);
}

/**
 * Records what a ConnectorUserOwners of this deployment manages: an exclusive set the whole
 * `role`, a non-exclusive one each of `userIds`. The engine checks every declared resource before
 * it deletes removed ones, so when a program moves a role from single ConnectorUserOwner resources
 * to a set, the singles' deletes see this and leave C1 alone: the set now decides about them.
 */
export function markManagedBySet(role: OwnerRole, exclusive: boolean, userIds: readonly string[]): void {
  const registry = providerRegistry();
  if (exclusive) addOnce(registry.rolesManagedBySets, roleIdentity(role));
  else for (const userId of userIds) addOnce(registry.ownersManagedBySets, ownerIdentity({ ...role, userId }));
}

/** True when a ConnectorUserOwners of this deployment decides about this owner (see markManagedBySet). */
export function isOwnerManagedBySet(key: OwnerKey): boolean {
  const registry = providerRegistry();
  return registry.rolesManagedBySets.includes(roleIdentity(key)) || registry.ownersManagedBySets.includes(ownerIdentity(key));
}
