import * as pulumi from "@pulumi/pulumi";
import * as connectorUserOwnersModule from "../dynamic/state-entry/connector-user-owners";
import type { SetOwner } from "../model/outputs";
import { type OwnerResourceKind, TYPE_MODULE } from "../model/type-tokens";
import { claimRoleInputs } from "./role-claims";

/** Arguments of a ConnectorUserOwners: the user owners of one connector role, as one resource. */
export interface ConnectorUserOwnersArgs {
  /** The C1 app id. Changing it replaces the set. */
  appId: pulumi.Input<string>;
  /** The connector id within the app. Changing it replaces the set. */
  connectorId: pulumi.Input<string>;
  /** The ownership role slug, e.g. `owner`. Changing it replaces the set. */
  roleSlug: pulumi.Input<string>;
  /** The users who must own the role. Order and duplicates do not matter. */
  userIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Whether the listed users are the role's only owners.
   * - `true` (the default): anyone else is removed, and owners added in C1 outside the program
   *   show as drift in `preview --refresh`. The code is the whole truth about the role.
   * - `false`: only the listed users are managed; other owners of the role (added in the C1 UI or
   *   by other tools) are left alone and never reported. A listed owner removed in C1 is drift.
   *
   * The default is `true` because that is what this resource has always meant, and state written
   * before this setting existed is read as exclusive. Changing it updates the set in place.
   * @default true
   */
  exclusive?: pulumi.Input<boolean>;
  /**
   * Where `userIds` sits in an ownership document (e.g. `owners.app-payroll.conn-okta.owner`), so
   * that a check failure about one user names its place there (`...owner[2]`). No effect on C1, and
   * never a change. declareOwnership sets it.
   */
  documentPath?: pulumi.Input<string>;
}

const TYPE_NAME: OwnerResourceKind = "ConnectorUserOwners";

// One provider module object for every set: serialized once, as a require from an installed package.
const connectorUserOwnersProvider = connectorUserOwnersModule as pulumi.dynamic.ResourceProvider;

/**
 * The user owners of one connector role as one resource: listed users are made owners with single
 * POSTs, and the role is read with the list endpoint (one request per page), however many owners
 * it has. Exclusive (the default): owners not listed are removed, and `preview --refresh` reports
 * owners added or removed in C1 outside the program as an in-place update. Non-exclusive
 * (`exclusive: false`): only the listed users are managed. Do not also declare ConnectorUserOwner
 * resources for the same role: the program refuses it.
 */
export class ConnectorUserOwners extends pulumi.dynamic.Resource {
  declare readonly appId: pulumi.Output<string>;
  declare readonly connectorId: pulumi.Output<string>;
  declare readonly roleSlug: pulumi.Output<string>;
  /** The managed owners' user ids, sorted. */
  declare readonly userIds: pulumi.Output<string[]>;
  /** Whether the listed users are the role's only owners. */
  declare readonly exclusive: pulumi.Output<boolean>;
  /** The owners with their user details (email, display name, status, ...). */
  declare readonly owners: pulumi.Output<SetOwner[]>;
  /** Owners added by the last create or update. */
  declare readonly addedCount: pulumi.Output<number>;
  /** Owners removed by the last create or update. */
  declare readonly removedCount: pulumi.Output<number>;

  constructor(name: string, args: ConnectorUserOwnersArgs, opts?: pulumi.CustomResourceOptions) {
    const props = opts?.id === undefined ? { ...args, roleSlug: claimRoleInputs<pulumi.Input<string>>(args, "ConnectorUserOwners", name) } : {};
    super(
      connectorUserOwnersProvider,
      name,
      {
        appId: undefined,
        connectorId: undefined,
        roleSlug: undefined,
        userIds: undefined,
        exclusive: undefined,
        documentPath: undefined,
        ...props,
        owners: undefined,
        addedCount: undefined,
        removedCount: undefined,
      },
      opts,
      TYPE_MODULE,
      TYPE_NAME,
    );
  }

  /** Reads a role's current owners without managing them. `id` is `appId/connectorId/roleSlug`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): ConnectorUserOwners {
    return new ConnectorUserOwners(name, undefined as unknown as ConnectorUserOwnersArgs, { ...opts, id });
  }
}
