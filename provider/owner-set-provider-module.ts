/**
 * ConnectorUserOwners' dynamic provider as a module, for a small `__provider` in state; see
 * owner-provider-module.ts for why. ConnectorUserOwnersProvider is the same provider as a class.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectorUserOwnersInputs, ConnectorUserOwnersOutputs } from "./owner-set";
import * as lifecycle from "./owner-set-lifecycle";
import { rememberStackConfig } from "./process-state";

export async function configure(this: object, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  rememberStackConfig(this, req.config);
}

export function check(_olds: unknown, news: ConnectorUserOwnersInputs) {
  return lifecycle.checkOwnerSet(news);
}

export function diff(_id: string, olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
  return lifecycle.diffOwnerSet(olds, news);
}

export function create(this: object, inputs: ConnectorUserOwnersInputs) {
  return lifecycle.createOwnerSet(this, inputs);
}

export function read(this: object, id: string, props?: ConnectorUserOwnersOutputs) {
  return lifecycle.readOwnerSet(this, id, props);
}

export function update(this: object, _id: string, _olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
  return lifecycle.updateOwnerSet(this, news);
}

function deleteOwnerSet(this: object, id: string, props: ConnectorUserOwnersOutputs) {
  return lifecycle.deleteOwnerSet(this, id, props);
}
export { deleteOwnerSet as delete };
