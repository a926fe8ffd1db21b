import * as pulumi from "@pulumi/pulumi";
import { type OwnerResourceKind, TYPE_MODULE } from "../model/type-tokens";
import * as ownerProviderModule from "../dynamic/state-entry/connector-user-owner";
import type { OwnerUser } from "../model/outputs";
import { claimRoleInputs } from "./role-claims";

/** Arguments of a ConnectorUserOwner: which user owns which connector, in which role. */
export interface ConnectorUserOwnerArgs {
  /** The C1 app id. Changing it replaces the owner. */
  appId: pulumi.Input<string>;
  /** The connector id within the app. Changing it replaces the owner. */
  connectorId: pulumi.Input<string>;
  /** The ownership role slug, e.g. `owner`. Changing it replaces the owner. */
  roleSlug: pulumi.Input<string>;
  /** The C1 user id (the API's `user_ref_id`). Changing it replaces the owner. */
  userId: pulumi.Input<string>;
}

// Every resource passes the same provider module object: the SDK serializes it once, and from an
// installed package as a single require of the state-contract entry (see its header).
const ownerProvider = ownerProviderModule as pulumi.dynamic.ResourceProvider;

const TYPE_NAME: OwnerResourceKind = "ConnectorUserOwner";

/**
 * One user as owner of a C1 connector in one role. Create, read and delete map onto C1's
 * POST, GET and DELETE of `/api/v2/apps/{app}/connectors/{connector}/owners/users/{role}/{user}`;
 * changing any key replaces the owner (the new one is created before the old one is removed).
 */
export class ConnectorUserOwner extends pulumi.dynamic.Resource {
  declare readonly appId: pulumi.Output<string>;
  declare readonly connectorId: pulumi.Output<string>;
  declare readonly roleSlug: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  /** When C1 recorded the ownership (RFC 3339), if C1 says. */
  declare readonly createdAt: pulumi.Output<string | undefined>;
  /** The owning user's details (email, display name, status, ...). */
  declare readonly user: pulumi.Output<OwnerUser | undefined>;

  constructor(name: string, args: ConnectorUserOwnerArgs, opts?: pulumi.CustomResourceOptions) {
    const props = opts?.id === undefined ? { ...args, roleSlug: claimRoleInputs<pulumi.Input<string>>(args, "ConnectorUserOwner", name) } : {};
    super(
      ownerProvider,
      name,
      { appId: undefined, connectorId: undefined, roleSlug: undefined, userId: undefined, ...props, createdAt: undefined, user: undefined },
      opts,
      TYPE_MODULE,
      TYPE_NAME,
    );
  }

  /**
   * Reads an existing owner without managing it. `id` is `appId/connectorId/roleSlug/userId`
   * (each part percent-encoded) or the Terraform provider's JSON import id.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): ConnectorUserOwner {
    return new ConnectorUserOwner(name, undefined as unknown as ConnectorUserOwnerArgs, { ...opts, id });
  }
}
