import type * as pulumi from "@pulumi/pulumi";
import type { ConnectorUserOwnersInputs } from "../model/inputs";
import type { ConnectorUserOwnersOutputs } from "../model/outputs";
import * as entry from "./state-entry/connector-user-owners";

/**
 * The dynamic provider behind ConnectorUserOwners, as a class for direct use: it owns every user
 * owner of one connector role. Like ConnectorUserOwnerProvider it is the state-entry module under
 * another shape, and holds no state and no credential.
 */
export class ConnectorUserOwnersProvider implements pulumi.dynamic.ResourceProvider<ConnectorUserOwnersInputs, ConnectorUserOwnersOutputs> {
  /** Keeps the `conductorone:*` stack config for this provider's later calls. */
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return entry.configure.call(this, req);
  }

  /** Validates the keys and every user id; stores userIds sorted and without duplicates. */
  check(olds: Partial<ConnectorUserOwnersInputs> | undefined, news: ConnectorUserOwnersInputs) {
    return entry.check.call(this, olds, news);
  }

  /** Another app, connector or role replaces the set; other members update it in place. */
  diff(id: string, olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
    return entry.diff(id, olds, news);
  }

  /** Makes the role's owners exactly the listed users. */
  create(inputs: ConnectorUserOwnersInputs) {
    return entry.create.call(this, inputs);
  }

  /** Lists the role's owners in C1; out-of-band changes show as drift. */
  read(id: string, props?: ConnectorUserOwnersOutputs) {
    return entry.read.call(this, id, props);
  }

  /** Adds the missing owners and removes the unlisted ones. */
  update(id: string, olds: ConnectorUserOwnersOutputs, news: ConnectorUserOwnersInputs) {
    return entry.update.call(this, id, olds, news);
  }

  /** Removes the owners the set manages. */
  delete(id: string, props: ConnectorUserOwnersOutputs) {
    return entry.delete.call(this, id, props);
  }
}
