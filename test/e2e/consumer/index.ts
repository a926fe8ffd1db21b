/**
 * A user's program: ConnectorUserOwner and ConnectorUserOwners imported from the installed
 * package, as its README shows. The engine's ts-node type-checks it against the package's
 * declarations. What it declares comes from stack config:
 *   owners:  JSON list of {name, appId, connectorId, roleSlug, userId}
 *   sets:    optional JSON list of {name, appId, connectorId, roleSlug, userIds}
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwner, ConnectorUserOwners, type ConnectorUserOwnerArgs, type ConnectorUserOwnersArgs } from "pulumi-conductorone-owners";

interface DeclaredOwner extends ConnectorUserOwnerArgs {
  name: string;
}

interface DeclaredSet extends ConnectorUserOwnersArgs {
  name: string;
}

const config = new pulumi.Config();
const owners = config.requireObject<DeclaredOwner[]>("owners");
const sets = config.getObject<DeclaredSet[]>("sets") ?? [];

const resources = owners.map(({ name, appId, connectorId, roleSlug, userId }) => new ConnectorUserOwner(name, { appId, connectorId, roleSlug, userId }));
for (const { name, appId, connectorId, roleSlug, userIds } of sets) new ConnectorUserOwners(name, { appId, connectorId, roleSlug, userIds });

export const ownerEmails = pulumi
  .all(resources.map((resource) => pulumi.all([resource.roleSlug, resource.user])))
  .apply((pairs) => pairs.map(([role, user]) => `${role}:${user?.email ?? "?"}`).sort());
