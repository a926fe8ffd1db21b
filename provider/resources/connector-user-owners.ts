import * as pulumi from "@pulumi/pulumi";
import * as ownerSetProviderModule from "../dynamic/state-entry/connector-user-owners";
import type { SetOwner } from "../model/outputs";
import { claimRoleInputs } from "./role-claims";

/** Arguments of a ConnectorUserOwners: the whole set of user owners of one connector role. */
export interface ConnectorUserOwnersArgs {
  /** The C1 app id. Changing it replaces the set. */
  appId: pulumi.Input<string>;
  /** The connector id within the app. Changing it replaces the set. */
  connectorId: pulumi.Input<string>;
  /** The ownership role slug, e.g. `owner`. Changing it replaces the set. */
  roleSlug: pulumi.Input<string>;
  /** Every user who must own the role; anyone else is removed. Order and duplicates do not matter. */
  userIds: pulumi.Input<pulumi.Input<string>[]>;
}

// One provider module object for every set: serialized once, as a require from an installed package.
const ownerSetProvider = ownerSetProviderModule as pulumi.dynamic.ResourceProvider;

/**
 * Every user owner of one connector role, authoritatively: users listed are made owners, owners
 * not listed are removed, and `preview --refresh` reports owners added or removed in C1 outside
 * the program as an in-place update. Do not also declare ConnectorUserOwner resources for the
 * same role: the program refuses it.
 */
export class ConnectorUserOwners extends pulumi.dynamic.Resource {
  declare readonly appId: pulumi.Output<string>;
  declare readonly connectorId: pulumi.Output<string>;
  declare readonly roleSlug: pulumi.Output<string>;
  /** The owners' user ids, sorted. */
  declare readonly userIds: pulumi.Output<string[]>;
  /** The owners with their user details (email, display name, status, ...). */
  declare readonly owners: pulumi.Output<SetOwner[]>;
  /** Owners added by the last create or update. */
  declare readonly addedCount: pulumi.Output<number>;
  /** Owners removed by the last create or update. */
  declare readonly removedCount: pulumi.Output<number>;

  constructor(name: string, args: ConnectorUserOwnersArgs, opts?: pulumi.CustomResourceOptions) {
    const props = opts?.id === undefined ? { ...args, roleSlug: claimRoleInputs<pulumi.Input<string>>(args, "owner set", name) } : {};
    super(
      ownerSetProvider,
      name,
      { appId: undefined, connectorId: undefined, roleSlug: undefined, userIds: undefined, ...props, owners: undefined, addedCount: undefined, removedCount: undefined },
      opts,
      "conductorone",
      "ConnectorUserOwners",
    );
  }

  /** Reads a role's current owners without managing them. `id` is `appId/connectorId/roleSlug`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): ConnectorUserOwners {
    return new ConnectorUserOwners(name, undefined as unknown as ConnectorUserOwnersArgs, { ...opts, id });
  }
}
