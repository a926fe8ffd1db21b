/**
 * The program the end-to-end tests drive with the real Pulumi CLI. What it declares comes from
 * stack config, so each test step changes config and runs the engine again.
 *   owners:    JSON list of {name, appId, connectorId, roleSlug, userId}
 *   lookupId:  optional id of an owner to read with ConnectorUserOwner.get
 *   importId:  optional; declares `imported` (keys from importOwner) with the `import` option
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwner } from "pulumi-conductorone-owners";

interface DeclaredOwner {
  name: string;
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
}

const config = new pulumi.Config();
const owners = config.requireObject<DeclaredOwner[]>("owners");

const resources = owners.map(
  (owner) =>
    new ConnectorUserOwner(owner.name, {
      appId: owner.appId,
      connectorId: owner.connectorId,
      roleSlug: owner.roleSlug,
      userId: owner.userId,
    }),
);

export const ownerEmails = pulumi
  .all(resources.map((resource) => pulumi.all([resource.roleSlug, resource.user])))
  .apply((pairs) => pairs.map(([role, user]) => `${role}:${user?.email ?? "?"}`).sort());

const lookupId = config.get("lookupId");
export const lookedUpEmail = lookupId ? ConnectorUserOwner.get("looked-up", lookupId).user.apply((user) => user?.email ?? null) : null;

const importId = config.get("importId");
if (importId) {
  const importOwner = config.requireObject<DeclaredOwner>("importOwner");
  new ConnectorUserOwner("imported", importOwner, { import: importId });
}
