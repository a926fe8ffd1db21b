import * as pulumi from "@pulumi/pulumi";
import { C1InvalidInputError } from "./errors";
import { formatOwnerId, parseOwnerId } from "./ids";
import { createUserOwner, deleteUserOwner, getUserOwner } from "./owner-api";
import { OWNER_KEY_PROPERTIES, OwnerKey, pickOwnerKey } from "./owner-key";
import { ConnectorUserOwnerOutputs, toOwnerOutputs } from "./outputs";
import { clientFor, isRoleManagedBySet } from "./process-state";
import { findOwnerKeyFailures, UNKNOWN_VALUE } from "./validation";

/** The plain inputs the provider receives: the four keys, resolved. */
export type ConnectorUserOwnerInputs = OwnerKey;

/** Validates the key once more where check cannot have run (direct calls, old state). */
function requireValidKey(props: Record<string, unknown>, operation: string): OwnerKey {
  const failures = findOwnerKeyFailures(props);
  if (failures.length > 0) {
    throw new C1InvalidInputError(`ConnectorUserOwner ${operation}: invalid inputs: ${failures.map((failure) => failure.reason).join("; ")}`);
  }
  return pickOwnerKey(props as unknown as OwnerKey);
}

function keyFromIdOrProps(id: string, props: Record<string, unknown> | undefined): OwnerKey {
  try {
    return parseOwnerId(id);
  } catch (error) {
    // Ids this provider wrote always parse; fall back to the recorded keys for anything else.
    if (props && findOwnerKeyFailures(props).length === 0) return pickOwnerKey(props as unknown as OwnerKey);
    throw error;
  }
}

/** Validates the four keys without calling C1. Returns failures; never rewrites a value. */
export async function checkOwner(news: ConnectorUserOwnerInputs): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnerInputs>> {
  const failures = findOwnerKeyFailures(news as unknown as Record<string, unknown>);
  return { inputs: news, failures };
}

/**
 * Any key changed (or not yet known) means another owner: replace, creating the new owner
 * before deleting the old. Nothing else, the serialized provider included, is a change.
 */
export async function diffOwner(olds: ConnectorUserOwnerOutputs, news: ConnectorUserOwnerInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = OWNER_KEY_PROPERTIES.filter(
    (property) => (news[property] as string) === UNKNOWN_VALUE || olds[property] !== news[property],
  );
  if (replaces.length === 0) return { changes: false };
  return { changes: true, replaces, deleteBeforeReplace: false };
}

/** POSTs the owner; adopts it, with a warning, when C1 already has it. */
export async function createOwner(provider: object, inputs: ConnectorUserOwnerInputs): Promise<pulumi.dynamic.CreateResult<ConnectorUserOwnerOutputs>> {
  const key = requireValidKey(inputs as unknown as Record<string, unknown>, "create");
  const { owner, adopted } = await createUserOwner(clientFor(provider), key);
  if (adopted) {
    await pulumi.log.warn(
      `C1 already had user ${key.userId} as ${key.roleSlug} owner of connector ${key.connectorId} (app ${key.appId}); adopting it into the stack`,
    );
  }
  return { id: formatOwnerId(key), outs: toOwnerOutputs(key, owner) };
}

/**
 * GETs the owner. Gone (404) returns no id, so the engine reports drift. Works from the id alone,
 * including the Terraform provider's JSON import id, and returns the keys as inputs for refresh.
 */
export async function readOwner(provider: object, id: string): Promise<pulumi.dynamic.ReadResult<ConnectorUserOwnerOutputs>> {
  const key = parseOwnerId(id);
  const owner = await getUserOwner(clientFor(provider), key);
  if (!owner) return {};
  return { id: formatOwnerId(key), props: toOwnerOutputs(key, owner), inputs: pickOwnerKey(key) } as pulumi.dynamic.ReadResult<ConnectorUserOwnerOutputs>;
}

/**
 * Only reached when no key changed, so there is nothing to send to C1. Returns the outputs as
 * they are: returning nothing would make the engine drop them (pulumi/pulumi#13983).
 */
export async function updateOwner(olds: ConnectorUserOwnerOutputs): Promise<pulumi.dynamic.UpdateResult<ConnectorUserOwnerOutputs>> {
  const outs: ConnectorUserOwnerOutputs = { ...pickOwnerKey(olds) };
  if (olds.createdAt !== undefined) outs.createdAt = olds.createdAt;
  if (olds.user !== undefined) outs.user = olds.user;
  return { outs };
}

/**
 * DELETEs the owner; an owner already gone (404) counts as deleted. When a ConnectorUserOwners of
 * the same deployment now manages the role, C1 is left alone: the set keeps or removes the user.
 */
export async function deleteOwner(provider: object, id: string, props: ConnectorUserOwnerOutputs): Promise<void> {
  const key = keyFromIdOrProps(id, props as unknown as Record<string, unknown>);
  if (isRoleManagedBySet(key)) {
    await pulumi.log.warn(
      `ConnectorUserOwner ${formatOwnerId(key)} leaves the stack without a DELETE: a ConnectorUserOwners now manages role ${key.roleSlug} of connector ${key.connectorId}`,
    );
    return;
  }
  await deleteUserOwner(clientFor(provider), key);
}
