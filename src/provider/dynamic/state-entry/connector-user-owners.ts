/**
 * STATE CONTRACT: this file's path is part of users' state. Every ConnectorUserOwners'
 * `__provider` is a serialized `require("pulumi-conductorone-owners/dist/provider/dynamic/state-entry/connector-user-owners.js")`:
 * this file's own path in the package, which package.json `exports` admits as is (see
 * connector-user-owner.ts beside it for why). Moving or renaming the file or the
 * entry, or removing or renaming an export below, breaks every existing stack (see docs/architecture.md's
 * "State contract"; test/e2e/state-contract.test.ts checks it).
 *
 * ConnectorUserOwners' dynamic provider as a module, for a small `__provider` in state (see
 * connector-user-owner.ts beside it). ConnectorUserOwnersProvider is the same provider as a class.
 * Engine inputs are parsed here, once, and the C1 client is looked up here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseConnectorUserOwnersId } from "../../model/ids";
import { type ConnectorUserOwnersInputs, parseConnectorUserOwnersInputs, type RawProperties } from "../../model/inputs";
import type { ConnectorUserOwnersOutputs } from "../../model/outputs";
import { pickOwnerRole } from "../../model/owner-key";
import * as lifecycle from "../connector-user-owners-lifecycle";
import { clientFor, rememberStackConfig } from "../provider-registry";
import { checkAddedUsers } from "../user-verification";

/** Keeps the `conductorone:*` stack config for this provider's later calls. */
export async function configure(this: object, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  rememberStackConfig(this, req.config);
}

/**
 * Validates the keys and every user id, and stores userIds sorted and without duplicates; then
 * looks up in C1 the users the change adds (user-verification.ts), which an unknown or DELETED
 * user fails, and records what C1 says of the others as `verifiedUsers`.
 */
export async function check(
  this: object,
  olds: Partial<ConnectorUserOwnersInputs> | undefined,
  news: ConnectorUserOwnersInputs,
): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnersInputs>> {
  const checked = await lifecycle.checkConnectorUserOwners(news);
  return checkAddedUsers(this, `ConnectorUserOwners ${news.appId}/${news.connectorId}/${news.roleSlug}`, "userIds", checked, () =>
    lifecycle.addedUsers(olds, news),
  );
}

/** Another app, connector or role replaces the set; other members update it in place. */
export function diff(_id: string, olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
  return lifecycle.diffConnectorUserOwners(olds, news);
}

/** Makes the role's owners exactly the listed users. */
export async function create(this: object, inputs: RawProperties) {
  const parsed = parseConnectorUserOwnersInputs(inputs, "create");
  return lifecycle.createConnectorUserOwners(clientFor(this), parsed);
}

/** Lists the role's owners in C1; out-of-band changes show as drift. */
export async function read(this: object, id: string, props?: Partial<ConnectorUserOwnersOutputs>) {
  const role = parseConnectorUserOwnersId(id);
  return lifecycle.readConnectorUserOwners(clientFor(this), id, role, props);
}

/** Adds the missing owners and removes the unlisted ones; the new inputs are validated as create's are. */
export async function update(this: object, _id: string, olds: Partial<ConnectorUserOwnersOutputs>, news: RawProperties) {
  const parsed = parseConnectorUserOwnersInputs(news, "update");
  return lifecycle.updateConnectorUserOwners(clientFor(this), olds, parsed);
}

/** Removes the owners the set manages; owners already gone count as removed. */
async function deleteConnectorUserOwners(this: object, id: string, props?: Partial<ConnectorUserOwnersOutputs>) {
  const role = props?.appId ? pickOwnerRole(props as ConnectorUserOwnersOutputs) : parseConnectorUserOwnersId(id);
  return lifecycle.deleteConnectorUserOwners(clientFor(this), role, props?.userIds ?? []);
}
export { deleteConnectorUserOwners as delete };
