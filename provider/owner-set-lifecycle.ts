import * as pulumi from "@pulumi/pulumi";
import type { C1Client, JsonObject } from "./client";
import { C1InvalidIdError, C1InvalidInputError } from "./errors";
import { createUserOwner, deleteUserOwner, isNotFound, listUserOwners, OwnerRole } from "./owner-api";
import {
  ConnectorUserOwnersInputs,
  ConnectorUserOwnersOutputs,
  forEachLimited,
  isSameUserIdSet,
  OWNER_SET_KEY_PROPERTIES,
  toSetOwner,
  toUserIdSet,
  userIdOf,
} from "./owner-set";
import { clientFor, markRoleManagedBySet } from "./process-state";
import { findKeyProblem, findOwnerKeyFailures, UNKNOWN_VALUE } from "./validation";

/** POSTs and DELETEs in flight at once for one set. */
const SET_CONCURRENCY = 8;

interface CheckFailure {
  property: string;
  reason: string;
}

function findSetFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = findOwnerKeyFailures(news, OWNER_SET_KEY_PROPERTIES);
  const userIds = news.userIds;
  if (userIds === UNKNOWN_VALUE) return failures;
  if (!Array.isArray(userIds)) {
    failures.push({ property: "userIds", reason: "userIds must be a list of user ids" });
    return failures;
  }
  userIds.forEach((userId, index) => {
    if (userId === UNKNOWN_VALUE) return;
    const problem = findKeyProblem(userId);
    if (problem) failures.push({ property: "userIds", reason: `userIds[${index}] ${problem}` });
  });
  return failures;
}

/** The resource id of a set: appId/connectorId/roleSlug, each percent-encoded. */
export function formatOwnerSetId(role: OwnerRole): string {
  return OWNER_SET_KEY_PROPERTIES.map((property) => encodeURIComponent(role[property])).join("/");
}

/** Parses a set id written by formatOwnerSetId. */
export function parseOwnerSetId(id: string): OwnerRole {
  const parts = id.split("/");
  const fail = (problem: string) =>
    new C1InvalidIdError(`invalid ConnectorUserOwners id ${JSON.stringify(id)}: ${problem}; expected "appId/connectorId/roleSlug" (each part percent-encoded)`);
  if (parts.length !== OWNER_SET_KEY_PROPERTIES.length) throw fail(`it has ${parts.length} '/'-separated part(s), not 3`);
  const role: Record<string, string> = {};
  OWNER_SET_KEY_PROPERTIES.forEach((property, index) => {
    let value: string;
    try {
      value = decodeURIComponent(parts[index]);
    } catch {
      throw fail(`${property} is not valid percent-encoding`);
    }
    const problem = findKeyProblem(value);
    if (problem) throw fail(`${property} ${problem}`);
    role[property] = value;
  });
  return role as unknown as OwnerRole;
}

function pickRole(props: OwnerRole): OwnerRole {
  return { appId: props.appId, connectorId: props.connectorId, roleSlug: props.roleSlug };
}

/** The role's current owners in C1, by user id. */
async function currentOwners(client: C1Client, role: OwnerRole): Promise<Map<string, JsonObject>> {
  const owners = new Map<string, JsonObject>();
  for (const owner of await listUserOwners(client, role)) {
    const userId = userIdOf(owner);
    if (userId !== undefined) owners.set(userId, owner);
  }
  return owners;
}

/**
 * Makes C1's owners of `role` exactly `desired`: POSTs the missing ones, DELETEs the others.
 * Returns the outputs. When `rollbackOnFailure`, owners added before a failure are removed again.
 */
async function converge(
  client: C1Client,
  role: OwnerRole,
  desired: string[],
  rollbackOnFailure: boolean,
): Promise<ConnectorUserOwnersOutputs> {
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

/** Validates the keys and every user id; stores userIds as a set (sorted, no duplicates). */
export async function checkOwnerSet(news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnersInputs>> {
  const failures = findSetFailures(news as unknown as Record<string, unknown>);
  const known = Array.isArray(news.userIds) && !news.userIds.some((userId) => typeof userId !== "string" || userId === UNKNOWN_VALUE);
  const roleKnown = OWNER_SET_KEY_PROPERTIES.every((property) => typeof news[property] === "string" && news[property] !== UNKNOWN_VALUE);
  if (failures.length === 0 && roleKnown) markRoleManagedBySet(news);
  return { inputs: known && failures.length === 0 ? { ...news, userIds: toUserIdSet(news.userIds) } : news, failures };
}

/** Another app, connector or role replaces the set; other members update it in place. */
export async function diffOwnerSet(olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = OWNER_SET_KEY_PROPERTIES.filter((property) => (news[property] as string) === UNKNOWN_VALUE || olds[property] !== news[property]);
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const membersKnown = Array.isArray(news.userIds) && !news.userIds.includes(UNKNOWN_VALUE);
  const changed = !membersKnown || !Array.isArray(olds.userIds) || !isSameUserIdSet(olds.userIds, news.userIds);
  return { changes: changed };
}

/** Makes the role's owners exactly the listed users; undoes its additions if it fails. */
export async function createOwnerSet(provider: object, inputs: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.CreateResult<ConnectorUserOwnersOutputs>> {
  const failures = findSetFailures(inputs as unknown as Record<string, unknown>);
  if (failures.length > 0) throw new C1InvalidInputError(`ConnectorUserOwners create: invalid inputs: ${failures.map((f) => f.reason).join("; ")}`);
  const role = pickRole(inputs);
  const outs = await converge(clientFor(provider), role, toUserIdSet(inputs.userIds), true);
  return { id: formatOwnerSetId(role), outs };
}

/**
 * Lists the role's owners in C1 (all pages). The listed users become both outputs and inputs,
 * so `preview --refresh` shows owners added or removed outside the program as an update.
 */
export async function readOwnerSet(provider: object, id: string, props?: ConnectorUserOwnersOutputs): Promise<pulumi.dynamic.ReadResult<ConnectorUserOwnersOutputs>> {
  const role = parseOwnerSetId(id);
  let current: Map<string, JsonObject>;
  try {
    current = await currentOwners(clientFor(provider), role);
  } catch (error) {
    if (isNotFound(error)) return {}; // the app or connector is gone
    throw error;
  }
  const userIds = [...current.keys()].sort();
  const outs: ConnectorUserOwnersOutputs = {
    ...role,
    userIds,
    owners: userIds.map((userId) => toSetOwner(userId, current.get(userId))),
    addedCount: props?.addedCount ?? 0,
    removedCount: props?.removedCount ?? 0,
  };
  return { id, props: outs, inputs: { ...role, userIds } } as pulumi.dynamic.ReadResult<ConnectorUserOwnersOutputs>;
}

/** Adds the missing owners and removes the unlisted ones. */
export async function updateOwnerSet(provider: object, news: ConnectorUserOwnersInputs): Promise<pulumi.dynamic.UpdateResult<ConnectorUserOwnersOutputs>> {
  const outs = await converge(clientFor(provider), pickRole(news), toUserIdSet(news.userIds), false);
  return { outs };
}

/** Removes the owners the set manages; owners already gone count as removed. */
export async function deleteOwnerSet(provider: object, id: string, props: ConnectorUserOwnersOutputs): Promise<void> {
  const role = props?.appId ? pickRole(props) : parseOwnerSetId(id);
  const client = clientFor(provider);
  await forEachLimited(toUserIdSet(props?.userIds ?? []), SET_CONCURRENCY, async (userId) => {
    await deleteUserOwner(client, { ...role, userId });
  });
}
