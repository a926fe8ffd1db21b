/**
 * The program the reliability tests drive with the real Pulumi CLI. It declares one
 * ConnectorUserOwner per entry of the `owners` stack config (a JSON list) and passes every key
 * through exactly as given, numbers, null and objects included, so bad input reaches the
 * provider's `check` the way a careless program would send it.
 *   owners: [{name, appId, connectorId, roleSlug, userId}, ...]
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwner } from "pulumi-conductorone-owners";

interface DeclaredOwner {
  name: string;
  appId: unknown;
  connectorId: unknown;
  roleSlug: unknown;
  userId: unknown;
}

const owners = new pulumi.Config().requireObject<DeclaredOwner[]>("owners");

for (const owner of owners) {
  new ConnectorUserOwner(owner.name, {
    appId: owner.appId as string,
    connectorId: owner.connectorId as string,
    roleSlug: owner.roleSlug as string,
    userId: owner.userId as string,
  });
}

export const declared = owners.length;
