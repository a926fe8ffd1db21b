/**
 * ConnectorUserOwner's lifecycle, as the engine's dynamic-provider process runs it. Inputs arrive
 * parsed (see state-entry/) and the C1 client is passed in, so these can be tested without HTTP.
 */
import * as pulumi from "@pulumi/pulumi";
import type { C1Client } from "../c1/client";
import { createUserOwner, deleteUserOwner, getUserOwner } from "../c1/owners-api";
import { formatOwnerId } from "../model/ids";
import type { ConnectorUserOwnerInputs } from "../model/inputs";
import { type ConnectorUserOwnerOutputs, toOwnerOutputs } from "../model/outputs";
import { OWNER_KEY_PROPERTIES, type OwnerKey, pickOwnerKey } from "../model/owner-key";
import { findOwnerKeyFailures, UNKNOWN_VALUE } from "../model/validation";
import type { UserToVerify } from "./user-verification";
import { isOwnerManagedBySet } from "./provider-registry";
import { readResultWithInputs } from "./read-result";

/** Validates the four keys without calling C1. Returns failures; never rewrites a value. */
export async function checkOwner(news: ConnectorUserOwnerInputs): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnerInputs>> {
  return { inputs: news, failures: findOwnerKeyFailures({ ...news }) };
}

/** The user a change makes an owner: a new owner's, or the new one a key change replaces it with. */
export function addedUser(olds: Partial<ConnectorUserOwnerInputs> | undefined, news: ConnectorUserOwnerInputs): UserToVerify[] {
  if (typeof news.userId !== "string" || news.userId === UNKNOWN_VALUE) return [];
  const same = olds !== undefined && OWNER_KEY_PROPERTIES.every((property) => olds[property] === news[property]);
  return same ? [] : [{ userId: news.userId, label: "userId" }];
}

/**
 * Any key changed (or not yet known) means another owner: replace, creating the new owner
 * before deleting the old. Nothing else, the serialized provider included, is a change.
 */
export async function diffOwner(olds: ConnectorUserOwnerOutputs, news: ConnectorUserOwnerInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = OWNER_KEY_PROPERTIES.filter((property) => news[property] === UNKNOWN_VALUE || olds[property] !== news[property]);
  if (replaces.length === 0) return { changes: false };
  return { changes: true, replaces, deleteBeforeReplace: false };
}

/** POSTs the owner; adopts it, with a warning, when C1 already has it. */
export async function createOwner(client: C1Client, key: OwnerKey): Promise<pulumi.dynamic.CreateResult<ConnectorUserOwnerOutputs>> {
  const { owner, adopted } = await createUserOwner(client, key);
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
 * The id read is the id answered: engines from 3.26x on record the answered id, older ones the
 * requested one, so a `get` by the Terraform id keeps that id with every engine.
 */
export async function readOwner(client: C1Client, id: string, key: OwnerKey): Promise<pulumi.dynamic.ReadResult<ConnectorUserOwnerOutputs>> {
  const owner = await getUserOwner(client, key);
  if (!owner) return {};
  const inputs: ConnectorUserOwnerInputs = pickOwnerKey(key);
  return readResultWithInputs(id, toOwnerOutputs(key, owner), inputs);
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
export async function deleteOwner(client: C1Client, key: OwnerKey): Promise<void> {
  if (isOwnerManagedBySet(key)) {
    await pulumi.log.warn(
      `ConnectorUserOwner ${formatOwnerId(key)} leaves the stack without a DELETE: a ConnectorUserOwners now manages it (role ${key.roleSlug} of connector ${key.connectorId})`,
    );
    return;
  }
  await deleteUserOwner(client, key);
}
