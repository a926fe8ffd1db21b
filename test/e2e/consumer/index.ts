/**
 * A user's program: ConnectorUserOwner imported from the installed package, as its README shows.
 * The engine's ts-node type-checks it against the package's declarations. What it declares comes
 * from stack config:
 *   owners:  JSON list of {name, appId, connectorId, roleSlug, userId}
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwner, type ConnectorUserOwnerArgs } from "pulumi-conductorone-owners";

interface DeclaredOwner extends ConnectorUserOwnerArgs {
  name: string;
}

const config = new pulumi.Config();
const owners = config.requireObject<DeclaredOwner[]>("owners");

const resources = owners.map(
  ({ name, appId, connectorId, roleSlug, userId }) => new ConnectorUserOwner(name, { appId, connectorId, roleSlug, userId }),
);

export const ownerEmails = pulumi
  .all(resources.map((resource) => pulumi.all([resource.roleSlug, resource.user])))
  .apply((pairs) => pairs.map(([role, user]) => `${role}:${user?.email ?? "?"}`).sort());
