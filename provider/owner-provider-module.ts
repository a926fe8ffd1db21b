/**
 * ConnectorUserOwner's dynamic provider as a module: the resource passes this module's exports
 * object as its provider. Pulumi serializes a module object from an installed package as one
 * `require(...)` (about 300 bytes per resource in state), where a class instance costs a
 * serialized function per method (about 3.4 KB). ConnectorUserOwnerProvider, the class, is the
 * same provider for direct use; both only delegate to owner-lifecycle.
 *
 * The engine calls these as methods of the module object, so `this` is that object: it keys the
 * stack config that `configure` records.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "./owner-lifecycle";
import type { ConnectorUserOwnerInputs } from "./owner-lifecycle";
import type { ConnectorUserOwnerOutputs } from "./outputs";
import { rememberStackConfig } from "./process-state";

export async function configure(this: object, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  rememberStackConfig(this, req.config);
}

export function check(_olds: unknown, news: ConnectorUserOwnerInputs) {
  return lifecycle.checkOwner(news);
}

export function diff(_id: string, olds: ConnectorUserOwnerOutputs, news: ConnectorUserOwnerInputs) {
  return lifecycle.diffOwner(olds, news);
}

export function create(this: object, inputs: ConnectorUserOwnerInputs) {
  return lifecycle.createOwner(this, inputs);
}

export function read(this: object, id: string) {
  return lifecycle.readOwner(this, id);
}

export function update(_id: string, olds: ConnectorUserOwnerOutputs) {
  return lifecycle.updateOwner(olds);
}

// `delete` is a reserved word, so the export is named through a local alias.
function deleteOwner(this: object, id: string, props: ConnectorUserOwnerOutputs) {
  return lifecycle.deleteOwner(this, id, props);
}
export { deleteOwner as delete };
