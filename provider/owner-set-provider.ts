import type * as pulumi from "@pulumi/pulumi";
import type { ConnectorUserOwnersInputs, ConnectorUserOwnersOutputs } from "./owner-set";
import * as lifecycle from "./owner-set-lifecycle";
import { rememberStackConfig } from "./process-state";

/**
 * The dynamic provider behind ConnectorUserOwners: it owns every user owner of one connector
 * role. Like ConnectorUserOwnerProvider it holds no state and no credential, and each method only
 * delegates (to owner-set-lifecycle) so the serialized provider stays small.
 */
export class ConnectorUserOwnersProvider implements pulumi.dynamic.ResourceProvider<ConnectorUserOwnersInputs, ConnectorUserOwnersOutputs> {
  /** Keeps the `conductorone:*` stack config for this provider's later calls. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    rememberStackConfig(this, req.config);
  }

  /** Validates the keys and every user id; stores userIds sorted and without duplicates. */
  check(_olds: unknown, news: ConnectorUserOwnersInputs) {
    return lifecycle.checkOwnerSet(news);
  }

  /** Another app, connector or role replaces the set; other members update it in place. */
  diff(_id: string, olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
    return lifecycle.diffOwnerSet(olds, news);
  }

  /** Makes the role's owners exactly the listed users. */
  create(inputs: ConnectorUserOwnersInputs) {
    return lifecycle.createOwnerSet(this, inputs);
  }

  /** Lists the role's owners in C1; out-of-band changes show as drift. */
  read(id: string, props?: ConnectorUserOwnersOutputs) {
    return lifecycle.readOwnerSet(this, id, props);
  }

  /** Adds the missing owners and removes the unlisted ones. */
  update(_id: string, _olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
    return lifecycle.updateOwnerSet(this, news);
  }

  /** Removes the owners the set manages. */
  delete(id: string, props: ConnectorUserOwnersOutputs) {
    return lifecycle.deleteOwnerSet(this, id, props);
  }
}
