/**
 * ConnectorUserOwners' lifecycle, as the engine's dynamic-provider process runs it: the whole set
 * of user owners of one connector role. Inputs arrive parsed (see state-entry/) and the C1 client
 * is passed in, so these can be tested without HTTP.
 */
import * as pulumi from "@pulumi/pulumi";
import type { C1Client, JsonObject } from "../c1/client";
import { createUserOwner, deleteUserOwner, isNotFound, listUserOwners, userIdOfOwner } from "../c1/owners-api";
import { formatConnectorUserOwnersId } from "../model/ids";
import { type ConnectorUserOwnersInputs, isExclusiveSet } from "../model/inputs";
import { type ConnectorUserOwnersOutputs, toSetOwner } from "../model/outputs";
import { OWNER_ROLE_PROPERTIES, type OwnerRole, pickOwnerRole } from "../model/owner-key";
import { isSameUserIdSet, toUserIdSet } from "../model/user-id-set";
import { findConnectorUserOwnersFailures, UNKNOWN_VALUE } from "../model/validation";
import { forEachLimited } from "../util/concurrency";
import { markManagedBySet } from "./provider-registry";
import type { UserToVerify } from "./user-verification";
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

/** What a create or update must reach: the desired users, and which owners it may remove. */
interface Target {
  desired: string[];
  /** True: every owner not desired goes. False: only those of `previouslyManaged` not desired go. */
  exclusive: boolean;
  /** The users the set managed before this change (none on create). */
  previouslyManaged: readonly string[];
}

/**
 * Brings C1's owners of `role` to `target`: POSTs the missing desired users (an owner already in C1
 * is never POSTed again), DELETEs the owners that must go. Returns the outputs. When
 * `rollbackOnFailure`, owners added before a failure are removed again.
 */
async function converge(client: C1Client, role: OwnerRole, target: Target, rollbackOnFailure: boolean): Promise<ConnectorUserOwnersOutputs> {
  const { desired, exclusive } = target;
  const current = await currentOwners(client, role);
  const toAdd = desired.filter((userId) => !current.has(userId));
  const removable = exclusive ? [...current.keys()] : target.previouslyManaged.filter((userId) => current.has(userId));
  const toRemove = removable.filter((userId) => !desired.includes(userId)).sort();
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
  if (exclusive && toRemove.length > 0) {
    await pulumi.log.warn(
      `ConnectorUserOwners removed ${toRemove.length} owner(s) of role ${role.roleSlug} on connector ${role.connectorId} that the program does not list: ${toRemove.join(", ")}`,
    );
  }
  return {
    ...role,
    userIds: desired,
    exclusive,
    owners: desired.map((userId) => toSetOwner(userId, current.get(userId))),
    addedCount: toAdd.length,
    removedCount: toRemove.length,
  };
}

/**
 * Validates the keys, every user id and `exclusive`; stores userIds as a set (sorted, no
 * duplicates). A valid set marks what it manages for this deployment (see provider-registry).
 */
export async function checkConnectorUserOwners(news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnersInputs>> {
  const props: Record<string, unknown> = { ...news };
  const failures = findConnectorUserOwnersFailures(props);
  const roleKnown = OWNER_ROLE_PROPERTIES.every((property) => typeof news[property] === "string" && news[property] !== UNKNOWN_VALUE);
  const usersKnown = Array.isArray(news.userIds) && news.userIds.every((userId) => typeof userId === "string" && userId !== UNKNOWN_VALUE);
  if (failures.length === 0 && roleKnown) {
    // A non-exclusive set decides only about the users it lists, so it is marked once they are known.
    if (isExclusiveSet(news)) markManagedBySet(news, true, []);
    else if (usersKnown) markManagedBySet(news, false, news.userIds);
  }
  const storeAsSet = failures.length === 0 && usersKnown;
  return { inputs: storeAsSet ? { ...news, userIds: toUserIdSet(news.userIds) } : news, failures };
}

/**
 * The users a change adds to the set, to look up before anything is written: those of `news` that
 * `olds` (the inputs in state; none for a new set) did not list. Each is named by where it is: its
 * index in `userIds`, or in the ownership document when the program says where the list is.
 */
export function addedUsers(olds: Partial<ConnectorUserOwnersInputs> | undefined, news: ConnectorUserOwnersInputs & { documentPath?: unknown }): UserToVerify[] {
  if (!Array.isArray(news.userIds)) return [];
  const before = new Set(Array.isArray(olds?.userIds) ? olds.userIds : []);
  const where = typeof news.documentPath === "string" && news.documentPath !== "" ? news.documentPath : "userIds";
  return news.userIds.flatMap((userId, index) =>
    typeof userId === "string" && userId !== UNKNOWN_VALUE && !before.has(userId) ? [{ userId, label: `${where}[${index}]` }] : [],
  );
}

/** Another app, connector or role replaces the set; other members, and `exclusive`, update it in place. */
export async function diffConnectorUserOwners(olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = OWNER_ROLE_PROPERTIES.filter((property) => news[property] === UNKNOWN_VALUE || olds[property] !== news[property]);
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const membersKnown = Array.isArray(news.userIds) && !news.userIds.includes(UNKNOWN_VALUE);
  const membersChanged = !membersKnown || !Array.isArray(olds.userIds) || !isSameUserIdSet(olds.userIds, news.userIds);
  const exclusiveChanged = (news.exclusive as unknown) === UNKNOWN_VALUE || isExclusiveSet(olds) !== isExclusiveSet(news);
  return { changes: membersChanged || exclusiveChanged };
}

/**
 * Makes the listed users owners (never POSTing one C1 already has); an exclusive set also removes
 * every other owner of the role. Undoes its additions if it fails.
 */
export async function createConnectorUserOwners(
  client: C1Client,
  inputs: ConnectorUserOwnersInputs,
): Promise<pulumi.dynamic.CreateResult<ConnectorUserOwnersOutputs>> {
  const role = pickOwnerRole(inputs);
  const target = { desired: toUserIdSet(inputs.userIds), exclusive: isExclusiveSet(inputs), previouslyManaged: [] };
  const outs = await converge(client, role, target, true);
  return { id: formatConnectorUserOwnersId(role), outs: withDocumentPath(outs, inputs) };
}

/**
 * Lists the role's owners in C1 (all pages, one request each). An exclusive set reports every
 * listed owner, so `preview --refresh` shows owners added or removed outside the program as an
 * update; a non-exclusive one reports only the managed users still in C1, so a managed owner
 * removed in C1 shows as drift and owners nobody listed never do. `recorded` is what the engine
 * passes as the last state (since @pulumi/pulumi 3.268, the last inputs when no state was
 * recorded); `get` passes none, and reads the whole role.
 */
export async function readConnectorUserOwners(
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
  const exclusive = isExclusiveSet(recorded);
  const managed = exclusive ? [...current.keys()] : (recorded?.userIds ?? []).filter((userId) => current.has(userId));
  const userIds = toUserIdSet(managed);
  const props: ConnectorUserOwnersOutputs = {
    ...role,
    userIds,
    exclusive,
    owners: userIds.map((userId) => toSetOwner(userId, current.get(userId))),
    addedCount: recorded?.addedCount ?? 0,
    removedCount: recorded?.removedCount ?? 0,
  };
  const inputs: ConnectorUserOwnersInputs = { ...role, userIds, exclusive };
  return readResultWithInputs(id, withDocumentPath(props, recorded), withDocumentPath(inputs, recorded));
}

/** `props` with the document path of `from`, when it has one. */
function withDocumentPath<T extends object>(props: T, from: { documentPath?: unknown } | undefined): T {
  return typeof from?.documentPath === "string" ? { ...props, documentPath: from.documentPath } : props;
}

/**
 * Adds the missing owners; removes the unlisted ones (an exclusive set: every other owner of the
 * role; a non-exclusive one: the users it managed before and no longer lists).
 */
export async function updateConnectorUserOwners(
  client: C1Client,
  olds: Partial<ConnectorUserOwnersOutputs>,
  news: ConnectorUserOwnersInputs,
): Promise<pulumi.dynamic.UpdateResult<ConnectorUserOwnersOutputs>> {
  const target = { desired: toUserIdSet(news.userIds), exclusive: isExclusiveSet(news), previouslyManaged: olds.userIds ?? [] };
  const outs = await converge(client, pickOwnerRole(news), target, false);
  return { outs: withDocumentPath(outs, news) };
}

/** Removes the owners the set manages; owners already gone count as removed. */
export async function deleteConnectorUserOwners(client: C1Client, role: OwnerRole, userIds: readonly string[]): Promise<void> {
  await forEachLimited(toUserIdSet(userIds), SET_CONCURRENCY, async (userId) => {
    await deleteUserOwner(client, { ...role, userId });
  });
}
