/**
 * STATE CONTRACT: this file's path is part of users' state. Every ConnectorUserOwner's
 * `__provider` is a serialized `require("pulumi-conductorone-owners/dist/provider/dynamic/state-entry/connector-user-owner.js")`:
 * this file's own path in the package, which package.json `exports` admits as is. The specifier is
 * the path so that it is the same whether or not the SDK can resolve the package (under pnpm it
 * cannot, and writes the raw path). Moving or renaming the file or the
 * entry, or removing or renaming an export below, breaks every existing stack (see docs/architecture.md's
 * "State contract"; test/e2e/state-contract.test.ts checks it).
 *
 * ConnectorUserOwner's dynamic provider as a module: the resource passes this module's exports
 * object as its provider, which Pulumi serializes from an installed package as one `require`
 * (about 300 bytes per resource), where a class instance costs a serialized function per method.
 * ConnectorUserOwnerProvider is the same provider as a class, for direct use.
 *
 * This is the boundary between the engine and the lifecycle: engine inputs are parsed here, once,
 * and the C1 client is looked up here. The engine calls these as methods of the module object, so
 * `this` is that object: it keys the stack config that `configure` records.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseOwnerId } from "../../model/ids";
import { type ConnectorUserOwnerInputs, parseOwnerInputs, parseOwnerKeyForDelete, type RawProperties } from "../../model/inputs";
import type { ConnectorUserOwnerOutputs } from "../../model/outputs";
import * as lifecycle from "../connector-user-owner-lifecycle";
import { clientFor, rememberStackConfig } from "../provider-registry";
import { checkAddedUsers } from "../user-verification";

/** Keeps the `conductorone:*` stack config for this provider's later calls. */
export async function configure(this: object, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  rememberStackConfig(this, req.config);
}

/**
 * Validates the four keys; then, for a new owner (or one a key change replaces), looks its user up
 * in C1 (user-verification.ts): an unknown or DELETED user fails the check. Never rewrites a key.
 */
export async function check(
  this: object,
  olds: Partial<ConnectorUserOwnerInputs> | undefined,
  news: ConnectorUserOwnerInputs,
): Promise<pulumi.dynamic.CheckResult<ConnectorUserOwnerInputs>> {
  const checked = await lifecycle.checkOwner(news);
  return checkAddedUsers(this, `ConnectorUserOwner ${news.appId}/${news.connectorId}/${news.roleSlug}/${news.userId}`, "userId", checked, () =>
    lifecycle.addedUser(olds, news),
  );
}

/** A changed key replaces the owner (create before delete); nothing else is a change. */
export function diff(_id: string, olds: ConnectorUserOwnerOutputs, news: ConnectorUserOwnerInputs) {
  return lifecycle.diffOwner(olds, news);
}

/** POSTs the owner; adopts it, with a warning, when C1 already has it. */
export async function create(this: object, inputs: RawProperties) {
  const key = parseOwnerInputs(inputs, "create");
  return lifecycle.createOwner(clientFor(this), key);
}

/** GETs the owner; no id when it is gone (404), so the engine reports drift. */
export async function read(this: object, id: string) {
  const key = parseOwnerId(id);
  return lifecycle.readOwner(clientFor(this), id, key);
}

/** Returns the outputs unchanged: only reachable when no key changed. The new inputs are validated as create's are. */
export async function update(_id: string, olds: ConnectorUserOwnerOutputs, news?: RawProperties) {
  if (news !== undefined) parseOwnerInputs(news, "update");
  return lifecycle.updateOwner(olds);
}

/** DELETEs the owner; already gone (404) counts as deleted. */
async function deleteOwner(this: object, id: string, props: RawProperties) {
  const key = parseOwnerKeyForDelete(id, props);
  return lifecycle.deleteOwner(clientFor(this), key);
}
// `delete` is a reserved word, so the export is named through a local alias.
export { deleteOwner as delete };
