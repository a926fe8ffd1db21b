/**
 * ConnectorUserOwners' lifecycle, as the engine's dynamic-provider process runs it: the whole set
 * of user owners of one connector role. Inputs arrive parsed (see state-entry/) and the C1 client
 * is passed in, so these can be tested without HTTP.
 */
import * as pulumi from "@pulumi/pulumi";
import type { C1Client, JsonObject } from "../c1/client";
import { createUserOwner, deleteUserOwner, isNotFound, listUserOwners, userIdOfOwner } from "../c1/owners-api";
import { formatOwnerSetId } from "../model/ids";
import type { ConnectorUserOwnersInputs } from "../model/inputs";
import { type ConnectorUserOwnersOutputs, toSetOwner } from "../model/outputs";
import { OWNER_ROLE_PROPERTIES, type OwnerRole, pickOwnerRole } from "../model/owner-key";
import { isSameUserIdSet, toUserIdSet } from "../model/user-id-set";
import { findOwnerSetFailures, UNKNOWN_VALUE } from "../model/validation";
import { forEachLimited } from "../util/concurrency";
import { markRoleManagedBySet } from "./provider-registry";
import { readResultWithInputs } from "./read-result";

/** POSTs and DELETEs in flight at once for one set. */
const SET_CONCURRENCY = 8;

/** The role's current owners in C1, by user id. */
async function currentOwners(client: C1Client, role: OwnerRole): Promise<Map<string, JsonObject>> {
  const owners = new Map<string, JsonObject>();
  for (const owner of await listUserOwners(client, role)) {
    const userId = userIdOfOwner(owner);
    if (userId !== undefined) owners.set(userId, owner);
  }
  return owners;
}

/**
 * Makes C1's owners of `role` exactly `desired`: POSTs the missing ones, DELETEs the others.
 * Returns the outputs. When `rollbackOnFailure`, owners added before a failure are removed again.
 */
async function converge(client: C1Client, role: OwnerRole, desired: string[], rollbackOnFailure: boolean): Promise<ConnectorUserOwnersOutputs> {
  const current = await currentOwners(client, role);
  const toAdd = desired.filter((userId) => !current.has(userId));
  const toRemove = [...current.keys()].filter((userId) => !desired.includes(userId)).sort();
  const added: string[] = [];
  try {
    await forEachLimited(toAdd, SET_CONCURRENCY, async (userId) => {
      const { owner } = await createUserOwner(client, { ...role, userId });
      current.set(userId, owner);
      added.push(userId);
    });
    await forEachLimited(toRemove, SET_CONCURRENCY, async (userId) => {
      await deleteUserOwner(client, { ...role, userId });
      current.delete(userId);
    });
  } catch (error) {
    if (rollbackOnFailure && added.length > 0) {
      // A failed create leaves no resource in state: take back what it added, so nothing is orphaned.
      await forEachLimited(added, SET_CONCURRENCY, (userId) => deleteUserOwner(client, { ...role, userId }).then(() => undefined)).catch(() => undefined);
    }
    throw error;
  }
  if (toRemove.length > 0) {
    await pulumi.log.warn(
      `ConnectorUserOwners removed ${toRemove.length} owner(s) of role ${role.roleSlug} on connector ${role.connectorId} that the program does not list: ${toRemove.join(", ")}`,
    );
  }
  return {
    ...role,
    userIds: desired,
    owners: desired.map((userId) => toSetOwner(userId, current.get(userId))),
    addedCount: toAdd.length,
    removedCount: toRemove.length,
  };
}

/**
 * Validates the keys and every user id; stores userIds as a set (sorted, no duplicates). A valid
 * set marks its role as managed by a set for this deployment (see provider-registry).
 */
export async function checkOwnerSet(news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnersInputs>> {
  const props: Record<string, unknown> = { ...news };
  const failures = findOwnerSetFailures(props);
  const roleKnown = OWNER_ROLE_PROPERTIES.every((property) => typeof news[property] === "string" && news[property] !== UNKNOWN_VALUE);
  if (failures.length === 0 && roleKnown) markRoleManagedBySet(news);
  const usersKnown = Array.isArray(news.userIds) && news.userIds.every((userId) => typeof userId === "string" && userId !== UNKNOWN_VALUE);
  const storeAsSet = failures.length === 0 && usersKnown;
  return { inputs: storeAsSet ? { ...news, userIds: toUserIdSet(news.userIds) } : news, failures };
}

/** Another app, connector or role replaces the set; other members update it in place. */
export async function diffOwnerSet(olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = OWNER_ROLE_PROPERTIES.filter((property) => news[property] === UNKNOWN_VALUE || olds[property] !== news[property]);
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const membersKnown = Array.isArray(news.userIds) && !news.userIds.includes(UNKNOWN_VALUE);
  const changed = !membersKnown || !Array.isArray(olds.userIds) || !isSameUserIdSet(olds.userIds, news.userIds);
  return { changes: changed };
}

/** Makes the role's owners exactly the listed users; undoes its additions if it fails. */
export async function createOwnerSet(client: C1Client, inputs: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.CreateResult<ConnectorUserOwnersOutputs>> {
  const role = pickOwnerRole(inputs);
  const outs = await converge(client, role, toUserIdSet(inputs.userIds), true);
  return { id: formatOwnerSetId(role), outs };
}

/**
 * Lists the role's owners in C1 (all pages). The listed users become both outputs and inputs,
 * so `preview --refresh` shows owners added or removed outside the program as an update.
 * `recorded` is what the engine passes as the last state (since @pulumi/pulumi 3.268, the last
 * inputs when no state was recorded); only the counters of the last change are kept from it.
 */
export async function readOwnerSet(
  client: C1Client,
  id: string,
  role: OwnerRole,
  recorded?: Partial<ConnectorUserOwnersOutputs>,
): Promise<pulumi.dynamic.ReadResult<ConnectorUserOwnersOutputs>> {
  let current: Map<string, JsonObject>;
  try {
    current = await currentOwners(client, role);
  } catch (error) {
    if (isNotFound(error)) return {}; // the app or connector is gone
    throw error;
  }
  const userIds = [...current.keys()].sort();
  const props: ConnectorUserOwnersOutputs = {
    ...role,
    userIds,
    owners: userIds.map((userId) => toSetOwner(userId, current.get(userId))),
    addedCount: recorded?.addedCount ?? 0,
    removedCount: recorded?.removedCount ?? 0,
  };
  const inputs: ConnectorUserOwnersInputs = { ...role, userIds };
  return readResultWithInputs(id, props, inputs);
}

/** Adds the missing owners and removes the unlisted ones. */
export async function updateOwnerSet(client: C1Client, news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.UpdateResult<ConnectorUserOwnersOutputs>> {
  const outs = await converge(client, pickOwnerRole(news), toUserIdSet(news.userIds), false);
  return { outs };
}

/** Removes the owners the set manages; owners already gone count as removed. */
export async function deleteOwnerSet(client: C1Client, role: OwnerRole, userIds: readonly string[]): Promise<void> {
  await forEachLimited(toUserIdSet(userIds), SET_CONCURRENCY, async (userId) => {
    await deleteUserOwner(client, { ...role, userId });
  });
}
