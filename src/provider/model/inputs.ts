import { C1InvalidInputError } from "../errors";
import { parseOwnerId } from "./ids";
import { OWNER_KEY_PROPERTIES, OWNER_ROLE_PROPERTIES, type OwnerKey, type OwnerRole } from "./owner-key";
import { toUserIdSet } from "./user-id-set";
import { findOwnerKeyFailures, findConnectorUserOwnersFailures } from "./validation";

/** The plain inputs ConnectorUserOwner's provider receives: the four keys, resolved. */
export type ConnectorUserOwnerInputs = OwnerKey;

/** The plain inputs ConnectorUserOwners' provider receives. */
export interface ConnectorUserOwnersInputs extends OwnerRole {
  /** The user ids the set manages. A set: stored sorted, without duplicates. */
  userIds: string[];
  /**
   * True (the default, also when absent, as in state written before this setting existed): the
   * listed users are the role's only owners. False: only the listed users are managed.
   */
  exclusive?: boolean;
  /**
   * Where `userIds` sits in an ownership document (`owners.app-payroll.conn-okta.owner`), for
   * messages about one user; declareOwnership sets it. Never a change: the diff does not read it.
   */
  documentPath?: string;
}

/** Whether a set's inputs or outputs describe an exclusive set: absent means exclusive. */
export function isExclusiveSet(props: { exclusive?: unknown } | undefined): boolean {
  return props?.exclusive !== false;
}

/** An engine property bag as it arrives, before it is parsed. */
export type RawProperties = object | undefined | null;

function asRecord(props: RawProperties): Record<string, unknown> {
  return props !== null && typeof props === "object" ? (props as Record<string, unknown>) : {};
}

/** Copies the named properties, already validated as strings, into a plain object. */
function pickStrings<P extends string>(record: Record<string, unknown>, properties: readonly P[]): Record<P, string> {
  return Object.fromEntries(properties.map((property) => [property, String(record[property])])) as Record<P, string>;
}

/**
 * Parses what the engine hands `create` or `update` into an owner key, or throws an error that
 * names the resource, the operation and every invalid property. `check` reports the same problems
 * earlier; this stops calls that skipped it (direct calls, state written by another version).
 */
export function parseOwnerInputs(props: RawProperties, operation: string): OwnerKey {
  const record = asRecord(props);
  const failures = findOwnerKeyFailures(record);
  if (failures.length > 0) {
    throw new C1InvalidInputError(`ConnectorUserOwner ${operation}: invalid inputs: ${failures.map((failure) => failure.reason).join("; ")}`);
  }
  return pickStrings(record, OWNER_KEY_PROPERTIES);
}

/** Parses a set's inputs like parseOwnerInputs; the user ids come back as a set (sorted, no duplicates). */
export function parseConnectorUserOwnersInputs(props: RawProperties, operation: string): ConnectorUserOwnersInputs {
  const record = asRecord(props);
  const failures = findConnectorUserOwnersFailures(record);
  if (failures.length > 0) {
    throw new C1InvalidInputError(`ConnectorUserOwners ${operation}: invalid inputs: ${failures.map((failure) => failure.reason).join("; ")}`);
  }
  const userIds = (record.userIds as unknown[]).map(String);
  const documentPath = typeof record.documentPath === "string" && record.documentPath !== "" ? { documentPath: record.documentPath } : {};
  return { ...pickStrings(record, OWNER_ROLE_PROPERTIES), userIds: toUserIdSet(userIds), exclusive: isExclusiveSet(record), ...documentPath };
}

/**
 * The key of an owner to delete: from its id, or, for an id this provider did not write, from the
 * recorded outputs when they hold a valid key. Otherwise the id's own error is thrown.
 */
export function parseOwnerKeyForDelete(id: string, props: RawProperties): OwnerKey {
  try {
    return parseOwnerId(id);
  } catch (error) {
    if (findOwnerKeyFailures(asRecord(props)).length === 0) return pickStrings(asRecord(props), OWNER_KEY_PROPERTIES);
    throw error;
  }
}
